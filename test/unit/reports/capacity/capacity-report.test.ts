import assert from 'node:assert/strict';
import { capacityReport } from '../../../../reports/capacity/capacity-report.ts';
import { CapacityOptionError } from '../../../../reports/capacity/capacity-option-error.ts';
import { loadPricingProfile } from '../../../../reports/cost/pricing-profile.ts';
import { cleanHttpSweep, connectionSweep, makeSweepResult, MIB } from '../../../fixtures/results/make-sweep-result.ts';
import { makeRunResult } from '../../../fixtures/run-results/make-run-result.ts';

describe('capacityReport', () => {
  it('is null for a result without a sweep', () => {
    assert.equal(capacityReport(makeRunResult()), null);
  });

  it('a clean sweep: knee, fits on the Good steps only, capacity bounded by the knee, N+1 replicas for the target', () => {
    const r = capacityReport(cleanHttpSweep(), { target: 10_000 })!;
    assert.equal(r.unit, 'requests/s');
    assert.equal(r.component, 'echo');
    assert.equal(r.knee.status, 'found');
    assert.equal(r.knee.load, 4000);
    assert.deepEqual(r.fittedOn.steps, [0, 1, 2, 3, 4]);
    assert.deepEqual(r.fittedOn.loads, [500, 1000, 2000, 3000, 4000]);
    const cpu = r.fits[0]!.cpuCores;
    assert.equal(cpu.quality, 'good');
    assert.ok(Math.abs(cpu.slope - 0.0001) < 0.000005, `slope ${cpu.slope}`);
    assert.ok(Math.abs(cpu.intercept - 0.05) < 0.005, `intercept ${cpu.intercept}`);
    // the settle seconds carry 400% CPU and 4 GiB: had they leaked into a window, the means would show it
    assert.ok(r.fits[0]!.stepStats.every((s) => s.cpuMeanCores < 0.5 && s.memoryPeakBytes < 100 * MIB));
    assert.equal(r.capacity.limitedBy, 'knee');
    assert.equal(r.capacity.load, 4000);
    // CPU reaches 70% of one core at (0.7 - 0.05) / 0.0001 = 6500/s, above the knee
    assert.ok(Math.abs(r.capacity.cpuAtHpaTarget! - 6500) < 150, `${r.capacity.cpuAtHpaTarget}`);
    assert.equal(r.target!.replicasNeeded, 3);
    assert.equal(r.target!.replicas, 4);
    assert.deepEqual(r.tiers.map((t) => [t.name, t.replicas]), [['small', 2], ['medium', 2], ['large', 4]]);
    assert.equal(r.cost, null, 'no pricing, no cost');
    // chart-friendly: points and a two-point fit line
    assert.equal(cpu.points.length, 5);
    assert.deepEqual(cpu.line.map((p) => p.load), [500, 4000]);
  });

  it('capacity is bounded by CPU at the HPA target when CPU gets there before the knee', () => {
    const r = capacityReport(cleanHttpSweep(), { hpaTarget: 0.3 })!;
    // 0.3 core at (0.3 - 0.05) / 0.0001 = 2500/s
    assert.equal(r.capacity.limitedBy, 'cpu-at-hpa-target');
    assert.ok(Math.abs(r.capacity.load! - 2500) < 100, `${r.capacity.load}`);
    assert.equal(r.capacity.extrapolated, false);
  });

  it('capacity is bounded by memory at 80% of the run’s memory limit when memory gets there first', () => {
    const result = makeSweepResult({
      limits: { cpuCores: 1, memoryBytes: 256 * MIB },
      steps: [500, 1000, 2000, 3000, 4000, 5000].map((rate) => ({ rate, level: rate <= 4000 ? 'good' : 'critical', cpuCores: 0.05 + rate * 0.0001, rssBytes: 60 * MIB + rate * 50 * 1024 })),
    });
    const r = capacityReport(result)!;
    // 0.8 × 256 MiB = 204.8 MiB at (204.8 - 60) MiB / 50 KiB = 2965.5/s
    assert.equal(r.capacity.limitedBy, 'memory-limit');
    assert.ok(Math.abs(r.capacity.load! - 2965.5) < 60, `${r.capacity.load}`);
    assert.match(r.capacity.note, /memory reaches 80% of the 256Mi limit/);
  });

  it('sizes per replica when the sweep ran several replicas', () => {
    const r = capacityReport(cleanHttpSweep(2))!;
    assert.equal(r.fits[0]!.replicas, 2);
    assert.equal(r.capacity.kneePerReplica, 2000);
    assert.deepEqual(r.fittedOn.loads, [500, 1000, 2000, 3000, 4000], 'fittedOn keeps whole-component loads');
    assert.deepEqual(r.fits[0]!.cpuCores.points.map((p) => p.load), [250, 500, 1000, 1500, 2000]);
  });

  it('a poor CPU fit is reported as poor, not extrapolated, and requests come from a measured step', () => {
    const cpu = [0.6, 0.1, 0.5, 0.15, 0.55];
    const result = makeSweepResult({
      steps: [500, 1000, 2000, 3000, 4000, 5000].map((rate, i) => ({ rate, level: i < 5 ? 'good' : 'critical', cpuCores: cpu[i] ?? 0.9, rssBytes: 80 * MIB + rate * 1024 })),
    });
    const r = capacityReport(result, { hpaTarget: 0.3 })!;
    assert.equal(r.fits[0]!.cpuCores.quality, 'poor');
    assert.equal(r.capacity.cpuAtHpaTarget, null);
    assert.equal(r.capacity.limitedBy, 'knee');
    assert.match(r.capacity.note, /the CPU fit is poor, so CPU does not bound it/);
    assert.ok(r.notes.some((n) => /echo CPU is not linear in load/.test(n)), r.notes.join('\n'));
    assert.equal(r.recommendation!.basis, 'measured-step');
  });

  it('a noisy sweep keeps the knee below the first failed step and says so in the notes', () => {
    const levels = ['good', 'good', 'warning', 'good', 'critical'] as const;
    const result = makeSweepResult({ noise: 0.1, steps: [1000, 2000, 3000, 4000, 5000].map((rate, i) => ({ rate, level: levels[i]!, cpuCores: 0.05 + rate * 0.0001, rssBytes: 60 * MIB })) });
    const r = capacityReport(result)!;
    assert.equal(r.knee.load, 2000);
    assert.deepEqual(r.knee.unstableLoads, [4000]);
    assert.ok(r.notes.some((n) => /unstable sweep/.test(n)));
    assert.ok(r.fittedOn.reason.includes('past the knee'), 'two Good steps are too few: every step is fitted, and the reason says so');
  });

  it('thresholds never Good: no capacity, no tiers, and a note that says why', () => {
    const result = makeSweepResult({ steps: [100, 200, 300].map((rate) => ({ rate, level: 'critical', cpuCores: 0.9, rssBytes: 60 * MIB })) });
    const r = capacityReport(result, { target: 1000 })!;
    assert.equal(r.knee.status, 'never-good');
    assert.equal(r.capacity.load, null);
    assert.deepEqual(r.tiers, []);
    assert.equal(r.target, null);
    assert.ok(r.notes.some((n) => /no knee in range/.test(n)));
  });

  it('a connection service is sized in held connections and judged against the $0.02 bar', () => {
    const r = capacityReport(connectionSweep(), { pricing: loadPricingProfile('opencost-default') })!;
    assert.equal(r.unit, 'connections');
    assert.equal(r.knee.load, 8000);
    // 50 KiB per connection
    assert.ok(Math.abs(r.fits[0]!.memoryBytes.slope - 50 * 1024) < 2048, `${r.fits[0]!.memoryBytes.slope}`);
    assert.deepEqual(r.tiers.map((t) => [t.name, t.replicasNeeded, t.replicas]), [['small', 1, 2], ['medium', 2, 3], ['large', 13, 14]]);
    const bar = r.cost!.connectionBar!;
    assert.equal(bar.bar, 0.02);
    assert.equal(bar.level, bar.worst! < 0.02 ? 'good' : 'critical');
    for (const t of r.tiers) assert.ok(Math.abs(t.cost!.unit.perConnectionMonth! * t.load - t.cost!.totalMonth) < 1e-9);
  });

  it('warns that the knee may be the generator’s when the run was invalid', () => {
    const r = capacityReport({ ...cleanHttpSweep(), verdict: 'invalid' })!;
    assert.ok(r.notes.some((n) => /the load generator was a bottleneck/.test(n)), r.notes.join('\n'));
    assert.ok(!capacityReport(cleanHttpSweep())!.notes.some((n) => /generator/.test(n)));
  });

  it('picks the busiest component by default and rejects unknown names', () => {
    const result = makeSweepResult({ idleComponent: 'agent', steps: [100, 200, 300].map((rate) => ({ rate, level: 'good', cpuCores: rate / 1000, rssBytes: 60 * MIB })) });
    assert.equal(capacityReport(result)!.component, 'echo');
    assert.equal(capacityReport(result, { component: 'agent' })!.component, 'agent');
    assert.throws(() => capacityReport(result, { component: 'nope' }), (e: unknown) => e instanceof CapacityOptionError && /its components: echo, agent/.test(e.message));
    assert.throws(() => capacityReport(result, { workload: 'other' }), /its sweeps: sweep/);
  });
});
