/**
 * `--time-scale F`: the same load shape in F times the time, so a 300 s soak runs as a 30 s CI
 * check (F = 0.1). Scaled: workload `duration`, `stages[].duration`, `holdFor`, `startTime`, a sweep's
 * `stepDuration` and `settle` (rounded to whole seconds when run).
 * Not scaled: rates, VU counts, think time, timeouts, graceful stops, warm-up and threshold windows.
 */
import { deepFreeze, type Plan } from './plan.ts';

const SCALED = ['duration', 'holdFor', 'startTime', 'stepDuration', 'settle'] as const;

/** A new frozen plan with every workload's schedule scaled by `factor` (> 0). */
export function scalePlanTime(plan: Plan, factor: number): Plan {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`time scale must be a positive number, got ${factor}`);
  if (factor === 1) return plan;
  const workloads = Object.fromEntries(Object.entries(plan.workloads).map(([name, w]) => {
    const out: Record<string, unknown> = structuredClone(w) as Record<string, unknown>;
    for (const key of SCALED) if (typeof out[key] === 'number') out[key] = (out[key] as number) * factor;
    if (Array.isArray(out['stages'])) {
      out['stages'] = (out['stages'] as Record<string, unknown>[]).map((s) => ({ ...s, duration: (s['duration'] as number) * factor }));
    }
    return [name, out];
  }));
  // A fault happens at a point of the schedule, and a restart's time down is part of that schedule.
  const faults = (plan.faults ?? []).map((f) => ({ ...structuredClone(f), at: f.at * factor, downFor: f.downFor * factor, duration: f.duration * factor }));
  return deepFreeze({ ...structuredClone(plan), workloads, faults } as Plan);
}
