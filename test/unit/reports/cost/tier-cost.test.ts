import assert from 'node:assert/strict';
import { GIB } from '../../../../reports/cost/allocation-cost.ts';
import { cheapestPacking, replicasPerNode } from '../../../../reports/cost/instance-packing.ts';
import { connectionBar, priceTiers } from '../../../../reports/cost/price-tiers.ts';
import type { PricingProfile } from '../../../../reports/cost/pricing-profile.ts';
import { tierCost, unitCosts } from '../../../../reports/cost/tier-cost.ts';

const MIB = 1024 ** 2;
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);
const RATES = { cpuCoreHour: 0.031611, ramGiBHour: 0.004237 };
const perResource: PricingProfile = { name: 'opencost-default', description: 'd', kind: 'per-resource', spot: false, source: 'https://x', asOf: '2026-11-22', note: null, rates: RATES, instances: [] };
const instances: PricingProfile = {
  ...perResource, name: 'aws', kind: 'instance',
  instances: [{ type: 'm6i.large', vcpu: 2, memoryGiB: 8, hourly: 0.096 }, { type: 'm6i.xlarge', vcpu: 4, memoryGiB: 16, hourly: 0.192 }, { type: 'm6i.2xlarge', vcpu: 8, memoryGiB: 32, hourly: 0.384 }],
};

describe('tierCost', () => {
  it('per-resource: 3 replicas at max(request, usage) per resource, 730 h, OpenCost rates', () => {
    // CPU: max(250m, 100m) = 0.25 × 3 = 0.75 cores × 730 × 0.031611 = 17.30702250
    // RAM: max(256Mi, 300Mi) = 300Mi × 3 = 900Mi = 0.87890625 GiB × 730 × 0.004237 = 2.71846758
    const c = tierCost({ tier: 'small', replicas: 3, load: 1000, unit: 'requests/s', request: { cpuCores: 0.25, memoryBytes: 256 * MIB }, usage: { cpuCores: 0.1, memoryBytes: 300 * MIB } }, perResource)!;
    assert.equal(c.method, 'per-resource');
    close(c.allocatedCpuCores, 0.75);
    assert.equal(c.allocatedMemoryBytes, 900 * MIB);
    close(c.cpuMonth, 17.3070225);
    close(c.memoryMonth, 0.87890625 * 730 * 0.004237);
    close(c.totalMonth, c.cpuMonth + c.memoryMonth);
    // idle: requested but unused CPU (0.15 core × 3 × 730 × 0.031611); memory usage is above the request, so none
    close(c.idleMonth, 0.45 * 730 * 0.031611);
    // 1000/s all month = 2,628 million requests
    close(c.unit.perMillionRequests!, c.totalMonth / 2628);
    assert.equal(c.nodes, null);
  });

  it('instance: packs replicas by requests onto the cheapest type, ties to fewer nodes; idle is the nodes minus allocation', () => {
    // 600m / 1Gi: m6i.large holds 3 (2/0.6), m6i.xlarge 6, m6i.2xlarge 13. 5 replicas: 2 × large = 1 × xlarge = $0.192/h -> 1 × xlarge
    const c = tierCost({ tier: 'medium', replicas: 5, load: 10_000, unit: 'connections', request: { cpuCores: 0.6, memoryBytes: GIB }, usage: { cpuCores: 0.3, memoryBytes: 0.5 * GIB } }, instances)!;
    assert.deepEqual(c.nodes, { instanceType: 'm6i.xlarge', count: 1, hourly: 0.192, replicasPerNode: 6 });
    close(c.totalMonth, 0.192 * 730); // 140.16
    close(c.allocationMonth + c.idleMonth, 140.16);
    // allocation at the node's split rates: k = 0.192 / (4 × 0.031611 + 16 × 0.004237) = 0.192 / 0.194236
    const k = 0.192 / 0.194236;
    close(c.cpuMonth, 3 * 730 * 0.031611 * k);
    close(c.memoryMonth, 5 * 730 * 0.004237 * k);
    close(c.unit.perConnectionMonth!, 140.16 / 10_000);
    close(c.unit.per1kConnectionsMonth!, 14.016);
  });

  it('returns null when no instance type holds one replica', () => {
    assert.equal(tierCost({ tier: 'big', replicas: 1, load: 1, unit: 'requests/s', request: { cpuCores: 16, memoryBytes: GIB }, usage: { cpuCores: null, memoryBytes: null } }, instances), null);
  });
});

describe('instance packing', () => {
  it('counts replicas per node by the tighter of CPU and memory', () => {
    assert.equal(replicasPerNode({ type: 'a', vcpu: 2, memoryGiB: 8, hourly: 1 }, { cpuCores: 0.5, memoryBytes: 3 * GIB }), 2);
    assert.equal(replicasPerNode({ type: 'a', vcpu: 2, memoryGiB: 8, hourly: 1 }, { cpuCores: 0.5, memoryBytes: GIB }), 4);
  });

  it('picks the cheapest fleet', () => {
    // 7 replicas of 1 core: large holds 2 -> 4 nodes $0.384; xlarge holds 4 -> 2 nodes $0.384; 2xlarge holds 8 -> 1 node $0.384: all tie -> 1 node
    const p = cheapestPacking(7, { cpuCores: 1, memoryBytes: GIB }, instances.instances)!;
    assert.equal(p.instance.type, 'm6i.2xlarge');
    assert.equal(p.nodes, 1);
    // 3 replicas: large 2 nodes $0.192, xlarge 1 node $0.192, 2xlarge $0.384 -> xlarge (tie, fewer nodes)
    assert.equal(cheapestPacking(3, { cpuCores: 1, memoryBytes: GIB }, instances.instances)!.instance.type, 'm6i.xlarge');
  });
});

describe('unit costs and the seed 004 bar', () => {
  it('per million requests counts the load held for 730 hours', () => {
    close(unitCosts(2628, 1000, 'requests/s').perMillionRequests!, 1);
    assert.equal(unitCosts(10, 0, 'requests/s').perMillionRequests, null);
  });

  it('judges the worst per-connection cost against < $0.02 per connection per month', () => {
    const base = priceTiers(
      [
        { tier: 'small', replicas: 2, load: 1000, unit: 'connections', request: { cpuCores: 0.25, memoryBytes: 256 * MIB }, usage: { cpuCores: null, memoryBytes: null } },
        { tier: 'large', replicas: 4, load: 100_000, unit: 'connections', request: { cpuCores: 0.25, memoryBytes: 256 * MIB }, usage: { cpuCores: null, memoryBytes: null } },
      ],
      null, perResource,
    );
    const bar = base.summary.connectionBar!;
    assert.equal(bar.worstTier, 'small');
    // small: 2 × (0.25 × 730 × 0.031611 + 0.25 × 730 × 0.004237) = 13.08452 / 1000 connections
    close(bar.worst!, 2 * 0.25 * 730 * (0.031611 + 0.004237) / 1000);
    assert.equal(bar.level, 'good');
    const dear = connectionBar([{ ...base.summary.tiers[0]!, unit: { perConnectionMonth: 0.025, per1kConnectionsMonth: 25, perMillionRequests: null } }], 0.02);
    assert.equal(dear.level, 'critical');
    assert.equal(connectionBar([], 0.02).level, 'no-data');
  });
});
