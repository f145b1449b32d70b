/**
 * CPU and resident memory of every component, sampled once a second, one panel each; faults are
 * drawn over both so a restart's drop in memory lines up with its gap.
 */
import type { RunResult } from '../../../run-result.ts';
import { CHART_CONFIG, CHART_WIDTH, type ReportChart, type SpecPart, vegaLiteSpec } from '../chart.ts';
import { faultLayers } from './fault-marks.ts';

/** One sample of one component. */
export interface ResourceRow { t: number; component: string; cpuPercent: number; rssMiB: number }

const PANEL_HEIGHT = 140;

/** The chart, or null when no component was sampled. */
export function resourcesOverTimeChart(result: RunResult): ReportChart | null {
  const rows: ResourceRow[] = result.resources.flatMap((c) =>
    c.samples.map((s) => ({ t: s.t, component: c.component, cpuPercent: s.cpuPercent, rssMiB: s.rssBytes / 1024 ** 2 })));
  if (rows.length === 0) return null;
  const x = { field: 't', type: 'quantitative', title: 'seconds since start' };
  const panel = (field: string, title: string, format: string): SpecPart => ({
    width: CHART_WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line' },
        encoding: {
          x,
          y: { field, type: 'quantitative', title },
          color: { field: 'component', type: 'nominal', title: 'component' },
          tooltip: [{ field: 'component' }, { field: 't', title: 'second' }, { field, title, format }],
        },
      },
      ...faultLayers(result.faults),
    ],
  });
  const spec = vegaLiteSpec({
    config: CHART_CONFIG,
    vconcat: [panel('cpuPercent', 'CPU (% of one core)', '.1f'), panel('rssMiB', 'RSS (MiB)', '.1f')],
  });
  return {
    id: 'resources-over-time',
    title: 'Component CPU and memory over time',
    caption: 'CPU in percent of one core (100 = one full core) and resident memory of each component, sampled once a second.',
    spec,
  };
}
