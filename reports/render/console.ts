/**
 * The end-of-run summary a human reads in a terminal. It reads only a RunResult, so
 * `caplab report result.json` prints exactly what the run printed.
 */
import type { Level, MetricSummary, RunResult, TrendSummary, Verdict } from '../run-result.ts';
import { palette, type Palette } from './ansi.ts';
import { runFails, type RenderOptions } from './fail-policy.ts';
import {
  formatBytes, formatCount, formatMs, formatPercent, formatPerSecond, formatSeconds, formatValue,
} from './format.ts';
import { levelLabel, sourceLabel, statLabel, verdictWords } from './labels.ts';
import { faultsConsole } from './console-faults.ts';
import { CORRECTED_EXPLAINED, LATENCY_STATS, RAW_EXPLAINED, latencyPairKeys, latencyPairs } from './latency-pairs.ts';
import { resourceCells } from './resource-cells.ts';
import { perUnitConsole } from './console-per-unit.ts';
import { sweepConsole } from './console-sweep.ts';
import { textTable, type Cell } from './text-table.ts';

/** Console options: colour for a TTY, and the `--fail-on` policy for the closing pass/fail line. */
export interface ConsoleRenderOptions extends RenderOptions { color: boolean }

/** Renders the terminal summary of a run. */
export function renderConsole(result: RunResult, opts: ConsoleRenderOptions): string {
  const p = palette(opts.color);
  const sections = [
    header(result, p),
    workloads(result, p),
    latency(result, p),
    otherMetrics(result, p),
    checks(result, p),
    thresholds(result, p),
    sweepConsole(result, p),
    faultsConsole(result, p),
    resources(result, p),
    perUnitConsole(result, p),
    generator(result, p),
    harnessErrors(result, p),
    closing(result, opts, p),
  ];
  return sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n\n') + '\n';
}

function verdictPaint(verdict: Verdict, p: Palette): (s: string) => string {
  switch (verdict) {
    case 'good': return (s) => p.bold(p.green(s));
    case 'warning': return (s) => p.bold(p.yellow(s));
    case 'critical': return (s) => p.bold(p.red(s));
    case 'invalid': return (s) => p.bold(p.magenta(s));
    case 'aborted': return (s) => p.bold(p.yellow(s));
  }
}

function levelCell(level: Level, p: Palette): Cell {
  const paint = { good: p.green, warning: p.yellow, critical: p.red, 'no-data': p.magenta }[level];
  return { text: levelLabel(level), paint };
}

function title(text: string, p: Palette): string {
  return p.bold(p.cyan(text));
}

function header(r: RunResult, p: Palette): string[] {
  const env = r.environment;
  const lines = [
    `${p.bold(`caplab: ${r.scenario}`)}  ${verdictPaint(r.verdict, p)(verdictWords(r.verdict))}`,
  ];
  if (r.description) lines.push(`  ${r.description}`);
  const facts: [string, string][] = [
    ['duration', `${formatSeconds(r.durationSeconds)}  (${r.startedAt} .. ${r.endedAt})`],
    ['provider', env.provider],
    ['machine', `${env.cpus} CPUs ${env.cpuModel}, ${formatBytes(env.memoryBytes)}, node ${env.node}, ${env.platform}`],
    ['build', `caplab ${env.caplabVersion}, commit ${env.commit ? env.commit.slice(0, 12) : 'unknown'}`],
  ];
  if (r.scenarioFile) facts.splice(1, 0, ['scenario file', r.scenarioFile]);
  const keyWidth = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) lines.push(`  ${p.dim(k.padEnd(keyWidth))}  ${v}`);
  return lines;
}

function workloads(r: RunResult, p: Palette): string[] {
  if (r.workloads.length === 0) return [];
  const rows = r.workloads.map((w) => [
    w.name,
    w.executor,
    w.targetRate !== undefined ? formatPerSecond(w.targetRate) : '-',
    formatPerSecond(w.achievedRate),
    formatCount(w.iterations),
    w.droppedIterations > 0 ? { text: formatCount(w.droppedIterations), paint: p.yellow } : '0',
    formatSeconds(w.durationSeconds),
  ]);
  return [
    title('Workloads', p),
    ...textTable(['name', 'executor', 'target', 'achieved', 'iterations', 'dropped', 'duration'], rows, {
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'], paintHeader: p.dim,
    }),
  ];
}

function trendCell(t: TrendSummary | null, field: (typeof LATENCY_STATS)[number]['field']): string {
  if (!t || t.count === 0) return 'no data';
  return formatValue(t[field], t.unit);
}

function latency(r: RunResult, p: Palette): string[] {
  const lines: string[] = [];
  for (const pair of latencyPairs(r)) {
    const rows = LATENCY_STATS.map((s) => [s.label, trendCell(pair.correctedTrend, s.field), trendCell(pair.rawTrend, s.field)]);
    rows.push(['count', pair.correctedTrend ? formatCount(pair.correctedTrend.count) : '-', pair.rawTrend ? formatCount(pair.rawTrend.count) : '-']);
    if (lines.length > 0) lines.push('');
    lines.push(
      title(`Latency: ${pair.corrected}, corrected vs raw`, p),
      ...textTable(['', `corrected (${pair.corrected})`, `raw (${pair.raw})`], rows, { align: ['left', 'right', 'right'], paintHeader: p.bold }),
      p.dim(`  ${CORRECTED_EXPLAINED}`),
      p.dim(`  ${RAW_EXPLAINED}`),
    );
  }
  return lines;
}

function metricCells(m: MetricSummary): string[] {
  switch (m.type) {
    case 'trend':
      if (m.count === 0) return ['trend', 'no data', '', '', '', ''];
      return ['trend', formatCount(m.count), formatValue(m.p50, m.unit), formatValue(m.p95, m.unit), formatValue(m.p99, m.unit), formatValue(m.max, m.unit)];
    case 'counter':
      return ['counter', formatValue(m.count, m.unit), m.unit === 'bytes' ? `${formatBytes(m.rate)}/s` : formatPerSecond(m.rate), '', '', ''];
    case 'rate':
      return ['rate', m.total === 0 ? 'no data' : formatPercent(m.rate * 100), `${formatCount(m.passes)} / ${formatCount(m.total)}`, '', '', ''];
    case 'gauge':
      return ['gauge', formatValue(m.value, m.unit), `min ${formatValue(m.min, m.unit)}`, `max ${formatValue(m.max, m.unit)}`, '', ''];
  }
}

function otherMetrics(r: RunResult, p: Palette): string[] {
  const skip = latencyPairKeys();
  const names = Object.keys(r.metrics).filter((n) => !skip.has(n)).sort();
  if (names.length === 0) return [];
  const rows = names.map((n) => [n, ...metricCells(r.metrics[n]!)]);
  return [
    title('Metrics', p),
    ...textTable(['metric', 'type', 'value', 'rate / p50', 'p95', 'p99', 'max'], rows, {
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'], paintHeader: p.dim,
    }),
    p.dim('  counters: total and per second; rates: % true and passes / total; trends: count then percentiles'),
  ];
}

function checks(r: RunResult, p: Palette): string[] {
  if (r.checks.length === 0) return [];
  const rows = r.checks.map((c) => {
    const total = c.passes + c.fails;
    return [
      c.name,
      formatCount(c.passes),
      c.fails > 0 ? { text: formatCount(c.fails), paint: p.red } : '0',
      total === 0 ? 'no data' : formatPercent((c.passes / total) * 100),
    ];
  });
  return [title('Checks', p), ...textTable(['check', 'passes', 'fails', 'passed'], rows, { align: ['left', 'right', 'right', 'right'], paintHeader: p.dim })];
}

function thresholds(r: RunResult, p: Palette): string[] {
  if (r.thresholds.length === 0) return [title('Thresholds', p), p.dim('  none: the scenario and the default profile set no threshold')];
  const rows = r.thresholds.map((t) => [
    t.key,
    statLabel(t),
    formatValue(t.value, t.unit),
    t.good,
    t.warning ?? '-',
    levelCell(t.level, p),
    t.source === 'default-profile' ? { text: `${sourceLabel(t)} *`, paint: p.dim } : sourceLabel(t),
  ]);
  const lines = [
    title('Thresholds', p),
    ...textTable(['threshold', 'stat', 'value', 'good', 'warning', 'level', 'source'], rows, {
      align: ['left', 'left', 'right', 'left', 'left', 'left', 'left'], paintHeader: p.dim,
    }),
  ];
  if (r.thresholds.some((t) => t.source === 'default-profile')) lines.push(p.dim('  * from the default profile (seed 000 table), not the scenario file'));
  if (r.thresholds.some((t) => t.warning === undefined)) lines.push(p.dim('  warning "-": anything not good is critical'));
  return lines;
}

function resources(r: RunResult, p: Palette): string[] {
  if (r.resources.length === 0) return [];
  const sampled = r.resources.filter((c) => !c.unavailable);
  const rows = sampled.map((c) => [c.component, ...resourceCells(c), limitsText(c.limits)]);
  const lines = [title('Component resources', p)];
  if (rows.length > 0) {
    lines.push(...textTable(['component', 'CPU avg', 'CPU p95', 'CPU max', 'RSS p95 MiB', 'RSS max MiB', 'limits'], rows, {
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'left'], paintHeader: p.dim,
    }));
  }
  for (const c of r.resources.filter((c) => c.unavailable)) lines.push(`  ${c.component}: ${p.yellow(`unavailable: ${c.unavailable}`)}`);
  lines.push(p.dim('  CPU in % of one core (100% = one full core)'));
  return lines;
}

function limitsText(limits: RunResult['resources'][number]['limits']): string {
  const parts: string[] = [];
  if (limits?.cpuCores !== undefined) parts.push(`${limits.cpuCores} ${limits.cpuCores === 1 ? 'core' : 'cores'}`);
  if (limits?.memoryBytes !== undefined) parts.push(formatBytes(limits.memoryBytes));
  return parts.length > 0 ? parts.join(', ') : '-';
}

function trendStat(t: TrendSummary | null, pick: (t: TrendSummary) => string): string {
  return t && t.count > 0 ? pick(t) : 'no data';
}

function generator(r: RunResult, p: Palette): string[] {
  const g = r.generator;
  const rows: (string | Cell)[][] = [
    ['CPU (% of one core per thread)', trendStat(g.cpu, (t) => `avg ${formatPercent(t.mean)}, p95 ${formatPercent(t.p95)}, max ${formatPercent(t.max)}`)],
    ['event-loop lag p99', trendStat(g.eventLoopLag, (t) => formatMs(t.p99))],
    ['schedule lag p99', trendStat(g.scheduleLag, (t) => formatMs(t.p99))],
    ['worker threads', String(g.workers)],
    ['bottleneck', g.bottleneck ? { text: 'yes: the run measured the generator, not the system', paint: p.red } : { text: 'no', paint: p.green }],
  ];
  const lines = [title('Load generator health', p), ...textTable(['', ''], rows, { paintHeader: p.dim }).slice(1)];
  for (const reason of g.reasons) lines.push(`    - ${reason}`);
  return lines;
}

function harnessErrors(r: RunResult, p: Palette): string[] {
  if (r.errors.length === 0) return [];
  const lines = [title('Harness errors', p)];
  for (const e of r.errors) {
    lines.push(`  ${p.red(e.code)}: ${e.message}`);
    if (e.hint) lines.push(p.dim(`    hint: ${e.hint}`));
  }
  return lines;
}

function closing(r: RunResult, opts: ConsoleRenderOptions, p: Palette): string[] {
  const lines: string[] = [];
  if (r.verdictReasons.length > 0) {
    lines.push(title('Why the verdict is not good', p));
    for (const reason of r.verdictReasons) lines.push(`  - ${reason}`);
    lines.push('');
  }
  const fails = runFails(r.verdict, opts.failOn);
  const outcome = fails ? p.bold(p.red('FAIL')) : p.bold(p.green('PASS'));
  lines.push(`verdict ${verdictPaint(r.verdict, p)(verdictWords(r.verdict))}: ${outcome} under --fail-on ${opts.failOn}`);
  return lines;
}
