import assert from 'node:assert/strict';
import type { ComponentFit, StepResourceStats } from '../../../../reports/capacity/capacity-report.ts';
import { linearFit } from '../../../../reports/capacity/linear-fit.ts';
import { recommend } from '../../../../reports/capacity/recommendation.ts';

const MIB = 1024 ** 2;

function fitOf(stats: StepResourceStats[]): ComponentFit {
  return {
    component: 'echo',
    replicas: 1,
    cpuCores: linearFit(stats.map((s) => ({ load: s.load, value: s.cpuMeanCores }))),
    memoryBytes: linearFit(stats.map((s) => ({ load: s.load, value: s.memoryMeanBytes }))),
    stepStats: stats,
  };
}

// CPU mean 0.1 + 0.0001/load; p90 1.2 × mean; memory mean 100 MiB + 10 KiB/load, p90 1.1 × mean, peak 1.3 × mean
const linear = [1000, 2000, 3000].map((load): StepResourceStats => {
  const cpu = 0.1 + 0.0001 * load;
  const mem = 100 * MIB + 10 * 1024 * load;
  return { stepIndex: load / 1000, load, samples: 10, cpuMeanCores: cpu, cpuP90Cores: 1.2 * cpu, memoryMeanBytes: mem, memoryP90Bytes: 1.1 * mem, memoryPeakBytes: 1.3 * mem };
});

describe('recommend (VPA-style)', () => {
  it('from the fits: request at p90 + 15%, memory limit at peak + 15%, no CPU limit', () => {
    const r = recommend(fitOf(linear), 2500)!;
    // CPU mean at 2500 = 0.35, p90 = 0.42, + 15% = 0.483 cores
    assert.equal(r.cpuRequestCores, 0.483);
    assert.equal(r.cpuLimitCores, null);
    // memory mean at 2500 = 100 MiB + 25,000 KiB = 124.4140625 MiB; p90 × 1.15 = 157.38... -> 158 MiB; peak 1.3 × 1.15 -> 186 MiB
    assert.equal(r.memoryRequestBytes, 158 * MIB);
    assert.equal(r.memoryLimitBytes, 186 * MIB);
    assert.equal(r.basis, 'fit');
    assert.match(r.method, /p90 usage \+ 15%, memory limit at peak \+ 15%, no CPU limit \(KRR simple strategy\)/);
  });

  it('a CPU limit as a multiple of the request when asked (seed 000 sets limits at 2× requests)', () => {
    const r = recommend(fitOf(linear), 2500, { ratio: 2 })!;
    assert.equal(r.cpuLimitCores, 0.966);
    assert.match(r.method, /CPU limit 2× the request/);
  });

  it('with a poor fit, reads the nearest measured step carrying at least the load instead of predicting', () => {
    const noisy = linear.map((s, i) => ({ ...s, cpuMeanCores: [0.5, 0.1, 0.45][i]!, cpuP90Cores: [0.6, 0.2, 0.5][i]! }));
    const r = recommend(fitOf(noisy), 1500)!;
    assert.equal(r.basis, 'measured-step');
    // the 2000 step: p90 0.2 × 1.15 = 0.23
    assert.equal(r.cpuRequestCores, 0.23);
  });

  it('returns null without any measured step', () => {
    assert.equal(recommend(fitOf([]), 100), null);
  });
});
