/**
 * How much load one replica carries: the smaller of the knee (what was measured to stay Good,
 * per replica) and the load at which CPU reaches the HPA target (default 70% of the CPU a replica
 * may use, the seeds' HPA), so an autoscaler would add a replica before the replica leaves Good.
 */
import type { ComponentFit, LoadUnit, ReplicaCapacity } from './capacity-report.ts';
import { extrapolates, loadAt } from './linear-fit.ts';

export const DEFAULT_HPA_TARGET = 0.7;
export const DEFAULT_CPU_BUDGET_CORES = 1;
/** Fraction of a memory limit a replica may fill (seed 003's targetMemoryUtilizationPercentage: 80). */
export const MEMORY_TARGET = 0.8;

export interface CapacityInputs {
  fit: ComponentFit;
  /** knee load of the whole component; null when no step was Good */
  kneeLoad: number | null;
  /** the knee is a lower bound (every step was Good) */
  kneeIsLowerBound: boolean;
  hpaTarget: number;
  cpuBudgetCores: number;
  /** the run's memory limit per replica, when it set one */
  memoryLimitBytes?: number;
  unit: LoadUnit;
}

/** Per-replica capacity and what limits it. */
export function replicaCapacity(i: CapacityInputs): ReplicaCapacity {
  const kneePerReplica = i.kneeLoad === null ? null : i.kneeLoad / i.fit.replicas;
  const cpuAtHpaTarget = loadAt(i.fit.cpuCores, i.hpaTarget * i.cpuBudgetCores);
  const memoryAtLimit = i.memoryLimitBytes === undefined ? null : loadAt(i.fit.memoryBytes, MEMORY_TARGET * i.memoryLimitBytes);
  const base = { component: i.fit.component, kneePerReplica, cpuAtHpaTarget, memoryAtLimit, hpaTarget: i.hpaTarget, cpuBudgetCores: i.cpuBudgetCores };
  const pct = `${Math.round(i.hpaTarget * 100)}%`;
  const cores = `${i.cpuBudgetCores} core${i.cpuBudgetCores === 1 ? '' : 's'}`;
  if (kneePerReplica === null) {
    return { ...base, load: null, limitedBy: null, extrapolated: false, note: 'no step was Good, so no load is known to be safe for one replica' };
  }
  if (memoryAtLimit !== null && memoryAtLimit < kneePerReplica && (cpuAtHpaTarget === null || memoryAtLimit < cpuAtHpaTarget)) {
    const extrapolated = extrapolates(i.fit.memoryBytes, memoryAtLimit);
    return {
      ...base, load: memoryAtLimit, limitedBy: 'memory-limit', extrapolated,
      note: `memory reaches ${Math.round(MEMORY_TARGET * 100)}% of the ${Math.round(i.memoryLimitBytes! / 1024 ** 2)}Mi limit at ${round(memoryAtLimit)} ${i.unit} per replica, below the knee (${round(kneePerReplica)})${extrapolated ? '; read off the fit beyond the measured range' : ''}`,
    };
  }
  if (cpuAtHpaTarget !== null && cpuAtHpaTarget < kneePerReplica) {
    const extrapolated = extrapolates(i.fit.cpuCores, cpuAtHpaTarget);
    return {
      ...base, load: cpuAtHpaTarget, limitedBy: 'cpu-at-hpa-target', extrapolated,
      note: `CPU reaches the HPA target (${pct} of ${cores}) at ${round(cpuAtHpaTarget)} ${i.unit} per replica, below the knee (${round(kneePerReplica)})${extrapolated ? '; read off the fit beyond the measured range' : ''}`,
    };
  }
  const cpuWhy = cpuAtHpaTarget === null
    ? (i.fit.cpuCores.quality === 'poor' || i.fit.cpuCores.quality === 'insufficient' ? `the CPU fit is ${i.fit.cpuCores.quality}, so CPU does not bound it` : `CPU never reaches ${pct} of ${cores} on the fit`)
    : `CPU reaches ${pct} of ${cores} only at ${round(cpuAtHpaTarget)}`;
  return {
    ...base, load: kneePerReplica, limitedBy: 'knee', extrapolated: false,
    note: `the knee bounds one replica at ${round(kneePerReplica)} ${i.unit}${i.kneeIsLowerBound ? ' (a lower bound: every step was Good)' : ''}; ${cpuWhy}`,
  };
}

function round(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3);
}
