/**
 * What engines add to a RunResult after it is assembled: their notes on how they measured (in the
 * description, which every renderer prints) and the series an engine reported only at its end
 * (Artillery's periods), which replace the live series of those metrics. A scenario with an
 * artillery workload has no other workload (engine-rules.ts), so nothing else is replaced.
 */
import type { RunResult } from '../../reports/run-result.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import { engineOutcomeOf } from './engine-driver.ts';

/** The result with every engine workload's notes and series applied; the same object when there are none. */
export function withEngineResults(result: RunResult, runs: ReadonlyArray<{ outcome: ExecutorOutcome }>): RunResult {
  const notes: string[] = [];
  let series = result.series;
  for (const r of runs) {
    const engine = engineOutcomeOf(r.outcome);
    if (!engine) continue;
    notes.push(...engine.notes);
    if (engine.series) series = { ...series, ...engine.series };
  }
  if (notes.length === 0) return result;
  const own = result.description === undefined || result.description === '' ? [] : [/[.!?]$/.test(result.description) ? result.description : `${result.description}.`];
  const description = [...own, ...notes.map((n) => `Workload ${n}.`)].join(' ');
  return { ...result, description, series };
}
