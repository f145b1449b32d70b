/**
 * How many nodes of which instance type hold N identical replicas, packed by their requests (the
 * scheduler places pods by requests, not usage). With identical replicas, first-fit is exact:
 * each node takes as many as fit by both CPU and memory. No capacity is kept back for the kubelet
 * and system pods, so real clusters need a little more.
 */
import { GIB, type ResourceAmount } from './allocation-cost.ts';

export interface InstanceType { type: string; vcpu: number; memoryGiB: number; hourly: number }

export interface Packing { instance: InstanceType; replicasPerNode: number; nodes: number; hourly: number }

/** Replicas of `request` that fit on one node of `t` (0 when even one does not). */
export function replicasPerNode(t: InstanceType, request: ResourceAmount): number {
  const byCpu = request.cpuCores > 0 ? Math.floor(t.vcpu / request.cpuCores + 1e-9) : Number.POSITIVE_INFINITY;
  const byMem = request.memoryBytes > 0 ? Math.floor((t.memoryGiB * GIB) / request.memoryBytes + 1e-9) : Number.POSITIVE_INFINITY;
  const n = Math.min(byCpu, byMem);
  return Number.isFinite(n) ? n : 0;
}

/** The cheapest packing of `replicas` over `types` (ties: fewer nodes, then listing order); null when no type holds one replica. */
export function cheapestPacking(replicas: number, request: ResourceAmount, types: readonly InstanceType[]): Packing | null {
  let best: Packing | null = null;
  for (const t of types) {
    const per = replicasPerNode(t, request);
    if (per < 1) continue;
    const nodes = Math.ceil(replicas / per);
    const p = { instance: t, replicasPerNode: per, nodes, hourly: nodes * t.hourly };
    if (best === null || p.hourly < best.hourly - 1e-12 || (Math.abs(p.hourly - best.hourly) <= 1e-12 && p.nodes < best.nodes)) best = p;
  }
  return best;
}
