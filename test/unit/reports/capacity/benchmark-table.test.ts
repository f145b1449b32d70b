import assert from 'node:assert/strict';
import { benchmarkRows } from '../../../../reports/capacity/benchmark-table.ts';
import { capacityReport } from '../../../../reports/capacity/capacity-report.ts';
import { loadPricingProfile } from '../../../../reports/cost/pricing-profile.ts';
import { cleanHttpSweep } from '../../../fixtures/results/make-sweep-result.ts';

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
});
