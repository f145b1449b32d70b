/**
 * OpenCost's allocation formula: a workload pays for the larger of what it requested and what
 * it used, for every hour it runs, at the CPU core-hour and RAM GiB-hour rates
 * (cost = max(request, usage) × hours × rate). See https://www.opencost.io/docs/specification.
 */
export const GIB = 1024 ** 3;

export interface ResourceAmount { cpuCores: number; memoryBytes: number }
export interface Rates { cpuCoreHour: number; ramGiBHour: number }

export interface AllocationCost {
  /** max(request, usage) per resource */
  allocated: ResourceAmount;
  cpuCost: number;
  memoryCost: number;
  total: number;
}

/** Cost of one allocation over `hours`; usage null means unknown, so the request stands. */
export function allocationCost(request: ResourceAmount, usage: Partial<Record<keyof ResourceAmount, number | null>>, hours: number, rates: Rates): AllocationCost {
  const allocated = {
    cpuCores: Math.max(request.cpuCores, usage.cpuCores ?? 0),
    memoryBytes: Math.max(request.memoryBytes, usage.memoryBytes ?? 0),
  };
  const cpuCost = allocated.cpuCores * hours * rates.cpuCoreHour;
  const memoryCost = (allocated.memoryBytes / GIB) * hours * rates.ramGiBHour;
  return { allocated, cpuCost, memoryCost, total: cpuCost + memoryCost };
}

/**
 * A node's hourly price split into a CPU core-hour and a RAM GiB-hour rate in the proportion of
 * `ratio` (OpenCost splits a node's price by its default CPU:RAM rates the same way).
 */
export function nodeRates(node: { vcpu: number; memoryGiB: number; hourly: number }, ratio: Rates): Rates {
  const k = node.hourly / (node.vcpu * ratio.cpuCoreHour + node.memoryGiB * ratio.ramGiBHour);
  return { cpuCoreHour: k * ratio.cpuCoreHour, ramGiBHour: k * ratio.ramGiBHour };
}
