/** How long a workload starts iterations, in ms: its executor's duration without the graceful stop. */
import { getExecutor } from '../executors/index.ts';
import type { Workload } from '../plan/scenario-schema.ts';

export function scheduledMs(w: Workload): number {
  // gracefulStop is an upper bound on waiting for the last iterations, not part of the schedule.
  const graceful = 'gracefulStop' in w && typeof w.gracefulStop === 'number' ? w.gracefulStop : 0;
  return getExecutor(w.executor).duration(w as never) - graceful;
}
