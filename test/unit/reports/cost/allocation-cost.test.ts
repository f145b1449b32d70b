import assert from 'node:assert/strict';
import { allocationCost, GIB, nodeRates } from '../../../../reports/cost/allocation-cost.ts';

const OPENCOST = { cpuCoreHour: 0.031611, ramGiBHour: 0.004237 };
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

describe('allocationCost (OpenCost: max(request, usage) × hours × rate)', () => {
  it('charges the request when usage is below it, and usage when usage is above it', () => {
    // CPU: request 0.5 > usage 0.2 -> 0.5 core × 730 h × 0.031611 = 11.538015
    // RAM: usage 1.5 GiB > request 1 GiB -> 1.5 × 730 × 0.004237 = 4.6395150
    const c = allocationCost({ cpuCores: 0.5, memoryBytes: GIB }, { cpuCores: 0.2, memoryBytes: 1.5 * GIB }, 730, OPENCOST);
    assert.deepEqual(c.allocated, { cpuCores: 0.5, memoryBytes: 1.5 * GIB });
    close(c.cpuCost, 11.538015);
    close(c.memoryCost, 4.639515);
    close(c.total, 16.17753);
  });

  it('lets the request stand when usage is unknown', () => {
    // 2 cores × 24 h × 0.031611 = 1.517328; 4 GiB × 24 h × 0.004237 = 0.406752
    const c = allocationCost({ cpuCores: 2, memoryBytes: 4 * GIB }, { cpuCores: null, memoryBytes: null }, 24, OPENCOST);
    close(c.cpuCost, 1.517328);
    close(c.memoryCost, 0.406752);
  });

  it('splits a node price into CPU and RAM rates by OpenCost’s ratio, and the rates add back up to the price', () => {
    // m6i.large: 2 vCPU, 8 GiB, $0.096/h. 2 × 0.031611 + 8 × 0.004237 = 0.097118, k = 0.096 / 0.097118
    const r = nodeRates({ vcpu: 2, memoryGiB: 8, hourly: 0.096 }, OPENCOST);
    const k = 0.096 / 0.097118;
    close(r.cpuCoreHour, 0.031611 * k);
    close(r.ramGiBHour, 0.004237 * k);
    close(2 * r.cpuCoreHour + 8 * r.ramGiBHour, 0.096);
  });
});
