/**
 * Replicas over time beside the load, for runs that scrape Deployment or HPA replica gauges from
 * the embedded control plane (`<component>.kube_deployment_spec_replicas`, `..._status_replicas_ready`,
 * `..._horizontalpodautoscaler_status_desired_replicas`): whether replicas followed load.
 */
import type { RunResult } from '../../../run-result.ts';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, type ReportChart, vegaLiteSpec } from '../chart.ts';

/** The scraped gauges drawn, by the suffix of their series name, with their legend label. */
const REPLICA_GAUGES: Record<string, string> = {
  kube_deployment_spec_replicas: 'replicas (spec)',
  kube_deployment_status_replicas_ready: 'Ready replicas',
  kube_horizontalpodautoscaler_status_desired_replicas: 'HPA desired',
};
const LOAD = 'iterations/s';

/** One point: replicas (or the load) at a second. */
export interface ReplicaRow { t: number; series: string; value: number }

/** The chart, or null when the run scraped no replica gauge. */
export function replicasOverTimeChart(result: RunResult): ReportChart | null {
  const rows: ReplicaRow[] = [];
  for (const [name, points] of Object.entries(result.series)) {
    const suffix = name.slice(name.lastIndexOf('.') + 1);
    const label = name.includes('.') ? REPLICA_GAUGES[suffix] : undefined;
    if (label === undefined) continue;
    for (const pt of points) if (pt.value !== undefined) rows.push({ t: pt.t, series: `${name.slice(0, name.lastIndexOf('.'))}: ${label}`, value: pt.value });
  }
  if (rows.length === 0) return null;
  const load = (result.series['iterations'] ?? []).map((pt) => ({ t: pt.t, series: LOAD, value: pt.count }));
  const x = { field: 't', type: 'quantitative', title: 'seconds since start' };
  const spec = vegaLiteSpec({
    config: CHART_CONFIG,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x, y: { field: 'value', type: 'quantitative', title: 'replicas', axis: { tickMinStep: 1 } },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 260 } },
          tooltip: [{ field: 't', title: 'second' }, { field: 'series' }, { field: 'value', title: 'replicas' }],
        },
      },
      ...(load.length > 0 ? [{
        data: { values: load },
        mark: { type: 'line', color: '#8c959f', strokeDash: [4, 3], opacity: 0.8 },
        encoding: {
          x, y: { field: 'value', type: 'quantitative', title: LOAD, axis: { orient: 'right' } },
          tooltip: [{ field: 't', title: 'second' }, { field: 'value', title: LOAD }],
        },
      }] : []),
    ],
    resolve: { scale: { y: 'independent' } },
  });
  return {
    id: 'replicas-over-time',
    title: 'Replicas over time',
    caption: 'Replicas of the scraped Deployment (and what its HPA asked for) at each resource sample; dashed: iterations started per second (right axis).',
    spec,
  };
}
