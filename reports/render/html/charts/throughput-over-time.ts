/**
 * Throughput per second: iterations started and failed requests, so a fault's gap or an overload
 * shows as the failed line rising while throughput dips. Faults are drawn over it.
 */
import type { RunResult } from '../../../run-result.ts';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, type ReportChart, vegaLiteSpec } from '../chart.ts';
import { LEVEL_COLOURS } from '../level-colours.ts';
import { faultLayers } from './fault-marks.ts';

/** One row of the chart's data: a count in one second. */
export interface ThroughputRow { t: number; series: string; perSecond: number }

const ITERATIONS = 'iterations/s';
const FAILED = 'failed requests/s';

/** The chart, or null when the run has no iterations series. */
export function throughputOverTimeChart(result: RunResult): ReportChart | null {
  const rows = throughputRows(result);
  if (rows.length === 0) return null;
  const spec = vegaLiteSpec({
    config: CHART_CONFIG,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-before' },
        params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds since start' },
          y: { field: 'perSecond', type: 'quantitative', title: 'per second' },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: [ITERATIONS, FAILED], range: ['#0969da', LEVEL_COLOURS.critical] } },
          tooltip: [{ field: 't', title: 'second' }, { field: 'series' }, { field: 'perSecond', title: 'count' }],
        },
      },
      ...faultLayers(result.faults),
    ],
  });
  return {
    id: 'throughput-over-time',
    title: 'Throughput and failures over time',
    caption: 'Iterations started and requests failed in each second of the measured run.',
    spec,
  };
}

/** Iterations per second, and failed requests per second when the run counted them. */
export function throughputRows(result: RunResult): ThroughputRow[] {
  const rows: ThroughputRow[] = (result.series['iterations'] ?? []).map((pt) => ({ t: pt.t, series: ITERATIONS, perSecond: pt.count }));
  const failed = result.series['http_req_failed'] ?? [];
  if (rows.length > 0) for (const pt of failed) rows.push({ t: pt.t, series: FAILED, perSecond: pt.passes ?? 0 });
  return rows;
}
