/**
 * The load of a sweep step in the unit the sizing speaks: requests per second (the step's offered
 * rate) or held connections (the mean of the `connections_open` gauge over the step's window, as
 * a connection service is sized by how many clients it holds, not how fast they talk).
 */
import type { RunResult, SweepResult, SweepStep } from '../run-result.ts';
import type { LoadUnit } from './capacity-report.ts';

/** Gauges that count held connections, most specific first. */
export const CONNECTION_METRICS = ['connections_open', 'vus'] as const;

/** `connections` when the sweep held connections (a connection sweep, or a connections_open gauge above 0), else `requests/s`. */
export function detectUnit(result: RunResult, sweep: SweepResult): LoadUnit {
  if (sweep.load === 'connections') return 'connections';
  const held = sweep.steps.some((s) => {
    const m = s.metrics['connections_open'];
    return m !== undefined && m.type === 'gauge' && m.value > 0;
  });
  return held || (result.series['connections_open'] ?? []).some((p) => (p.value ?? 0) > 0) ? 'connections' : 'requests/s';
}

/** Load of one step in `unit`; null when the step carries no figure for it. */
export function stepLoad(result: RunResult, step: SweepStep, unit: LoadUnit): number | null {
  if (unit === 'requests/s') return step.targetRate;
  for (const name of CONNECTION_METRICS) {
    const fromSeries = meanInWindow(result.series[name] ?? [], step.from, step.to);
    if (fromSeries !== null) return fromSeries;
    const m = step.metrics[name];
    if (m !== undefined && m.type === 'gauge') return m.value;
  }
  // A connection step without the gauge (an old or hand-made result): the count it was asked to hold.
  return step.targetConnections ?? null;
}

function meanInWindow(points: readonly { t: number; value?: number }[], from: number, to: number): number | null {
  const values = points.filter((p) => p.t > from && p.t <= to && p.value !== undefined).map((p) => p.value!);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
