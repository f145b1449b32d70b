/**
 * What the capacity model fitted: CPU and memory per replica against load per replica for each
 * component, the measured points and the least-squares line over the range it was fitted on.
 * A poor fit is drawn too (the model shows it but never extrapolates it); the caption says R².
 */
import type { CapacityReport, ComponentFit, LinearFit } from '../../../capacity/capacity-report.ts';
import { CHART_CONFIG, type ReportChart, type SpecPart, vegaLiteSpec } from '../chart.ts';
import { slugId } from '../dom-id.ts';

const PANEL_WIDTH = 330;
const PANEL_HEIGHT = 200;
const QUALITY_COLOURS: Record<LinearFit['quality'], string> = { good: '#1a7f37', fair: '#9a6700', poor: '#cf222e', insufficient: '#6e7781' };

/** One chart per fitted component. */
export function resourcesVsLoadCharts(capacity: CapacityReport | null): ReportChart[] {
  if (!capacity) return [];
  return capacity.fits.map((fit) => resourcesVsLoadChart(capacity, fit));
}

/** CPU and memory panels for one component's fits. */
export function resourcesVsLoadChart(capacity: CapacityReport, fit: ComponentFit): ReportChart {
  const perReplica = fit.replicas > 1 ? ' per replica' : '';
  const xTitle = `${capacity.unit}${perReplica}`;
  const spec = vegaLiteSpec({
    config: CHART_CONFIG,
    hconcat: [
      panel(fit.cpuCores, xTitle, `CPU cores${perReplica}`, 1),
      panel(fit.memoryBytes, xTitle, `RSS MiB${perReplica}`, 1 / 1024 ** 2),
    ],
  });
  return {
    id: `resources-vs-load-${slugId(fit.component)}`,
    title: `CPU and memory against load: ${fit.component}`,
    caption: `Mean CPU and resident memory${perReplica} at each step the model was fitted on (${capacity.fittedOn.reason}), with the fit line. CPU: ${fitWords(fit.cpuCores)} Memory: ${fitWords(fit.memoryBytes)}`,
    spec,
  };
}

function panel(fit: LinearFit, xTitle: string, yTitle: string, scale: number): SpecPart {
  const points = fit.points.map((p) => ({ load: p.load, value: p.value * scale }));
  const line = fit.line.map((p) => ({ load: p.load, value: p.value * scale }));
  const x = { field: 'load', type: 'quantitative', title: xTitle };
  const y = { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: true } };
  const layers: SpecPart[] = [
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 60, color: '#0969da' },
      encoding: { x, y, tooltip: [{ field: 'load', title: xTitle, format: '.1f' }, { field: 'value', title: yTitle, format: '.3~f' }] },
    },
  ];
  if (line.length > 0) {
    layers.push({
      data: { values: line },
      mark: { type: 'line', strokeDash: [6, 3], strokeWidth: 2, color: QUALITY_COLOURS[fit.quality] },
      encoding: { x, y },
    });
  }
  return { width: PANEL_WIDTH, height: PANEL_HEIGHT, title: { text: `${yTitle}: fit ${fit.quality}`, fontSize: 12, fontWeight: 'normal' }, layer: layers };
}

/** `slope 0.0021/unit, R² 0.97 (good).` plus the model's note. */
export function fitWords(fit: LinearFit): string {
  const r2 = fit.r2 === null ? 'R² undefined' : `R² ${fit.r2.toFixed(2)}`;
  return `${r2} (${fit.quality}); ${fit.note}`;
}
