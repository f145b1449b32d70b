/**
 * The replica count one Resource metric asks for, as Kubernetes' replica calculator computes it:
 *
 *   ratio = current / target   (utilization: sum of usage over sum of requests, in % of requests;
 *                               average value: usage per pod)
 *   desired = ceil(ratio x pods with a metric), unless |1 - ratio| is within the tolerance
 *
 * Pods being deleted or finished are ignored. For CPU, pods that are not Ready are left out of the
 * first ratio. When pods lack a metric (or unready pods were left out and the ratio says scale up),
 * the ratio is computed again assuming the worst case for the direction: on scale down a missing
 * pod uses 100% of its request (or the target, if higher), on scale up it and every unready pod
 * use nothing. If that second ratio is within the tolerance or points the other way, nothing changes.
 */
import type { ResourceMetric } from './hpa-spec.ts';

export interface PodSample {
  name: string;
  ready: boolean;
  /** being deleted, Failed or Succeeded: not counted at all */
  ignored: boolean;
  /** sum of the containers' requests for the resource (cores or bytes); undefined if a container has none */
  request: number | undefined;
  /** the pod's usage (cores or bytes) from the metrics source; undefined if there is none yet */
  usage: number | undefined;
}

export interface Tolerance { up: number; down: number }

export type MetricProposal =
  | { ok: true; replicas: number; /** % of requests, for Utilization targets */ utilization?: number; /** usage per pod with a metric */ averageValue: number }
  | { ok: false; reason: 'FailedGetResourceMetric'; message: string };

/** The replicas `metric` asks for, given the target's current replicas and its pods. */
export function resourceReplicas(metric: ResourceMetric, currentReplicas: number, pods: readonly PodSample[], tolerance: Tolerance): MetricProposal {
  const counted = pods.filter((p) => !p.ignored);
  const withMetric = counted.filter((p) => p.usage !== undefined);
  if (withMetric.length === 0) {
    return { ok: false, reason: 'FailedGetResourceMetric', message: `unable to get metrics for resource ${metric.name}: no metrics returned from the pods of the target (${counted.length} pods)` };
  }
  const unready = metric.name === 'cpu' ? withMetric.filter((p) => !p.ready) : [];
  const missing = counted.filter((p) => p.usage === undefined);
  const ready = withMetric.filter((p) => !unready.includes(p));
  if (ready.length === 0) {
    return { ok: false, reason: 'FailedGetResourceMetric', message: `unable to get metrics for resource ${metric.name}: no Ready pod of the target has a metric yet` };
  }
  const utilizationTarget = metric.target.type === 'Utilization' ? metric.target.averageUtilization : undefined;
  if (utilizationTarget !== undefined) {
    const noRequest = [...ready, ...unready, ...missing].find((p) => p.request === undefined || p.request <= 0);
    if (noRequest) return { ok: false, reason: 'FailedGetResourceMetric', message: `missing request for ${metric.name} in a container of pod ${noRequest.name}` };
  }

  // ratio of current to target over a set of (usage, request) pairs
  const ratioOf = (samples: { usage: number; request: number }[]): { ratio: number; utilization?: number; average: number } => {
    const usage = samples.reduce((a, s) => a + s.usage, 0);
    const average = samples.length > 0 ? usage / samples.length : 0;
    if (utilizationTarget !== undefined) {
      const requests = samples.reduce((a, s) => a + s.request, 0);
      const utilization = requests > 0 ? (usage / requests) * 100 : 0;
      return { ratio: utilization / utilizationTarget, utilization, average };
    }
    return { ratio: average / (metric.target as { averageValue: number }).averageValue, average };
  };
  const within = (ratio: number) => ratio >= 1 - tolerance.down && ratio <= 1 + tolerance.up;
  const sample = (p: PodSample, usage = p.usage!) => ({ usage, request: p.request ?? 0 });

  const first = ratioOf(ready.map((p) => sample(p)));
  const reported = { ...(first.utilization !== undefined ? { utilization: first.utilization } : {}), averageValue: first.average };
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (within(first.ratio)) return { ok: true, replicas: currentReplicas, ...reported };
    return { ok: true, replicas: Math.ceil(first.ratio * ready.length), ...reported };
  }

  const assumed = [...ready.map((p) => sample(p))];
  for (const p of missing) {
    // scale down: a pod we cannot see might be busy; scale up: it might be idle
    const busy = utilizationTarget !== undefined ? p.request! * Math.max(100, utilizationTarget) / 100 : (metric.target as { averageValue: number }).averageValue;
    assumed.push(sample(p, first.ratio < 1 ? busy : 0));
  }
  if (scaleUpWithUnready) for (const p of unready) assumed.push(sample(p, 0));
  const second = ratioOf(assumed).ratio;
  if (within(second) || (first.ratio > 1 && second < 1) || (first.ratio < 1 && second > 1)) return { ok: true, replicas: currentReplicas, ...reported };
  const replicas = Math.ceil(second * assumed.length);
  if ((second < 1 && replicas > currentReplicas) || (second > 1 && replicas < currentReplicas)) return { ok: true, replicas: currentReplicas, ...reported };
  return { ok: true, replicas, ...reported };
}
