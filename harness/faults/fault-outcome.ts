/**
 * What a fault did to the load, read off the per-second failure series once the run is over:
 * the gap (seconds with failures), the failures it caused, and the time to recover, i.e. until
 * the per-second error rate is back under Good (seed 000: < 0.1%) and stays there.
 *
 * Failures are HTTP requests and TCP transfers that failed, and WebSocket ones: connection
 * attempts that failed (connection_success, held connections' reopens included) and fan-out
 * messages a subscriber did not get (message_delivery; a subscriber whose socket was dropped and
 * came back within the ws driver's timeout counts what it missed meanwhile, see ws-delivery.ts).
 * A dropped socket counts through those two, not as an event of its own: no built-in metric
 * counts drops per second.
 */
import type { FaultRecord, SeriesPoint } from '../../reports/run-result.ts';
import type { MetricsAggregate } from '../metrics/aggregate.ts';
import { M } from '../metrics/metric-names.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import type { FaultDraft } from './fault-scheduler.ts';

/** Seed 000's Good bound for the error rate: a second at or above it has not recovered. */
export const GOOD_ERROR_RATE = 0.001;

/**
 * The rate metrics summed into one failure series, and which samples of each are failures: the
 * passes of a `*_failed` rate, the misses (total − passes) of a success rate.
 */
const FAILURE_RATES: readonly { name: string; failures: 'passes' | 'misses' }[] = [
  { name: M.httpReqFailed, failures: 'passes' },
  { name: M.tcpTransferFailed, failures: 'passes' },
  { name: M.connectionSuccess, failures: 'misses' },
  { name: M.messageDelivery, failures: 'misses' },
];

/** One window of the run: `t` its end in seconds since the run started, failed of total. */
export interface FailureSecond { t: number; failed: number; total: number }

/** The failure series of a run: every failure-rate metric's per-second points, summed by window. */
export function failureSeries(series: Readonly<Record<string, readonly SeriesPoint[]>>): FailureSecond[] {
  const byT = new Map<number, FailureSecond>();
  for (const { name, failures } of FAILURE_RATES) {
    for (const p of series[name] ?? []) {
      const s = byT.get(p.t) ?? { t: p.t, failed: 0, total: 0 };
      s.failed += failures === 'passes' ? p.passes ?? 0 : p.count - (p.passes ?? 0);
      s.total += p.count;
      byT.set(p.t, s);
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

export interface FaultWindow {
  gap: { from: number; to: number } | null;
  failedDuringFault: number;
  recoverySeconds: number | null;
}

/**
 * Gap and recovery of a fault injected at `injectedAt` (seconds). Windows ending after the
 * injection count. Recovery ends with the last window whose error rate is not Good, provided a
 * window with requests follows it (else the run never saw the system recover: null). A window
 * with no completed requests judges nothing either way.
 */
export function faultWindow(points: readonly FailureSecond[], injectedAt: number, goodRate = GOOD_ERROR_RATE): FaultWindow {
  const after = points.filter((p) => p.t > injectedAt);
  const bad = (p: FailureSecond): boolean => p.total > 0 && p.failed / p.total >= goodRate;
  let lastBad = -1;
  after.forEach((p, i) => { if (bad(p)) lastBad = i; });
  if (lastBad === -1) return { gap: null, failedDuringFault: 0, recoverySeconds: 0 };

  const recovered = after.slice(lastBad + 1).some((p) => p.total > 0);
  const during = recovered ? after.slice(0, lastBad + 1) : after;
  const failedIdx = during.findIndex((p) => p.failed > 0);
  const lastFailed = during.findLastIndex((p) => p.failed > 0);
  const windowStart = (i: number): number => {
    const idx = points.indexOf(during[i]!);
    return Math.max(injectedAt, idx > 0 ? points[idx - 1]!.t : during[i]!.t - 1);
  };
  return {
    gap: { from: windowStart(failedIdx), to: during[lastFailed]!.t },
    failedDuringFault: during.reduce((n, p) => n + p.failed, 0),
    recoverySeconds: recovered ? after[lastBad]!.t - injectedAt : null,
  };
}

/**
 * The RunResult's fault records, and the fault metrics thresholds judge, recorded into the
 * aggregate's totals (not its series) so `evaluate` sees them:
 *   fault_recovery            one sample per recovered fault, ms from injection to recovery
 *   fault_recovered           rate: the error rate came back under Good and every watched gauge came back
 *   fault_observed_recovery   per watched gauge (tag `observation`), ms from the component back to the gauge back
 */
export function concludeFaults(drafts: readonly FaultDraft[], aggregate: MetricsAggregate): FaultRecord[] {
  const points = failureSeries(aggregate.series());
  const recorder = new MetricsRegistry();
  const records = drafts.map((d): FaultRecord => {
    const base: FaultRecord = {
      action: d.fault.action,
      component: d.fault.component,
      replica: d.fault.replica,
      at: d.fault.at / 1000,
      injectedAt: d.injectedAt,
      failedDuringFault: 0,
      recoverySeconds: null,
    };
    if (d.fault.action === 'restart') base.componentBackAt = d.componentBackAt;
    if (Object.keys(d.observations).length > 0) base.observations = { ...d.observations };
    if (d.error !== undefined) base.error = d.error;
    if (d.injectedAt === null) return base;

    const w = faultWindow(points, d.injectedAt);
    const record = { ...base, gap: w.gap, failedDuringFault: w.failedDuringFault, recoverySeconds: w.recoverySeconds };
    if (w.recoverySeconds !== null) recorder.trend(M.faultRecovery, { component: d.fault.component, action: d.fault.action }).add(w.recoverySeconds * 1000);
    recorder.rate(M.faultRecovered, { component: d.fault.component, action: d.fault.action }).add(w.recoverySeconds !== null && d.notBack.length === 0);
    for (const o of d.fault.observe) {
      const as = o.as ?? o.metric;
      const seconds = d.observations[`${as}BackSeconds`];
      if (seconds !== undefined) recorder.trend(M.faultObservedRecovery, { component: d.fault.component, observation: as }).add(seconds * 1000);
    }
    return record;
  });
  aggregate.ingest(recorder.drain());
  return records;
}
