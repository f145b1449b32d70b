/**
 * The capacity sweep's knee chart: each step's achieved throughput against its p95 latency,
 * points coloured by the step's level, and a vertical rule at the knee when the capacity model
 * found one. Without a capacity report the steps still draw; only the knee is missing.
 */
import type { CapacityReport } from '../../../capacity/capacity-report.ts';
import type { Level, SweepResult } from '../../../run-result.ts';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, type ReportChart, type SpecPart, vegaLiteSpec } from '../chart.ts';
import { LEVEL_COLOURS, LEVEL_ORDER, LEVEL_WORDS } from '../level-colours.ts';
import { slugId } from '../dom-id.ts';

/** One step as drawn. */
export interface SweepPoint { step: number; x: number; offered: number; achieved: number; p95: number; level: string }

const DEFAULT_LATENCY = 'http_req_duration';

/** One chart per sweep workload; the knee is marked on the one the capacity report sized. */
export function throughputVsLatencyCharts(sweeps: readonly SweepResult[] | undefined, capacity: CapacityReport | null): ReportChart[] {
  return (sweeps ?? []).flatMap((sweep) => {
    const sized = capacity !== null && capacity.workload === sweep.workload ? capacity : null;
    const chart = throughputVsLatencyChart(sweep, sized);
    return chart ? [chart] : [];
  });
}

/** The chart for one sweep, or null when no step measured a latency. */
export function throughputVsLatencyChart(sweep: SweepResult, capacity: CapacityReport | null): ReportChart | null {
  const connections = capacity?.unit === 'connections';
  const latencyMetric = capacity?.knee.latencyMetric ?? DEFAULT_LATENCY;
  // A connection sweep's load is what the capacity model measured as held (connections_open), not the step's rate.
  const heldByStep = connections ? new Map(capacity!.knee.steps.map((k) => [k.index, k.load])) : null;
  const points = sweepPoints(sweep, latencyMetric, heldByStep);
  if (points.length === 0) return null;
  const xTitle = connections ? 'connections held' : 'throughput (iterations/s achieved)';
  const knee = capacity ? kneeMark(capacity, points) : null;
  const layers: SpecPart[] = [
    {
      data: { values: points },
      layer: [
        { mark: { type: 'line', color: '#8c959f' } },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            color: { field: 'level', type: 'nominal', title: 'step level', scale: { domain: LEVEL_ORDER.map((l) => LEVEL_WORDS[l]), range: LEVEL_ORDER.map((l) => LEVEL_COLOURS[l]) } },
            tooltip: [
              { field: 'step' }, { field: 'offered', title: 'offered /s' }, { field: 'achieved', title: 'achieved /s', format: '.1f' },
              { field: 'p95', title: 'p95 ms', format: '.3~f' }, { field: 'level' },
            ],
          },
        },
      ],
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle },
        y: { field: 'p95', type: 'quantitative', title: `${latencyMetric} p95 (ms)`, scale: { zero: true } },
        order: { field: 'x', type: 'quantitative' },
      },
    },
  ];
  if (knee) {
    layers.push({
      data: { values: [knee] },
      layer: [
        { mark: { type: 'rule', color: LEVEL_COLOURS.good, strokeDash: [6, 3], strokeWidth: 2 } },
        // Left of the rule: the knee is usually near the highest load measured, where a label on the right would be cut off.
        { mark: { type: 'text', align: 'right', dx: -4, dy: 2, baseline: 'top', color: LEVEL_COLOURS.good, fontWeight: 'bold' }, encoding: { text: { field: 'label' }, y: { value: 0 } } },
      ],
      encoding: { x: { field: 'x', type: 'quantitative' }, tooltip: [{ field: 'label' }, { field: 'explanation' }] },
    });
  }
  const spec = vegaLiteSpec({ config: CHART_CONFIG, width: CHART_WIDTH, height: CHART_HEIGHT, layer: layers });
  return {
    id: `throughput-vs-latency-${slugId(sweep.workload)}`,
    title: `Throughput against p95: sweep ${sweep.workload}`,
    caption: knee
      ? `Each point is one sweep step, coloured by its worst threshold level; the dashed line is the knee: ${capacity!.knee.explanation}`
      : `Each point is one sweep step, coloured by its worst threshold level. ${capacity ? capacity.knee.explanation : 'No capacity model ran, so no knee is marked.'}`,
    spec,
  };
}

/** The steps with a latency, x being achieved throughput, or held connections when `heldByStep` gives them by step index. */
export function sweepPoints(sweep: SweepResult, latencyMetric: string, heldByStep: ReadonlyMap<number, number> | null = null): SweepPoint[] {
  return sweep.steps.flatMap((s) => {
    const m = s.metrics[latencyMetric];
    if (!m || m.type !== 'trend' || m.count === 0) return [];
    const x = heldByStep ? heldByStep.get(s.index) ?? s.targetRate : s.achievedRate;
    return [{ step: s.index, x, offered: s.targetRate, achieved: s.achievedRate, p95: m.p95, level: levelWord(s.level) }];
  });
}

function kneeMark(capacity: CapacityReport, points: SweepPoint[]): { x: number; label: string; explanation: string } | null {
  const knee = capacity.knee;
  if (knee.load === null) return null;
  const step = points.find((p) => p.step === knee.stepIndex);
  const x = step?.x ?? knee.load;
  const prefix = knee.status === 'above-range' ? 'knee ≥ ' : 'knee ';
  return { x, label: `${prefix}${formatLoad(knee.load)} ${capacity.unit}`, explanation: knee.explanation };
}

function levelWord(level: Level): string {
  return LEVEL_WORDS[level];
}

function formatLoad(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1);
}
