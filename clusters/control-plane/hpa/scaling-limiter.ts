/**
 * What turns a metric's proposal into the replicas an HPA sets, as kube-controller-manager's
 * behavior path does, for one HPA (its memory of recent recommendations and scale events):
 *  1. stabilization: the proposal may go up only as far as the lowest proposal of the last
 *     scaleUp.stabilizationWindowSeconds, and down only as far as the highest of the last
 *     scaleDown.stabilizationWindowSeconds. The first time, the current count is remembered as a
 *     proposal, so a fresh controller does not scale down before a whole down window has passed.
 *  2. rate: each policy allows, from the replicas at the start of its period (now minus
 *     periodSeconds, undoing the scale events since), +value pods or +value% (rounded up) going
 *     up, -value pods or -value% (rounded down) going down; selectPolicy Max takes the policy
 *     allowing the most change, Min the least, Disabled none. Then min/maxReplicas bound it.
 * Times are milliseconds from an injected clock, so this is tested without waiting.
 */
import type { Behavior, ScalingRules } from './hpa-spec.ts';

interface Recommendation { replicas: number; at: number }
interface ScaleEvent { change: number; at: number }

export interface Normalized {
  replicas: number;
  /** the stabilized recommendation, before the rate policies and bounds */
  stabilized: number;
  /** AbleToScale's reason and message */
  stabilization: { reason: string; message: string };
  /** ScalingLimited: whether policies or bounds changed the stabilized count, why */
  limited: { limited: boolean; reason: string; message: string };
}

export class ScalingLimiter {
  private recommendations: Recommendation[] = [];
  private upEvents: ScaleEvent[] = [];
  private downEvents: ScaleEvent[] = [];

  /** The replicas to set now for a proposal of `proposed`, with the target at `current`. Remembers the proposal. */
  normalize(now: number, current: number, proposed: number, minReplicas: number, maxReplicas: number, behavior: Behavior): Normalized {
    const upWindow = behavior.scaleUp.stabilizationWindowSeconds * 1000;
    const downWindow = behavior.scaleDown.stabilizationWindowSeconds * 1000;
    if (this.recommendations.length === 0 && downWindow > 0) this.recommendations.push({ replicas: current, at: now });

    let up = proposed;
    let down = proposed;
    for (const r of this.recommendations) {
      if (r.at > now - upWindow) up = Math.min(up, r.replicas);
      if (r.at > now - downWindow) down = Math.max(down, r.replicas);
    }
    const stabilized = Math.min(Math.max(current, up), down);
    const keep = Math.max(upWindow, downWindow);
    this.recommendations = this.recommendations.filter((r) => r.at > now - keep);
    this.recommendations.push({ replicas: proposed, at: now });

    const stabilization = stabilized === proposed
      ? { reason: 'ReadyForNewScale', message: 'recommended size matches current size' }
      : stabilized < proposed
        ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };

    const { replicas, reason, message } = this.rateLimited(now, current, stabilized, minReplicas, maxReplicas, behavior);
    return { replicas, stabilized, stabilization, limited: { limited: replicas !== stabilized, reason, message } };
  }

  /** Remembers that the target was scaled from `from` to `to` at `now`, for the policies' periods. */
  recordScale(now: number, from: number, to: number, behavior: Behavior): void {
    if (to > from) this.upEvents = [...pruned(this.upEvents, now, behavior.scaleUp), { change: to - from, at: now }];
    if (to < from) this.downEvents = [...pruned(this.downEvents, now, behavior.scaleDown), { change: from - to, at: now }];
  }

  private rateLimited(now: number, current: number, desired: number, min: number, max: number, behavior: Behavior): { replicas: number; reason: string; message: string } {
    if (desired > current) {
      const limit = Math.max(current, this.limit(now, current, behavior.scaleUp, 'up'));
      if (max > limit) {
        if (desired > limit) return { replicas: limit, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
      } else if (desired > max) {
        return { replicas: max, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
      }
    } else if (desired < current) {
      const limit = Math.min(current, this.limit(now, current, behavior.scaleDown, 'down'));
      if (min < limit) {
        if (desired < limit) return { replicas: limit, reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
      } else if (desired < min) {
        return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
      }
    }
    return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
  }

  /** The furthest the policies let the count go in one direction now. */
  private limit(now: number, current: number, rules: ScalingRules, direction: 'up' | 'down'): number {
    if (rules.selectPolicy === 'Disabled') return current;
    // Max picks the policy that allows the biggest change: the highest limit up, the lowest down
    const mostChange = rules.selectPolicy === 'Max';
    let result = direction === 'up' ? (mostChange ? -Infinity : Infinity) : (mostChange ? Infinity : -Infinity);
    for (const p of rules.policies) {
      const since = now - p.periodSeconds * 1000;
      const added = sumSince(this.upEvents, since);
      const deleted = sumSince(this.downEvents, since);
      const periodStart = current - added + deleted;
      const proposed = direction === 'up'
        ? (p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100)))
        : (p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100)));
      const pickHigher = (direction === 'up') === mostChange;
      result = pickHigher ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return Number.isFinite(result) ? result : current;
  }
}

function sumSince(events: readonly ScaleEvent[], since: number): number {
  return events.reduce((sum, e) => (e.at > since ? sum + e.change : sum), 0);
}

/** Events still inside the longest policy period of their direction. */
function pruned(events: readonly ScaleEvent[], now: number, rules: ScalingRules): ScaleEvent[] {
  const longest = Math.max(0, ...rules.policies.map((p) => p.periodSeconds)) * 1000;
  return events.filter((e) => e.at > now - longest);
}
