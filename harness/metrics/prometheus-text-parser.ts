/**
 * A small parser for the Prometheus text exposition format (version 0.0.4), enough to read the
 * gauges and counters a component exports: `# HELP`/`# TYPE` and other comments, labels with
 * `\\`, `\"` and `\n` escapes, an optional timestamp, and the values `NaN`, `+Inf`, `-Inf`.
 * It never throws on what a server sends: a line it cannot read is skipped and named in
 * `problems`, so one bad line cannot cost the other samples (or the run).
 */

/** One sample line: `name{labels} value`. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedPrometheusText {
  samples: PromSample[];
  /** `# TYPE` declarations by metric family name */
  types: Map<string, string>;
  /** one sentence per line that could not be read, with its line number */
  problems: string[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses a whole /metrics page. */
export function parsePrometheusText(text: string): ParsedPrometheusText {
  const out: ParsedPrometheusText = { samples: [], types: new Map(), problems: [] };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\S+)/.exec(line);
      if (type) out.types.set(type[1]!, type[2]!);
      return;
    }
    const parsed = parseSampleLine(line);
    if (typeof parsed === 'string') out.problems.push(`line ${i + 1}: ${parsed}: ${line.length > 80 ? `${line.slice(0, 77)}...` : line}`);
    else out.samples.push(parsed);
  });
  return out;
}

/** Sum over every label set of the samples named `name`; undefined when the page has none. */
export function sumOf(parsed: ParsedPrometheusText, name: string): number | undefined {
  let total: number | undefined;
  for (const s of parsed.samples) if (s.name === name) total = (total ?? 0) + s.value;
  return total;
}

/** One sample line, or a reason it is not one. */
function parseSampleLine(line: string): PromSample | string {
  const name = NAME_RE.exec(line)?.[0];
  if (name === undefined) return 'no metric name';
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const read = readLabels(rest);
    if (typeof read === 'string') return read;
    labels = read.labels;
    rest = rest.slice(read.length);
  }
  if (!/^[ \t]/.test(rest)) return 'no space before the value';
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) return 'more than a value and a timestamp';
  const value = parseValue(fields[0]!);
  if (value === undefined) return `value "${fields[0]}" is not a number`;
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) return `timestamp "${fields[1]}" is not an integer`;
  return { name, labels, value };
}

/** Reads `{a="x",b="y"}` from the start of `text`; returns the labels and how many characters they took. */
function readLabels(text: string): { labels: Record<string, string>; length: number } | string {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '}') return { labels, length: i + 1 };
    const labelName = LABEL_NAME_RE.exec(text.slice(i))?.[0];
    if (labelName === undefined) return 'bad label name';
    i += labelName.length;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '=') return `label ${labelName} has no "="`;
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '"') return `label ${labelName} has no quoted value`;
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return `label ${labelName} has an unterminated value`;
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else return `label ${labelName} has an unknown escape "\\${next ?? ''}"`;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    labels[labelName] = value;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return 'labels are not separated by ","';
  }
}

/** A sample value: a float, or NaN / +Inf / -Inf in any case. */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}
