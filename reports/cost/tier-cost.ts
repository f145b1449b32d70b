/**
 * What one tier costs a month under a pricing profile, by OpenCost's allocation method. For a
 * per-resource profile the tier pays its allocation; for an instance profile it pays the nodes
 * its replicas are packed onto, and the part of them no replica allocated is shown as idle.
 */
import type { LoadUnit } from '../capacity/capacity-report.ts';
import { allocationCost, nodeRates, type ResourceAmount } from './allocation-cost.ts';
import { HOURS_PER_MONTH, type TierCost, type UnitCosts } from './cost-summary.ts';
import { cheapestPacking } from './instance-packing.ts';
import type { PricingProfile } from './pricing-profile.ts';

export interface TierCostInput {
  tier: string;
  replicas: number;
  load: number;
  unit: LoadUnit;
  /** per replica */
  request: ResourceAmount;
  /** predicted mean use per replica; null parts are unknown (the request stands) */
  usage: { cpuCores: number | null; memoryBytes: number | null };
}

/** Monthly cost of a tier; null when no instance type of the profile holds one replica. */
export function tierCost(input: TierCostInput, profile: PricingProfile): TierCost | null {
  const one = allocationCost(input.request, input.usage, HOURS_PER_MONTH, profile.rates);
  const n = input.replicas;
  const allocated = { cpuCores: one.allocated.cpuCores * n, memoryBytes: one.allocated.memoryBytes * n };
  if (profile.kind === 'per-resource') {
    const used = allocationCost({ cpuCores: input.usage.cpuCores ?? input.request.cpuCores, memoryBytes: input.usage.memoryBytes ?? input.request.memoryBytes }, {}, HOURS_PER_MONTH, profile.rates);
    const cpuMonth = one.cpuCost * n;
    const memoryMonth = one.memoryCost * n;
    const allocationMonth = cpuMonth + memoryMonth;
    return {
      tier: input.tier, method: 'per-resource', replicas: n, allocatedCpuCores: allocated.cpuCores, allocatedMemoryBytes: allocated.memoryBytes,
      cpuMonth, memoryMonth, allocationMonth,
      idleMonth: Math.max(0, allocationMonth - used.total * n),
      idleMeaning: 'requested but not used (request minus predicted usage), included in the total',
      totalMonth: allocationMonth,
      nodes: null,
      unit: unitCosts(allocationMonth, input.load, input.unit),
    };
  }
  const packing = cheapestPacking(n, input.request, profile.instances);
  if (packing === null) return null;
  const rates = nodeRates(packing.instance, profile.rates);
  const perReplica = allocationCost(input.request, input.usage, HOURS_PER_MONTH, rates);
  const cpuMonth = perReplica.cpuCost * n;
  const memoryMonth = perReplica.memoryCost * n;
  const allocationMonth = cpuMonth + memoryMonth;
  const nodesMonth = packing.hourly * HOURS_PER_MONTH;
  return {
    tier: input.tier, method: 'instance-bin-pack', replicas: n, allocatedCpuCores: allocated.cpuCores, allocatedMemoryBytes: allocated.memoryBytes,
    cpuMonth, memoryMonth, allocationMonth,
    idleMonth: Math.max(0, nodesMonth - allocationMonth),
    idleMeaning: 'node capacity no replica allocated (nodes minus allocation), included in the total',
    totalMonth: Math.max(nodesMonth, allocationMonth),
    nodes: { instanceType: packing.instance.type, count: packing.nodes, hourly: packing.instance.hourly, replicasPerNode: packing.replicasPerNode },
    unit: unitCosts(Math.max(nodesMonth, allocationMonth), input.load, input.unit),
  };
}

/** Dollars per connection-month, per 1k connection-months, or per million requests at `load` held all month. */
export function unitCosts(totalMonth: number, load: number, unit: LoadUnit): UnitCosts {
  if (load <= 0) return { perConnectionMonth: null, per1kConnectionsMonth: null, perMillionRequests: null };
  if (unit === 'connections') {
    return { perConnectionMonth: totalMonth / load, per1kConnectionsMonth: (totalMonth / load) * 1000, perMillionRequests: null };
  }
  const millionRequestsPerMonth = (load * 3600 * HOURS_PER_MONTH) / 1e6;
  return { perConnectionMonth: null, per1kConnectionsMonth: null, perMillionRequests: totalMonth / millionRequestsPerMonth };
}
