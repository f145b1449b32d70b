/**
 * report.html: one self-contained file that opens offline. Every chart is rendered to inline SVG
 * here, so the page reads without JavaScript (and prints); when JavaScript runs, the inlined vega
 * libraries replace each SVG with an interactive view of the same Vega-Lite spec.
 */
import { capacityReport, type CapacityOptions } from '../../capacity/capacity-report.ts';
import { DEFAULT_PRICING, loadPricingProfile } from '../../cost/pricing-profile.ts';
import type { RunResult } from '../../run-result.ts';
import { runFails, type RenderOptions } from '../fail-policy.ts';
import { formatSeconds } from '../format.ts';
import { verdictWords } from '../labels.ts';
import { capacitySection, type CapacityOutcome } from './capacity-section.ts';
import { renderChartSvg, type ReportChart } from './chart.ts';
import { latencyOverTimeChart } from './charts/latency-over-time.ts';
import { replicasOverTimeChart } from './charts/replicas-over-time.ts';
import { resourcesOverTimeChart } from './charts/resources-over-time.ts';
import { resourcesVsLoadCharts } from './charts/resources-vs-load.ts';
import { throughputOverTimeChart } from './charts/throughput-over-time.ts';
import { throughputVsLatencyCharts } from './charts/throughput-vs-latency.ts';
import { tiersCostChart } from './charts/tiers-cost.ts';
import { environmentSection } from './environment.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { faultsSection } from './faults-table.ts';
import { htmlTable } from './html-table.ts';
import { interactiveScripts } from './interactive.ts';
import { PAGE_CSS } from './page-style.ts';
import { sweepTables } from './sweep-table.ts';
import { trendSection } from './trend-section.ts';
import type { TrendInput } from './trend-points.ts';
import { verdictReasons, verdictTable } from './verdict-table.ts';

/** Options of the HTML renderer: the common ones plus how to size a capacity sweep. */
export interface HtmlReportOptions extends RenderOptions {
  /** passed to the capacity model when the run has a sweep (targets, tiers, pricing); default: priced with the OpenCost defaults, as summary.md */
  capacity?: CapacityOptions;
  /** inline the vega libraries for interactive charts (default true); false gives a static page of ~1/10 the size */
  interactive?: boolean;
  /** a named baseline's stored runs: adds the trend across them, this run marked */
  trend?: TrendInput;
}

/** Renders report.html for a run. */
export async function renderHtmlReport(result: RunResult, opts: HtmlReportOptions): Promise<string> {
  const capacity = sizeSweep(result, opts.capacity);
  const timeCharts = [latencyOverTimeChart(result), throughputOverTimeChart(result), resourcesOverTimeChart(result), replicasOverTimeChart(result)].filter((c) => c !== null);
  const sweepCharts = throughputVsLatencyCharts(result.sweeps, capacity.report);
  const tiers = tiersCostChart(capacity.report);
  const capacityCharts = [...resourcesVsLoadCharts(capacity.report), ...(tiers ? [tiers] : [])];
  const ids = new Set<string>();
  const figures = async (charts: ReportChart[]): Promise<string> => (await Promise.all(charts.map((c) => figure(c, uniqueId(ids, c.id))))).join('\n');

  const sections = [
    header(result, opts),
    verdictReasons(result),
    verdictTable(result, opts),
    timeCharts.length > 0 ? `<section id="over-time"><h2>Over time</h2>\n${await figures(timeCharts)}\n</section>` : '',
    opts.trend ? await trendHtml(trendSection(opts.trend, result), figures) : '',
    faultsSection(result.faults),
    result.sweeps && result.sweeps.length > 0
      ? `<section id="capacity"><h2>Capacity</h2>\n${await figures(sweepCharts)}\n${sweepTables(result.sweeps)}\n${await figures(capacityCharts)}\n${capacitySection(capacity)}\n</section>`
      : '',
    harnessErrors(result),
    environmentSection(result),
  ];
  const interactive = opts.interactive ?? true;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="caplab ${escapeHtml(result.environment.caplabVersion)}">
<title>${escapeHtml(`${result.scenario}: ${verdictWords(result.verdict)}`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${sections.filter((s) => s !== '').join('\n')}
<footer>caplab ${escapeHtml(result.environment.caplabVersion)} · charts are inline SVG${interactive ? '; with JavaScript they become interactive (vega, vega-lite and vega-embed are inlined, nothing is fetched)' : ''}.</footer>
</main>
${interactive ? interactiveScripts() : ''}
</body>
</html>
`;
}

async function trendHtml(t: ReturnType<typeof trendSection>, figures: (charts: ReportChart[]) => Promise<string>): Promise<string> {
  const charts = t.charts.length > 0 ? `\n${await figures(t.charts)}` : '';
  return `<section id="trend"><h2>Trend across stored runs</h2>\n${t.before}${charts}${t.after ? `\n${t.after}` : ''}\n</section>`;
}

/** Runs the capacity model; a model that throws is reported in the page instead of losing the report. */
export function sizeSweep(result: RunResult, options: CapacityOptions | undefined): CapacityOutcome {
  if (!result.sweeps || result.sweeps.length === 0) return { report: null, error: null };
  try {
    const report = capacityReport(result, options ?? { pricing: loadPricingProfile(DEFAULT_PRICING) });
    return report ? { report } : { report: null, error: null };
  } catch (err) {
    return { report: null, error: err instanceof Error ? err.message : String(err) };
  }
}

function header(r: RunResult, opts: RenderOptions): string {
  const env = r.environment;
  const facts = [
    `${runFails(r.verdict, opts.failOn) ? 'fails' : 'passes'} under --fail-on ${opts.failOn}`,
    `${formatSeconds(r.durationSeconds)} from ${r.startedAt}`,
    `provider ${env.provider}`,
    `commit ${env.commit ? env.commit.slice(0, 12) : 'unknown'}`,
  ];
  return `<header>
<h1>${escapeHtml(r.scenario)} <span class="verdict verdict-${escapeHtml(r.verdict)}">${escapeHtml(verdictWords(r.verdict))}</span></h1>
${r.description ? `<p>${escapeHtml(r.description)}</p>` : ''}
<p class="summary">${facts.map(escapeHtml).join(' · ')}</p>
</header>`;
}

async function figure(chart: ReportChart, id: string): Promise<string> {
  const svg = await renderChartSvg(chart.spec);
  return `<figure class="chart" id="${escapeHtml(id)}" data-interactive="static">
<h3>${escapeHtml(chart.title)}</h3>
<div class="chart-static">${svg}</div>
<div class="chart-interactive" hidden></div>
<script type="application/json" class="chart-spec">${jsonForScript(chart.spec)}</script>
<figcaption>${escapeHtml(chart.caption)}</figcaption>
</figure>`;
}

function harnessErrors(r: RunResult): string {
  if (r.errors.length === 0) return '';
  const rows = r.errors.map((e) => ({ className: 'level-critical', cells: [{ text: e.code, className: 'level' }, e.message, e.hint ?? ''] }));
  return `<section id="errors"><h2>Harness errors</h2>\n${htmlTable(['code', 'message', 'hint'], rows)}\n</section>`;
}

function uniqueId(taken: Set<string>, base: string): string {
  let id = `chart-${base}`;
  for (let n = 2; taken.has(id); n++) id = `chart-${base}-${n}`;
  taken.add(id);
  return id;
}
