/**
 * Reads a result.json back for `caplab report` and baseline comparison. It checks the schema
 * version and the shape every renderer relies on, so a stray JSON file gets one clear error
 * listing what is wrong instead of a TypeError deep in a renderer.
 */
import { readFile } from 'node:fs/promises';
import { RUN_RESULT_SCHEMA_VERSION, type RunResult } from './run-result.ts';

export type RunResultErrorCode = 'CAPLAB_ERR_RESULT_READ' | 'CAPLAB_ERR_RESULT_VERSION';

/**
 * Why a result file could not be used. `message` is `detail` plus what to do; the CLI maps `code`
 * onto its own error type and may print `detail` and `hint` separately.
 */
export class RunResultError extends Error {
  readonly code: RunResultErrorCode;
  readonly path: string;
  /** what is wrong, without the advice */
  readonly detail: string;
  /** what to do about it */
  readonly hint: string;
  /** every shape problem found, empty for I/O, JSON and version errors */
  readonly problems: readonly string[];

  constructor(code: RunResultErrorCode, path: string, detail: string, options?: { problems?: string[]; cause?: unknown }) {
    const hint = code === 'CAPLAB_ERR_RESULT_VERSION' ? VERSION_HINT : READ_HINT;
    super(`${detail}${detail.includes('\n') ? '\n' : '; '}${hint}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'RunResultError';
    this.code = code;
    this.path = path;
    this.detail = detail;
    this.hint = hint;
    this.problems = options?.problems ?? [];
  }
}

const VERDICTS = ['good', 'warning', 'critical', 'invalid', 'aborted'];
const LEVELS = ['good', 'warning', 'critical', 'no-data'];
const METRIC_TYPES = ['trend', 'counter', 'rate', 'gauge'];
const READ_HINT = 'pass a result.json written by `caplab run`';
const VERSION_HINT = 're-run the scenario with this caplab version, or use the caplab version that wrote it';

/** Reads and checks a result.json; throws RunResultError when it is missing, not JSON, another schema version or the wrong shape. */
export async function readRunResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new RunResultError('CAPLAB_ERR_RESULT_READ', path, `cannot read run result ${path}: ${reason}`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new RunResultError('CAPLAB_ERR_RESULT_READ', path, `${path} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return checkRunResult(data, path);
}

/** Checks parsed JSON is a RunResult this caplab can render; `path` only labels the error. */
export function checkRunResult(data: unknown, path: string): RunResult {
  if (!isObject(data)) {
    throw new RunResultError('CAPLAB_ERR_RESULT_READ', path, `${path} is not a caplab run result: expected a JSON object, got ${kind(data)}`);
  }
  const version = data['schemaVersion'];
  if (version === undefined) {
    throw new RunResultError('CAPLAB_ERR_RESULT_READ', path, `${path} is not a caplab run result: it has no schemaVersion`);
  }
  if (version !== RUN_RESULT_SCHEMA_VERSION) {
    throw new RunResultError(
      'CAPLAB_ERR_RESULT_VERSION',
      path,
      `${path} has schemaVersion ${JSON.stringify(version)}, this caplab reads only ${RUN_RESULT_SCHEMA_VERSION}`,
    );
  }
  const problems = shapeProblems(data);
  if (problems.length > 0) {
    throw new RunResultError(
      'CAPLAB_ERR_RESULT_READ',
      path,
      `${path} is not a valid caplab run result:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { problems },
    );
  }
  return data as unknown as RunResult;
}

function shapeProblems(d: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string, value: unknown): void => {
    if (!ok) problems.push(`${what}, got ${kind(value)}`);
  };
  need(typeof d['scenario'] === 'string', 'scenario must be a string', d['scenario']);
  need(typeof d['verdict'] === 'string' && VERDICTS.includes(d['verdict']), `verdict must be one of ${VERDICTS.join(', ')}`, d['verdict']);
  need(typeof d['durationSeconds'] === 'number', 'durationSeconds must be a number', d['durationSeconds']);
  need(isObject(d['environment']), 'environment must be an object', d['environment']);
  const generator = d['generator'];
  need(isObject(generator), 'generator must be an object', generator);
  if (isObject(generator)) need(Array.isArray(generator['reasons']), 'generator.reasons must be an array', generator['reasons']);
  for (const key of ['verdictReasons', 'checks', 'workloads', 'resources', 'errors']) need(Array.isArray(d[key]), `${key} must be an array`, d[key]);

  const metrics = d['metrics'];
  if (!isObject(metrics)) {
    problems.push(`metrics must be an object of metric summaries, got ${kind(metrics)}`);
  } else {
    for (const [name, m] of Object.entries(metrics)) {
      if (!isObject(m) || typeof m['type'] !== 'string' || !METRIC_TYPES.includes(m['type'])) {
        problems.push(`metrics.${name} must be an object whose type is one of ${METRIC_TYPES.join(', ')}, got ${kind(isObject(m) ? m['type'] : m)}`);
      }
    }
  }

  const thresholds = d['thresholds'];
  if (!Array.isArray(thresholds)) {
    problems.push(`thresholds must be an array, got ${kind(thresholds)}`);
  } else {
    for (const [i, t] of thresholds.entries()) {
      if (!isObject(t)) {
        problems.push(`thresholds[${i}] must be an object, got ${kind(t)}`);
        continue;
      }
      need(typeof t['key'] === 'string', `thresholds[${i}].key must be a string`, t['key']);
      need(typeof t['stat'] === 'string', `thresholds[${i}].stat must be a string`, t['stat']);
      need(typeof t['level'] === 'string' && LEVELS.includes(t['level']), `thresholds[${i}].level must be one of ${LEVELS.join(', ')}`, t['level']);
      need(t['value'] === null || typeof t['value'] === 'number', `thresholds[${i}].value must be a number or null`, t['value']);
    }
  }
  return problems;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'undefined') return 'nothing (the field is missing)';
  return `${typeof v} ${String(v)}`;
}
