/**
 * summary.md: the run as GitHub-flavoured Markdown, for a PR comment or `$GITHUB_STEP_SUMMARY`.
 * Every table cell goes through `cell()`, so a `|` or a newline in a name cannot break a table.
 */
import type { Level, MetricSummary, RunResult, TrendSummary, Verdict } from '../run-result.ts';
import { runFails, type RenderOptions } from './fail-policy.ts';
import { formatBytes, formatCount, formatMs, formatPercent, formatPerSecond, formatSeconds, formatValue } from './format.ts';
import { levelLabel, sourceLabel, statLabel, verdictWords } from './labels.ts';
import { faultsMarkdown } from './markdown-faults.ts';
import { resourceCells } from './resource-cells.ts';
import { perUnitMarkdown } from './markdown-per-unit.ts';
import { sizingMarkdown } from './markdown-sizing.ts';
import { CORRECTED_EXPLAINED, LATENCY_STATS, RAW_EXPLAINED, latencyPairKeys, latencyPairs } from './latency-pairs.ts';

const VERDICT_EMOJI: Record<Verdict, string> = { good: '✅', warning: '⚠️', critical: '❌', invalid: '🚫', aborted: '⏹' };
const LEVEL_EMOJI: Record<Level, string> = { good: '✅', warning: '⚠️', critical: '❌', 'no-data': '❔' };

/** Renders summary.md for a run. */
export function renderMarkdown(result: RunResult, opts: RenderOptions): string {
  const blocks = [
    header(result, opts),
    reasons(result),
    thresholds(result),
    faultsMarkdown(result),
    latency(result),
    workloads(result),
    checks(result),
    otherMetrics(result),
    resources(result),
    perUnitMarkdown(result),
    sizingMarkdown(result),
    generator(result),
    harnessErrors(result),
    environment(result),
  ];
  return blocks.filter((b) => b.length > 0).map((b) => b.join('\n')).join('\n\n') + '\n';
}

/**
 * Escapes text for one GitHub table cell: pipes, backslashes, newlines, and only the `<` and `&`
 * that would start a tag or an entity, so `< 100ms` stays readable in the raw file.
 */
export function cell(text: string): string {
  return text
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, '<br>');
}

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header.map(cell)), line(sep), ...rows.map((r) => line(r.map(cell)))];
}

function header(r: RunResult, opts: RenderOptions): string[] {
  const fails = runFails(r.verdict, opts.failOn);
  const env = r.environment;
  const lines = [`## ${VERDICT_EMOJI[r.verdict]} ${cell(r.scenario)}: ${verdictWords(r.verdict)}`, ''];
  if (r.description) lines.push(cell(r.description), '');
  const facts = [
    `**${fails ? 'fails' : 'passes'}** under \`--fail-on ${opts.failOn}\``,
    `${formatSeconds(r.durationSeconds)} from ${r.startedAt}`,
    `provider \`${env.provider}\``,
    `commit \`${env.commit ? env.commit.slice(0, 12) : 'unknown'}\``,
  ];
  lines.push(facts.join(' · '));
  return lines;
}

function reasons(r: RunResult): string[] {
  if (r.verdictReasons.length === 0) return [];
  return ['**Why the verdict is not good**', '', ...r.verdictReasons.map((reason) => `- ${cell(reason)}`)];
}

function thresholds(r: RunResult): string[] {
  if (r.thresholds.length === 0) return ['### Thresholds', '', '_None: the scenario and the default profile set no threshold._'];
  const rows = r.thresholds.map((t) => [
    `${LEVEL_EMOJI[t.level]} ${levelLabel(t.level)}`,
    t.key,
    statLabel(t),
    formatValue(t.value, t.unit),
    t.good,
    t.warning ?? '— (not good is critical)',
    sourceLabel(t),
  ]);
  return ['### Thresholds', '', ...table(['level', 'threshold', 'stat', 'value', 'good', 'warning', 'source'], ['l', 'l', 'l', 'r', 'l', 'l', 'l'], rows)];
}

function trendCell(t: TrendSummary | null, field: (typeof LATENCY_STATS)[number]['field']): string {
  return t && t.count > 0 ? formatValue(t[field], t.unit) : 'no data';
}

function latency(r: RunResult): string[] {
  const out: string[] = [];
  for (const pair of latencyPairs(r)) {
    const rows = LATENCY_STATS.map((s) => [s.label, trendCell(pair.correctedTrend, s.field), trendCell(pair.rawTrend, s.field)]);
    rows.push(['count', pair.correctedTrend ? formatCount(pair.correctedTrend.count) : '-', pair.rawTrend ? formatCount(pair.rawTrend.count) : '-']);
    if (out.length > 0) out.push('');
    out.push(
      `### Latency: corrected vs raw (\`${pair.corrected}\`)`,
      '',
      ...table(['', `corrected (${pair.corrected})`, `raw (${pair.raw})`], ['l', 'r', 'r'], rows),
      '',
      `_${CORRECTED_EXPLAINED}; ${RAW_EXPLAINED}._`,
    );
  }
  return out;
}

function workloads(r: RunResult): string[] {
  if (r.workloads.length === 0) return [];
  const rows = r.workloads.map((w) => [
    w.name,
    w.executor,
    w.targetRate !== undefined ? formatPerSecond(w.targetRate) : '-',
    formatPerSecond(w.achievedRate),
    formatCount(w.iterations),
    w.droppedIterations > 0 ? `⚠️ ${formatCount(w.droppedIterations)}` : '0',
  ]);
  return ['### Workloads', '', ...table(['workload', 'executor', 'target', 'achieved', 'iterations', 'dropped'], ['l', 'l', 'r', 'r', 'r', 'r'], rows)];
}

function checks(r: RunResult): string[] {
  if (r.checks.length === 0) return [];
  const rows = r.checks.map((c) => {
    const total = c.passes + c.fails;
    return [`${c.fails > 0 ? '❌' : '✅'} ${c.name}`, formatCount(c.passes), formatCount(c.fails), total === 0 ? 'no data' : formatPercent((c.passes / total) * 100)];
  });
  return ['### Checks', '', ...table(['check', 'passes', 'fails', 'passed'], ['l', 'r', 'r', 'r'], rows)];
}

function metricRow(name: string, m: MetricSummary): string[] {
  switch (m.type) {
    case 'trend':
      return m.count === 0
        ? [name, 'trend', 'no data']
        : [name, 'trend', `p50 ${formatValue(m.p50, m.unit)} · p95 ${formatValue(m.p95, m.unit)} · p99 ${formatValue(m.p99, m.unit)} · max ${formatValue(m.max, m.unit)} (n=${formatCount(m.count)})`];
    case 'counter':
      return [name, 'counter', `${formatValue(m.count, m.unit)} (${m.unit === 'bytes' ? `${formatBytes(m.rate)}/s` : formatPerSecond(m.rate)})`];
    case 'rate':
      return [name, 'rate', m.total === 0 ? 'no data' : `${formatPercent(m.rate * 100)} (${formatCount(m.passes)} / ${formatCount(m.total)})`];
    case 'gauge':
      return [name, 'gauge', `${formatValue(m.value, m.unit)} (min ${formatValue(m.min, m.unit)}, max ${formatValue(m.max, m.unit)})`];
  }
}

function otherMetrics(r: RunResult): string[] {
  const skip = latencyPairKeys();
  const names = Object.keys(r.metrics).filter((n) => !skip.has(n)).sort();
  if (names.length === 0) return [];
  const rows = names.map((n) => metricRow(n, r.metrics[n]!));
  return ['<details><summary>All metrics</summary>', '', ...table(['metric', 'type', 'value'], ['l', 'l', 'l'], rows), '', '</details>'];
}

function resources(r: RunResult): string[] {
  if (r.resources.length === 0) return [];
  const rows = r.resources.map((c) => {
    if (c.unavailable) return [c.component, `unavailable: ${c.unavailable}`, '', '', '', ''];
    return [c.component, ...resourceCells(c)];
  });
  return [
    '### Component resources',
    '',
    ...table(['component', 'CPU avg', 'CPU p95', 'CPU max', 'RSS p95 (MiB)', 'RSS max (MiB)'], ['l', 'r', 'r', 'r', 'r', 'r'], rows),
    '',
    '_CPU in % of one core (100% = one full core)._',
  ];
}

function generator(r: RunResult): string[] {
  const g = r.generator;
  const stat = (t: TrendSummary | null, pick: (t: TrendSummary) => string): string => (t && t.count > 0 ? pick(t) : 'no data');
  const rows = [
    ['CPU (% of one core per thread)', stat(g.cpu, (t) => `avg ${formatPercent(t.mean)}, p95 ${formatPercent(t.p95)}, max ${formatPercent(t.max)}`)],
    ['event-loop lag p99', stat(g.eventLoopLag, (t) => formatMs(t.p99))],
    ['schedule lag p99', stat(g.scheduleLag, (t) => formatMs(t.p99))],
    ['worker threads', String(g.workers)],
    ['bottleneck', g.bottleneck ? '🚫 yes: the run measured the generator, not the system' : '✅ no'],
  ];
  const out = ['### Load generator health', '', ...table(['', ''], ['l', 'l'], rows)];
  if (g.reasons.length > 0) out.push('', ...g.reasons.map((reason) => `- ${cell(reason)}`));
  return out;
}

function harnessErrors(r: RunResult): string[] {
  if (r.errors.length === 0) return [];
  const rows = r.errors.map((e) => [e.code, e.message, e.hint ?? '']);
  return ['### Harness errors', '', ...table(['code', 'message', 'hint'], ['l', 'l', 'l'], rows)];
}

function environment(r: RunResult): string[] {
  const env = r.environment;
  const rows = [
    ['caplab', env.caplabVersion],
    ['commit', env.commit ?? 'unknown'],
    ['node', env.node],
    ['platform', env.platform],
    ['CPU', `${env.cpus} × ${env.cpuModel}`],
    ['memory', formatBytes(env.memoryBytes)],
    ['hostname', env.hostname],
    ['provider', env.provider],
    ['scenario file', r.scenarioFile ?? '(none)'],
    ['started', r.startedAt],
    ['ended', r.endedAt],
  ];
  return ['<details><summary>Environment</summary>', '', ...table(['', ''], ['l', 'l'], rows), '', '</details>'];
}
