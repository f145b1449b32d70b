import assert from 'node:assert/strict';
import { benchmarkRows } from '../../../../reports/capacity/benchmark-table.ts';
import { capacityReport } from '../../../../reports/capacity/capacity-report.ts';
import { loadPricingProfile } from '../../../../reports/cost/pricing-profile.ts';
import { parseTiers } from '../../../../reports/capacity/tiers.ts';
import { cleanHttpSweep, connectionSweep, makeSweepResult, MIB } from '../../../fixtures/results/make-sweep-result.ts';

describe('seed 004 benchmark table', () => {
  it('fills load, instances, predicted CPU and memory per instance, nearest measured p95 and cost for each tier', () => {
    // 0.05 cores + 0.1 ms of CPU per request, 60 MiB + 2 KiB per request/s; Good up to 4,000/s
    const r = capacityReport(cleanHttpSweep(), { pricing: loadPricingProfile('opencost-default'), target: 10_000 })!;
    const t = benchmarkRows(r);
    assert.deepEqual(t.header, ['Tier', 'Load', 'Instances', 'CPU/Instance', 'Memory/Instance', 'Latency (p95)', 'Cost/mo']);
    const large = r.tiers.find((x) => x.name === 'large')!;
    const row = t.rows[r.tiers.indexOf(large)]!;
    assert.equal(row[0], 'large');
    assert.equal(row[2], String(large.replicas));
    // all 4 replicas serve 2,500/s each: 0.05 + 0.25 = 0.30 cores of a 1-core budget
    assert.equal(large.loadPerReplica, 2_500);
    assert.equal(row[3], '30%');
    assert.equal(row[4], '65Mi');
    // the nearest Good step at or above 2,500/s is 3,000/s; its p95 is what the table shows
    const p95 = r.knee.steps.find((s) => s.load === 3_000)!.p95Ms!;
    assert.equal(row[5], `${p95 < 10 ? p95.toFixed(1) : Math.round(p95)}ms`);
    assert.match(row[6]!, /^\$[\d,.]+$/);
    assert.equal(t.rows.length, r.tiers.length + 1, 'the target gets a row too');
  });

  it('for connections, adds cost per connection against seed 004\'s bar and the seed\'s own row for its counts', () => {
    const r = capacityReport(connectionSweep(), { pricing: loadPricingProfile('opencost-default'), tiers: parseTiers('seed-004', 'connections'), target: 100_000 })!;
    const t = benchmarkRows(r);
    assert.deepEqual(t.header.slice(0, 2), ['Tier', 'Connections']);
    assert.equal(t.header[7], 'Cost/conn/mo (< $0.0200)');
    assert.match(t.header[8]!, /^Seed 004/);
    assert.deepEqual(t.rows.map((row) => row[0]), ['1k', '10k', '50k', '100k', 'target']);
    const tiers = [...r.tiers, r.target!.tier];
    t.rows.forEach((row, i) => {
      const v = tiers[i]!.cost!.unit.perConnectionMonth!;
      assert.ok(row[7]!.endsWith(v < 0.02 ? ' ✓' : ' ✗'), `${row[0]}: ${row[7]} for $${v}`);
    });
    assert.equal(t.rows[3]![8], '10 × 70%, 6GB, 20ms, $1,500');
    assert.equal(t.rows[4]![8], '10 × 70%, 6GB, 20ms, $1,500', 'the target at 100k is the seed\'s 100k row');
    assert.deepEqual(benchmarkRows(capacityReport(connectionSweep(), { tiers: [{ name: 'edge', load: 3_000 }] })!).rows[0]!.slice(7), ['-', '-'], 'no pricing, no seed row for 3,000');
  });

  it('shows the measured CPU of the nearest step, marked †, when the CPU fit is too poor to predict (idle sockets: noise over slope)', () => {
    const cpu = [0.05, 0.01, 0.06, 0.02, 0.05];
    const result = makeSweepResult({
      component: 'realtime',
      noise: 0,
      steps: [500, 1000, 2000, 4000, 8000].map((connections, i) => ({ rate: 10, connections, level: 'good' as const, cpuCores: cpu[i]!, rssBytes: 80 * MIB + connections * 5 * 1024 })),
    });
    const r = capacityReport(result, { tiers: [{ name: 'one', load: 3_000 }] })!;
    assert.equal(r.fits[0]!.cpuCores.quality, 'poor');
    // 3,000 over 2 instances (N+1): 1,500 each; the nearest Good step at or above is 2,000, CPU 6% of a core
    assert.equal(benchmarkRows(r).rows[0]![3], '6% †');
    assert.equal(benchmarkRows(r).rows[0]![4], '88Mi', 'memory, linear, is still predicted');
  });
});
