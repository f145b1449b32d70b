/**
 * result.json: the RunResult itself, pretty and stable. Object keys are written in a fixed order
 * (the RunResult field order at the top, sorted below it), so two runs diff line by line however
 * the harness happened to insert them.
 */
import type { RunResult } from '../run-result.ts';

const TOP_LEVEL_ORDER: ReadonlyArray<keyof RunResult> = [
  'schemaVersion', 'scenario', 'scenarioFile', 'description', 'verdict', 'verdictReasons', 'startedAt', 'endedAt',
  'durationSeconds', 'environment', 'metrics', 'series', 'thresholds', 'checks', 'workloads', 'resources', 'generator',
  'errors', 'plan',
];

/** Renders the RunResult as 2-space JSON with a trailing newline. */
export function renderJson(result: RunResult): string {
  const top = result as unknown as Record<string, unknown>;
  const known = new Set<string>(TOP_LEVEL_ORDER);
  const ordered: Record<string, unknown> = {};
  for (const k of TOP_LEVEL_ORDER) if (k in top) ordered[k] = sortKeys(top[k]);
  for (const k of Object.keys(top).filter((k) => !known.has(k)).sort()) ordered[k] = sortKeys(top[k]);
  return JSON.stringify(ordered, null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}
