/** Assembles a CapacityReport from a RunResult's sweep: knee, fits, capacity, recommendations, tiers, cost. */
import type { RunResult } from '../run-result.ts';
import type { CapacityOptions, CapacityReport } from './capacity-report.ts';

/** See capacityReport(). */
export function buildCapacityReport(result: RunResult, _options: CapacityOptions): CapacityReport | null {
  if (!result.sweeps || result.sweeps.length === 0) return null;
  throw new Error('capacity report: not implemented yet');
}
