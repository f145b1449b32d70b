/**
 * The threshold grammar, in its own file (k6's metrics/thresholds_parser.go habit):
 *
 *   expression ::= statistic [ window ] condition        (a string entry in `thresholds:`)
 *   condition  ::= operator value                        (`good:` and `warning:` of an object entry)
 *   statistic  ::= "p(" number ")" | "p" number | "avg" | "min" | "max" | "med" | "count" | "rate" | "value"
 *   window     ::= "over" duration
 *   operator   ::= "<" | "<=" | ">" | ">=" | "==" | "!="
 *   value      ::= number [ unit ]
 *   number     ::= [ "-" ] digits [ "." digits ]
 *   unit       ::= "us" | "µs" | "ms" | "s" | "m" | "h"              (time metrics; a bare number is ms)
 *                | "%"                                               (rate metrics: 0.1% = 0.001; percent metrics: 70% = 70)
 *                | ("B" | "KB" | "MB" | "GB" | "Ki" | "Mi" | "Gi" | "KiB" | "MiB" | "GiB") [ "/s" ]
 *   duration   ::= number ("us" | "µs" | "ms" | "s" | "m" | "h") { number ("us" | "µs" | "ms" | "s" | "m" | "h") }
 *
 * Whitespace may separate any two tokens. Values are converted to the unit the statistic is
 * judged in (see valueUnitOf), so evaluation compares plain numbers. Parsing never throws: a
 * problem comes back with its 1-based column so the plan loader can point at it.
 */
import type { MetricUnit } from '../../reports/run-result.ts';
import type { MetricType } from '../metrics/metric-names.ts';
import { parseDuration } from '../plan/units.ts';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type StatName = 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value';

/** A statistic of a metric; `text` is its canonical spelling (`p(95)`, `avg`), used in results. */
export type Statistic = { kind: 'percentile'; p: number; text: string } | { kind: StatName; text: string };

/** The unit a statistic's value is judged in: the metric's unit, or a 0..1 fraction for rate metrics. */
export type ValueUnit = MetricUnit | 'fraction';

/** One comparison with its value already in `unit`; `text` is the condition as written, spacing normalised. */
export interface Condition { op: Operator; value: number; unit: ValueUnit; text: string }

/** A full expression such as `p(95) over 30s < 100ms`. */
export interface Expression { stat: Statistic; windowSeconds?: number; condition: Condition }

/** Where the expression is judged: the metric's name (for messages), type and unit. */
export interface MetricTarget { name: string; type: MetricType; unit: MetricUnit }

export interface ParseError { message: string; /** 1-based, within the parsed string */ column: number }
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ParseError };

/** Which statistics apply to each metric type, in the order messages list them. */
export const STATS_BY_TYPE: Readonly<Record<MetricType, readonly (StatName | 'percentile')[]>> = {
  trend: ['percentile', 'avg', 'min', 'max', 'med', 'count'],
  counter: ['count', 'rate'],
  rate: ['rate'],
  gauge: ['value', 'min', 'max'],
};

const ALL_STATS = 'p(N), avg, min, max, med, count, rate or value';
const OPERATORS = '<, <=, >, >=, == or !=';
const NAMED: readonly StatName[] = ['avg', 'min', 'max', 'med', 'count', 'rate', 'value'];
const TIME_UNITS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  B: 1, KB: 1e3, MB: 1e6, GB: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3,
};

/** The unit a statistic of a metric is judged in: a trend's count is a count, a counter's rate is per second. */
export function valueUnitOf(target: Pick<MetricTarget, 'type' | 'unit'>, stat: Statistic): ValueUnit {
  if (target.type === 'rate') return 'fraction';
  if (target.type === 'trend' && stat.kind === 'count') return 'count';
  if (target.type === 'counter' && stat.kind === 'rate' && target.unit === 'bytes') return 'bytes/s';
  return target.unit;
}

/** Lists the statistics that apply to a metric type, as a message would. */
export function statsFor(type: MetricType): string {
  const names = STATS_BY_TYPE[type].map((s) => (s === 'percentile' ? 'p(N)' : s));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Parses a full expression, e.g. `p(95) over 30s < 100ms`, judged on `target`. */
export function parseExpression(input: string, target: MetricTarget): Parsed<Expression> {
  try {
    const c = new Cursor(input);
    c.skipSpace();
    if (c.done() || /[<>=!]/.test(c.peek())) {
      throw c.fail(`expected a statistic at column ${c.column()}: write it before the condition, e.g. p(95) < 100ms`);
    }
    const statColumn = c.column();
    const stat = readStatistic(c);
    checkApplies(stat, target, statColumn);
    c.skipSpace();
    let windowSeconds: number | undefined;
    if (c.lookingAt(/over(?![A-Za-z0-9_(])/y)) {
      c.advance(4);
      c.skipSpace();
      windowSeconds = readWindow(c);
      c.skipSpace();
    }
    const condition = readCondition(c, valueUnitOf(target, stat));
    const value: Expression = { stat, condition };
    if (windowSeconds !== undefined) value.windowSeconds = windowSeconds;
    return { ok: true, value };
  } catch (e) {
    return failure(e);
  }
}

/** Parses a bare condition, e.g. `< 100ms` or `>= 99.9%`, converting its value to `unit`. */
export function parseCondition(input: string, unit: ValueUnit): Parsed<Condition> {
  try {
    const c = new Cursor(input);
    c.skipSpace();
    if (!c.done() && /[A-Za-z]/.test(c.peek())) {
      throw c.fail(`expected an operator at column ${c.column()}: a bare condition starts with ${OPERATORS}, e.g. "< 100ms"; the statistic goes in stat`);
    }
    return { ok: true, value: readCondition(c, unit) };
  } catch (e) {
    return failure(e);
  }
}

/** Parses a statistic alone, e.g. `p(95)`, `p99.9` or `avg` (the `stat:` field of an object entry). */
export function parseStatistic(input: string): Parsed<Statistic> {
  try {
    const c = new Cursor(input);
    c.skipSpace();
    const stat = readStatistic(c);
    c.skipSpace();
    if (!c.done()) throw c.fail(`unexpected "${c.rest()}" at column ${c.column()}: stat holds only a statistic, e.g. p(95)`);
    return { ok: true, value: stat };
  } catch (e) {
    return failure(e);
  }
}

/** Checks that a statistic applies to a metric's type; null when it does. */
export function statProblem(stat: Statistic, target: MetricTarget, column = 1): ParseError | null {
  try {
    checkApplies(stat, target, column);
    return null;
  } catch (e) {
    if (e instanceof Failure) return e.error;
    throw e;
  }
}

/** Thrown inside the parser only, and turned into a Parsed failure at the entry points. */
class Failure {
  constructor(readonly error: ParseError) {}
}

function failure(e: unknown): { ok: false; error: ParseError } {
  if (e instanceof Failure) return { ok: false, error: e.error };
  throw e;
}

class Cursor {
  private pos = 0;
  constructor(private readonly s: string) {}
  done(): boolean { return this.pos >= this.s.length; }
  peek(): string { return this.s[this.pos] ?? ''; }
  rest(): string { return this.s.slice(this.pos); }
  column(): number { return this.pos + 1; }
  advance(n: number): void { this.pos += n; }
  skipSpace(): void { while (!this.done() && /\s/.test(this.peek())) this.pos++; }
  lookingAt(re: RegExp): boolean { re.lastIndex = this.pos; return re.test(this.s); }
  /** Consumes a sticky match of `re` at the cursor, or returns null without moving. */
  take(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (m) this.pos = re.lastIndex;
    return m;
  }
  fail(message: string, column = this.column()): Failure { return new Failure({ message, column }); }
}

function readStatistic(c: Cursor): Statistic {
  const column = c.column();
  const word = c.take(/[A-Za-z_][A-Za-z0-9_.]*/y);
  if (!word) throw c.fail(`expected a statistic at column ${column}: use ${ALL_STATS}`);
  const name = word[0];
  if (name === 'p') {
    c.skipSpace();
    if (!c.take(/\(/y)) throw c.fail(`expected "(" after p at column ${c.column()}: write p(95) or p95`);
    c.skipSpace();
    const numColumn = c.column();
    const num = c.take(/\d+(?:\.\d+)?/y);
    if (!num) throw c.fail(`expected a percentile at column ${numColumn}: write p(95) or p(99.9)`);
    c.skipSpace();
    if (!c.take(/\)/y)) throw c.fail(`expected ")" at column ${c.column()}: write p(${num[0]})`);
    return percentile(Number(num[0]), numColumn, c);
  }
  const short = /^p(\d+(?:\.\d+)?)$/.exec(name);
  if (short) return percentile(Number(short[1]), column + 1, c);
  if ((NAMED as readonly string[]).includes(name)) return { kind: name as StatName, text: name };
  throw c.fail(`unknown statistic "${name}" at column ${column}: use ${ALL_STATS}`, column);
}

function percentile(p: number, column: number, c: Cursor): Statistic {
  if (!(p > 0 && p <= 100)) throw c.fail(`percentile ${p} at column ${column} is out of range: use a number above 0 and at most 100, e.g. p(99.9)`, column);
  return { kind: 'percentile', p, text: `p(${p})` };
}

function checkApplies(stat: Statistic, target: MetricTarget, column: number): void {
  if (!STATS_BY_TYPE[target.type].includes(stat.kind)) {
    throw new Failure({
      message: `statistic "${stat.text}" at column ${column} does not apply to ${target.name}, a ${target.type} metric: use ${statsFor(target.type)}`,
      column,
    });
  }
}

function readWindow(c: Cursor): number {
  const column = c.column();
  const tok = c.take(/[0-9.]+[A-Za-zµ0-9.]*/y);
  if (!tok) throw c.fail(`expected a duration after "over" at column ${column}: write e.g. over 30s`);
  const text = tok[0];
  if (/^[0-9.]+$/.test(text)) throw c.fail(`window "${text}" at column ${column} needs a unit: write over ${text}s`, column);
  const ms = parseDuration(text);
  if (ms === null) throw c.fail(`window "${text}" at column ${column} is not a duration: write e.g. over 30s or over 2m`, column);
  const seconds = windowSecondsOf(ms);
  if (typeof seconds === 'string') throw c.fail(`window "${text}" at column ${column} ${seconds}`, column);
  return seconds;
}

/** A window of `ms` milliseconds in seconds, or what is wrong with it (to follow the window's name). */
export function windowSecondsOf(ms: number): number | string {
  // Metrics close one window per second, so only whole seconds select a well-defined span.
  if (ms < 1000 || ms % 1000 !== 0) return `must be a whole number of seconds, at least 1s: write e.g. over ${Math.max(1, Math.round(ms / 1000))}s`;
  return ms / 1000;
}

function readCondition(c: Cursor, unit: ValueUnit): Condition {
  const opColumn = c.column();
  const opTok = c.take(/<=|>=|==|!=|<|>/y);
  if (!opTok) {
    const bad = c.take(/[=!]+|[^\s\d-]+/y);
    if (bad) throw c.fail(`unknown operator "${bad[0]}" at column ${opColumn}: use ${OPERATORS}`, opColumn);
    throw c.fail(`expected an operator at column ${opColumn}: use ${OPERATORS}`, opColumn);
  }
  const op = opTok[0] as Operator;
  c.skipSpace();
  const numColumn = c.column();
  const num = c.take(/-?(?:\d+(?:\.\d*)?|\.\d+)/y);
  if (!num) throw c.fail(`expected a number at column ${numColumn}: write e.g. ${op} ${example(unit)}`, numColumn);
  c.skipSpace();
  const unitColumn = c.column();
  const suffix = c.take(/[^\s]+/y)?.[0] ?? '';
  c.skipSpace();
  if (!c.done()) throw c.fail(`unexpected "${c.rest()}" at column ${c.column()}: a condition ends after its value`);
  // 99.9 / 100 is 0.9990000000000001 in floating point; a bound must be the number the user wrote.
  const value = Number(convert(Number(num[0]), suffix, unit, unitColumn, c).toPrecision(12));
  // A bare 5 on a rate is almost always a percentage written without its sign.
  if (unit === 'fraction' && suffix === '' && (value < 0 || value > 1)) {
    throw c.fail(`rate value ${num[0]} at column ${numColumn} is not a fraction between 0 and 1: write ${num[0]}% for a percentage`, numColumn);
  }
  return { op, value, unit, text: `${op} ${num[0]}${suffix}` };
}

function example(unit: ValueUnit): string {
  switch (unit) {
    case 'ms': return '100ms';
    case 'fraction': return '0.1%';
    case 'percent': return '70%';
    case 'bytes': return '256MiB';
    case 'bytes/s': return '10MB';
    default: return '100';
  }
}

/** Converts `n suffix` to `unit`, or explains which suffixes that unit accepts. */
function convert(n: number, suffix: string, unit: ValueUnit, column: number, c: Cursor): number {
  const reject = (accepts: string): Failure =>
    c.fail(`unit "${suffix}" at column ${column} does not apply to ${describeUnit(unit)}: ${accepts}`, column);
  switch (unit) {
    case 'ms': {
      if (suffix === '') return n;
      const f = TIME_UNITS[suffix];
      if (f === undefined) throw reject('use us, µs, ms, s or m (a bare number is ms)');
      return n * f;
    }
    case 'fraction':
      if (suffix === '%') return n / 100;
      if (suffix !== '') throw reject('write a percentage such as 0.1% or a fraction such as 0.001');
      return n;
    case 'percent':
      if (suffix === '' || suffix === '%') return n;
      throw reject('write a percentage such as 70%');
    case 'bytes':
    case 'bytes/s': {
      const s = unit === 'bytes/s' ? suffix.replace(/\/s$/, '') : suffix;
      if (s === '') return n;
      const f = SIZE_UNITS[s];
      if (f === undefined) throw reject(`use B, KB, MB, GB, Ki, Mi, Gi, KiB, MiB or GiB${unit === 'bytes/s' ? ' (optionally followed by /s)' : ''}`);
      return n * f;
    }
    default:
      if (suffix === '' || (unit === 'count' && suffix === '/s')) return n;
      throw reject('write a bare number');
  }
}

function describeUnit(unit: ValueUnit): string {
  switch (unit) {
    case 'ms': return 'a time (ms)';
    case 'fraction': return 'a rate (fraction of samples)';
    case 'percent': return 'a percentage';
    case 'bytes': return 'a size in bytes';
    case 'bytes/s': return 'a throughput in bytes per second';
    default: return 'a count';
  }
}
