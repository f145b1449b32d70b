/**
 * Trend across stored runs: one chart of the chosen latency statistics and one of throughput, a
 * point per run of the baseline in the order they started, the current run marked by a rule and a
 * larger point, so a PR's run reads against the history it is gated on.
 */
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, type ReportChart, type SpecPart, vegaLiteSpec } from '../chart.ts';
import type { TrendPoints } from '../trend-points.ts';

const CURRENT_COLOUR = '#cf222e';
const COLOURS = ['#0969da', '#bc4c00', '#8250df', '#1a7f37'];

/** One row of a trend chart: one figure of one run. */
export interface TrendRow { startedAt: string; series: string; value: number; run: 'stored' | 'this run'; commit: string }

/** The latency chart and the throughput chart; either is absent when no run has its figure. */
export function trendCharts(t: TrendPoints, baseline: string): ReportChart[] {
  const latency = t.points.flatMap((p) => t.labels.flatMap((label) => {
    const v = p.latency[label];
    return v === null || v === undefined ? [] : [row(p, label, v)];
  }));
  const throughput = t.points.flatMap((p) => (p.throughput === null ? [] : [row(p, 'requests/s', p.throughput)]));
  const current = t.points.find((p) => p.current)?.startedAt ?? null;
  const charts: ReportChart[] = [];
  if (latency.length > 0) {
    charts.push({
      id: 'trend-latency',
      title: `Latency across the runs of baseline ${baseline}`,
      caption: `${t.labels.join(', ')} over each whole run (ms), one point per stored run in the order they started; the dashed red rule and the larger point are this run.`,
      spec: spec(latency, t.labels, 'ms', current),
    });
  }
  if (throughput.length > 0) {
    charts.push({
      id: 'trend-throughput',
      title: `Throughput across the runs of baseline ${baseline}`,
      caption: 'Requests per second over each whole run (iterations per second when the run made no HTTP requests); the dashed red rule and the larger point are this run.',
      spec: spec(throughput, ['requests/s'], 'per second', current),
    });
  }
  return charts;
}

function row(p: TrendPoints['points'][number], series: string, value: number): TrendRow {
  return { startedAt: p.startedAt, series, value, run: p.current ? 'this run' : 'stored', commit: p.commit ? p.commit.slice(0, 12) : 'unknown' };
}

function spec(rows: TrendRow[], series: string[], yTitle: string, current: string | null) {
  const x = { field: 'startedAt', type: 'temporal', title: 'run started' };
  const colour = { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: COLOURS.slice(0, Math.max(1, series.length)) }, legend: { labelLimit: 320 } };
  const layers: SpecPart[] = [
    {
      data: { values: rows },
      mark: { type: 'line', point: false },
      encoding: { x, y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: true } }, color: colour },
    },
    {
      data: { values: rows },
      mark: { type: 'point', filled: true },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative' },
        color: colour,
        size: { field: 'run', type: 'ordinal', title: null, scale: { domain: ['stored', 'this run'], range: [40, 160] } },
        tooltip: [{ field: 'startedAt', type: 'temporal', title: 'started', format: '%Y-%m-%d %H:%M' }, { field: 'series' }, { field: 'value', format: '.3~f' }, { field: 'run' }, { field: 'commit' }],
      },
    },
  ];
  if (current !== null) {
    layers.push(
      { data: { values: [{ startedAt: current }] }, mark: { type: 'rule', color: CURRENT_COLOUR, strokeDash: [4, 3] }, encoding: { x } },
      { data: { values: [{ startedAt: current, label: 'this run' }] }, mark: { type: 'text', color: CURRENT_COLOUR, align: 'left', dx: 4, baseline: 'top', y: 2 }, encoding: { x, text: { field: 'label' } } },
    );
  }
  return vegaLiteSpec({ config: CHART_CONFIG, width: CHART_WIDTH, height: CHART_HEIGHT, layer: layers });
}
