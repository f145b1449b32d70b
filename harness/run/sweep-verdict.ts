/**
 * What a capacity-sweep run is judged on. A sweep pushes past the knee on purpose, so its whole-run
 * thresholds would always be Critical and say nothing. The run is judged instead at its knee step:
 * the highest load whose every threshold was Good, below the lowest load that was not (a Good step
 * above a failed one is noise, not capacity). No Good step at all: judged at the lowest step.
 */
import type { SweepResult, SweepStep, ThresholdResult } from '../../reports/run-result.ts';
import { formatSweepLoad } from '../executors/sweep-strategy.ts';

export interface SweepJudgement {
  thresholds: ThresholdResult[];
  /** one sentence for the verdict reasons: which step the run was judged at and why */
  reason: string;
}

/** A step's load: its held connections for a connection sweep, else its offered rate. */
export function stepLoadOf(step: SweepStep): number {
  return step.targetConnections ?? step.targetRate;
}

const fmt = (s: SweepStep): string => formatSweepLoad(stepLoadOf(s), s.targetConnections === undefined ? 'requests/s' : 'connections');

/** The step a sweep is judged at, or null when it judged no step. */
export function kneeStep(sweep: SweepResult): { step: SweepStep; found: boolean } | null {
  const byLoad = [...sweep.steps].sort((a, b) => stepLoadOf(a) - stepLoadOf(b));
  if (byLoad.length === 0) return null;
  const firstBad = byLoad.findIndex((s) => s.level !== 'good');
  const below = firstBad === -1 ? byLoad : byLoad.slice(0, firstBad);
  const knee = below.at(-1);
  return knee ? { step: knee, found: true } : { step: byLoad[0]!, found: false };
}

/** The thresholds the run is judged on when it has sweeps; null when none judged a step. */
export function judgeSweeps(sweeps: readonly SweepResult[]): SweepJudgement | null {
  const judged = sweeps.map((s) => ({ sweep: s, knee: kneeStep(s) })).filter((x) => x.knee !== null);
  if (judged.length === 0) return null;
  const reasons = judged.map(({ sweep, knee }) => {
    const { step, found } = knee!;
    const above = sweep.steps.filter((s) => stepLoadOf(s) > stepLoadOf(step)).length;
    return found
      ? `capacity sweep ${sweep.workload}: judged at its knee, step ${step.index} (${fmt(step)}), the highest load with every threshold Good${above > 0 ? `; ${above} step(s) above it were not all Good or ran after one that was not` : '; no step above it left Good'} (${sweep.stopReason})`
      : `capacity sweep ${sweep.workload}: no step was Good, judged at the lowest, step ${step.index} (${fmt(step)}); the knee is below it (${sweep.stopReason})`;
  });
  return { thresholds: judged.flatMap(({ knee }) => knee!.step.thresholds), reason: reasons.join('; ') };
}
