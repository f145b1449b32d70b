/**
 * What engines add to a RunResult after it is assembled: a sentence per engine workload on how it
 * measured (in the description, which every renderer prints), and the series an engine reported
 * only at its end (Artillery's periods), which replace the live series of those metrics. A scenario
 * with an artillery workload has no other workload (engine-rules.ts), so nothing else is replaced.
 */
import type { RunResult } from '../../reports/run-result.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import { ARTILLERY_NOTE } from './artillery-engine.ts';
import { AUTOCANNON_NOTE } from './autocannon-engine.ts';
import { engineSeriesOf } from './engine-driver.ts';

/** The result with every engine workload's note and series applied; the same object when there are none. */
export function withEngineResults(result: RunResult, runs: ReadonlyArray<{ name: string; workload: { autocannon?: unknown; artillery?: unknown }; outcome: ExecutorOutcome }>): RunResult {
  const notes: string[] = [];
  let series = result.series;
  for (const r of runs) {
    // From the plan, not the outcome: outcomes merged over worker threads keep only their counts.
    if (r.workload.autocannon !== undefined) notes.push(`Workload ${r.name} ${AUTOCANNON_NOTE}.`);
    if (r.workload.artillery !== undefined) notes.push(`Workload ${r.name} ${ARTILLERY_NOTE}.`);
    const own = engineSeriesOf(r.outcome);
    if (own) series = { ...series, ...own };
  }
  if (notes.length === 0) return result;
  const d = result.description;
  const described = d === undefined || d === '' ? [] : [/[.!?]$/.test(d) ? d : `${d}.`];
  return { ...result, description: [...described, ...notes].join(' '), series };
}
