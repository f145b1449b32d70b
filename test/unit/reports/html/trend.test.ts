import assert from 'node:assert/strict';
import { renderChartSvg } from '../../../../reports/render/html/chart.ts';
import { trendCharts } from '../../../../reports/render/html/charts/trend-over-runs.ts';
import { renderHtmlReport } from '../../../../reports/render/html/html-report.ts';
import { trendPoints, type TrendInput } from '../../../../reports/render/html/trend-points.ts';
import { trendSection } from '../../../../reports/render/html/trend-section.ts';
import type { RunResult } from '../../../../reports/run-result.ts';
import { exampleRunResult } from '../../../fixtures/run-results/verdict-examples.ts';

/** A stored run of the example scenario, started on `day` of November 2026. */
function run(kind: 'good' | 'warning' | 'critical', day: number, scenario?: string): RunResult {
  const r = exampleRunResult(kind);
  r.startedAt = `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  if (scenario !== undefined) r.scenario = scenario;
  return r;
}

function input(runs: RunResult[]): TrendInput {
  return { baseline: 'main', dir: 'reports/baselines', runs };
}

/** The trend section of a page, charts' SVG included. */
function section(html: string): string {
  const i = html.indexOf('<section id="trend">');
  assert.ok(i >= 0, 'the page has a trend section');
  return html.slice(i, html.indexOf('</section>', i));
}

describe('report.html trend across stored runs', () => {
  it('has a point per stored run of the scenario plus this run, marked, runs of other scenarios left out', () => {
    const current = run('critical', 20);
    const t = trendPoints(input([run('good', 3), run('warning', 1), run('good', 5, 'other-scenario')]), current);
    assert.deepEqual(t.points.map((p) => [p.startedAt.slice(8, 10), p.current]), [['01', false], ['03', false], ['20', true]]);
    assert.equal(t.otherScenarios, 1);
    assert.equal(t.currentStored, false);
    const p95 = (r: RunResult): number => (r.metrics['http_req_duration'] as { p95: number }).p95;
    assert.equal(t.points[2]!.latency['http_req_duration p95'], p95(current));
    assert.equal(t.points[2]!.throughput, (current.metrics['http_reqs'] as { rate: number }).rate);
    assert.ok(t.points[2]!.latency['http_req_duration p95']! > t.points[1]!.latency['http_req_duration p95']!, 'the critical run is slower than the good one');
  });

  it('reads throughput from iterations when a run made no HTTP requests, and shows a dash for a missing latency', () => {
    const tcp = run('good', 2);
    const iterations = tcp.metrics['iterations'];
    delete tcp.metrics['http_reqs'];
    delete tcp.metrics['http_req_duration'];
    const t = trendPoints(input([run('good', 1), tcp]), run('good', 3));
    const p = t.points.find((x) => x.startedAt.startsWith('2026-11-02'))!;
    assert.ok(iterations?.type === 'counter', 'the example counts iterations');
    assert.equal(p.throughput, iterations.rate);
    assert.equal(p.latency['http_req_duration p95'], null);
    const section = trendSection(input([run('good', 1), tcp]), run('good', 3));
    assert.match(section.after, /<td>2026-11-02T10:00:00.000Z<\/td><td>[^<]*<\/td><td class="num">–<\/td>/);
  });

  it('does not repeat this run when it is one of the stored runs', () => {
    const current = run('good', 3);
    const t = trendPoints(input([run('warning', 1), structuredClone(current)]), current);
    assert.equal(t.points.length, 2);
    assert.equal(t.currentStored, true);
    assert.deepEqual(t.points.map((p) => p.current), [false, true]);
  });

  it('draws the latency and throughput charts with no vega warning, this run as a rule', async () => {
    const charts = trendCharts(trendPoints({ ...input([run('good', 1), run('warning', 2)]), metrics: [{ metric: 'http_req_duration', stat: 'p95' }, { metric: 'http_req_duration', stat: 'p99' }] }, run('critical', 3)), 'main');
    assert.deepEqual(charts.map((c) => c.id), ['trend-latency', 'trend-throughput']);
    for (const chart of charts) {
      const warnings: string[] = [];
      const svg = await renderChartSvg(chart.spec, warnings);
      assert.deepEqual(warnings, []);
      assert.ok((svg.match(/class="mark-symbol role-mark /g) ?? []).length > 0, 'points drawn');
      assert.match(svg, /class="mark-rule role-mark /, 'this run\'s rule drawn');
    }
    const latency = (charts[0]!.spec as unknown as { layer: { data: { values: { series: string }[] } }[] }).layer[0]!.data.values;
    assert.deepEqual([...new Set(latency.map((r) => r.series))], ['http_req_duration p95', 'http_req_duration p99']);
    assert.equal(latency.length, 6, 'two statistics of three runs');
  });

  it('renders the section in report.html with the charts and the table of runs', async () => {
    const html = await renderHtmlReport(run('critical', 9), { failOn: 'critical', interactive: false, trend: input([run('good', 1), run('warning', 2)]) });
    const s = section(html);
    assert.match(s, /2 stored runs of .* in baseline main \(reports\/baselines\), and this run\./);
    assert.equal((s.match(/<figure class="chart"/g) ?? []).length, 2);
    assert.equal((s.match(/<svg /g) ?? []).length, 2);
    assert.match(s, /<tr class="trend-current"><td>2026-11-09T10:00:00.000Z<\/td>.*this run<\/td><\/tr>/);
  });

  it('says why there is no trend for a baseline with no runs or one, instead of drawing an empty chart', async () => {
    for (const [runs, words] of [[[], /holds no runs of/], [[run('good', 1)], /holds one run of .* \(2026-11-01T10:00:00.000Z\)/]] as const) {
      const t = trendSection(input([...runs]), run('good', 9));
      assert.deepEqual(t.charts, []);
      assert.match(t.before, words);
      assert.match(t.before, /a trend needs two or more stored runs\. Add runs with <code>caplab baseline save result.json --name main<\/code>/);
      const s = section(await renderHtmlReport(run('good', 9), { failOn: 'critical', interactive: false, trend: input([...runs]) }));
      assert.doesNotMatch(s, /<svg|<figure/);
      assert.match(s, /No trend yet/);
    }
  });

  it('leaves the section out when no trend was asked for', async () => {
    assert.doesNotMatch(await renderHtmlReport(run('good', 9), { failOn: 'critical', interactive: false }), /id="trend"/);
  });
});
