/**
 * ThresholdSpec: one judged line, whether it came from the scenario or the default profile, with
 * its conditions already parsed into the unit the statistic is judged in. Built here from either
 * entry form, so the schema and the default profile cannot disagree on what a line means.
 */
import { parseCondition, parseExpression, parseStatistic, statProblem, valueUnitOf, windowSecondsOf, type Condition, type MetricTarget, type Statistic } from './parser.ts';
import { catalogueEntry, type MetricCatalogue, type MetricKey } from './metric-key.ts';

export type ThresholdSource = 'scenario' | 'default-profile';

export interface ThresholdSpec {
  /** canonical metric key, tags sorted: `http_req_duration{name:encode}` */
  key: string;
  metric: string;
  filter: Record<string, string>;
  stat: Statistic;
  /** judged over the last N closed one-second windows only */
  windowSeconds?: number;
  good: Condition;
  /** absent: anything not Good is Critical */
  warning?: Condition;
  abortOnCritical: boolean;
  /** abortOnCritical does not fire before the run has run this long */
  gracePeriodMs: number;
  source: ThresholdSource;
  goodText: string;
  warningText?: string;
}

/** The object form of an entry after the schema parsed its durations (milliseconds). */
export interface ThresholdObjectEntry {
  stat: string;
  good: string;
  warning?: string | undefined;
  over?: number | undefined;
  abortOnCritical?: boolean | undefined;
  gracePeriod?: number | undefined;
}

/** A string entry is a full expression: Good when it holds, Critical otherwise. */
export type ThresholdEntry = string | ThresholdObjectEntry;

/** A problem with one entry; `path` is relative to the entry (`['good']`, or `[]` for a string). */
export interface SpecIssue { path: (string | number)[]; message: string }

/** Builds the spec of one entry under an already parsed key, or lists everything wrong with it. */
export function buildSpec(mk: MetricKey, entry: ThresholdEntry, source: ThresholdSource, metrics: MetricCatalogue): ThresholdSpec | SpecIssue[] {
  const target: MetricTarget = { name: mk.metric, ...catalogueEntry(metrics, mk.metric)! };
  const base = { key: mk.key, metric: mk.metric, filter: { ...mk.filter }, source };
  if (typeof entry === 'string') {
    const parsed = parseExpression(entry, target);
    if (!parsed.ok) return [{ path: [], message: parsed.error.message }];
    const { stat, condition, windowSeconds } = parsed.value;
    const spec: ThresholdSpec = { ...base, stat, good: condition, abortOnCritical: false, gracePeriodMs: 0, goodText: condition.text };
    if (windowSeconds !== undefined) spec.windowSeconds = windowSeconds;
    return spec;
  }

  const issues: SpecIssue[] = [];
  const statParsed = parseStatistic(entry.stat);
  let stat: Statistic | null = null;
  if (!statParsed.ok) issues.push({ path: ['stat'], message: statParsed.error.message });
  else {
    const problem = statProblem(statParsed.value, target);
    if (problem) issues.push({ path: ['stat'], message: problem.message });
    else stat = statParsed.value;
  }
  let windowSeconds: number | undefined;
  if (entry.over !== undefined) {
    const w = windowSecondsOf(entry.over);
    if (typeof w === 'string') issues.push({ path: ['over'], message: `window ${w}` });
    else windowSeconds = w;
  }
  if (!stat) return issues;

  const unit = valueUnitOf(target, stat);
  const good = parseCondition(entry.good, unit);
  if (!good.ok) issues.push({ path: ['good'], message: good.error.message });
  const warning = entry.warning === undefined ? undefined : parseCondition(entry.warning, unit);
  if (warning && !warning.ok) issues.push({ path: ['warning'], message: warning.error.message });
  if (good.ok && warning?.ok) {
    const problem = looserProblem(good.value, warning.value);
    if (problem) issues.push({ path: ['warning'], message: problem });
  }
  if (issues.length > 0 || !good.ok) return issues;

  const spec: ThresholdSpec = {
    ...base,
    stat,
    good: good.value,
    abortOnCritical: entry.abortOnCritical ?? false,
    gracePeriodMs: entry.gracePeriod ?? 0,
    goodText: good.value.text,
  };
  if (windowSeconds !== undefined) spec.windowSeconds = windowSeconds;
  if (warning?.ok) {
    spec.warning = warning.value;
    spec.warningText = warning.value.text;
  }
  return spec;
}

/**
 * Why `warning` is not a looser bound than `good` in the same direction, or null when it is.
 * Warning is judged only where Good failed, so a band that is empty or points the other way is a
 * mistake the user should hear about, not a line that silently skips from Good to Critical.
 */
export function looserProblem(good: Condition, warning: Condition): string | null {
  const direction = (c: Condition): 'upper' | 'lower' | null => (c.op === '<' || c.op === '<=' ? 'upper' : c.op === '>' || c.op === '>=' ? 'lower' : null);
  const g = direction(good);
  const w = direction(warning);
  const hint = `e.g. good "< 100ms" with warning "< 500ms", or good "> 99.9%" with warning "> 99%"`;
  if (g === null) return `warning needs good to be a bound (<, <=, > or >=), but good is "${good.text}": drop warning or make good a bound`;
  if (w !== g) return `warning "${warning.text}" points the other way from good "${good.text}": use ${g === 'upper' ? '< or <=' : '> or >='}, ${hint}`;
  const looser = g === 'upper'
    ? warning.value > good.value || (warning.value === good.value && good.op === '<' && warning.op === '<=')
    : warning.value < good.value || (warning.value === good.value && good.op === '>' && warning.op === '>=');
  if (!looser) return `warning "${warning.text}" is not looser than good "${good.text}", so no value could be Warning: ${hint}`;
  return null;
}
