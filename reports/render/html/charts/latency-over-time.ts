/**
 * Latency percentiles per second: p50, p95 and p99 of the corrected latency (measured from each
 * request's intended start) and, dashed, the raw p95 (from the actual send), so coordinated
 * omission shows as the gap between the two. Faults are drawn over it.
 */
import { LATENCY_PAIRS, type RunResult } from '../../../run-result.ts';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, type ReportChart, vegaLiteSpec } from '../chart.ts';
import { faultLayers } from './fault-marks.ts';

const STATS = ['p50', 'p95', 'p99'] as const;
const SERIES_ORDER = ['p50', 'p95', 'p99', 'p95 raw'];
const SERIES_COLOURS = ['#0969da', '#bc4c00', '#8250df', '#bc4c00'];

/** One row of the chart's data: a statistic of one second. */
export interface LatencyRow { t: number; series: string; ms: number }

/** The chart, or null when the run has no per-second latency series. */
export function latencyOverTimeChart(result: RunResult): ReportChart | null {
  const pair = LATENCY_PAIRS.find((p) => (result.series[p.corrected] ?? []).some((pt) => pt.count > 0));
  if (!pair) return null;
  const rows = latencyRows(result, pair.corrected, pair.raw);
  const spec = vegaLiteSpec({
    config: CHART_CONFIG,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: rows.length <= 60 ? { size: 14 } : false },
        params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds since start' },
          y: { field: 'ms', type: 'quantitative', title: `${pair.corrected} (ms)`, scale: { zero: true } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: SERIES_ORDER, range: SERIES_COLOURS } },
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: SERIES_ORDER, range: [[1, 0], [1, 0], [1, 0], [4, 3]] } },
          tooltip: [{ field: 't', title: 'second' }, { field: 'series' }, { field: 'ms', title: 'ms', format: '.3~f' }],
        },
      },
      ...faultLayers(result.faults),
    ],
  });
  return {
    id: 'latency-over-time',
    title: 'Latency percentiles over time',
    caption: `p50, p95 and p99 of ${pair.corrected} each second, measured from each request's intended start (corrected for coordinated omission); the dashed line is the raw p95, from the actual send.`,
    spec,
  };
}

/** The per-second rows: corrected p50/p95/p99 and raw p95, seconds with no samples left out. */
export function latencyRows(result: RunResult, corrected: string, raw: string): LatencyRow[] {
  const rows: LatencyRow[] = [];
  for (const pt of result.series[corrected] ?? []) {
    if (pt.count === 0) continue;
    for (const stat of STATS) {
      const ms = pt[stat];
      if (ms !== undefined) rows.push({ t: pt.t, series: stat, ms });
    }
  }
  for (const pt of result.series[raw] ?? []) {
    if (pt.count > 0 && pt.p95 !== undefined) rows.push({ t: pt.t, series: 'p95 raw', ms: pt.p95 });
  }
  return rows;
}
