/**
 * An autoscaling/v2 HorizontalPodAutoscaler's spec as the controller uses it: the target, the
 * replica bounds, the Resource metrics (cpu, memory) and the behavior with the defaults the
 * apiserver and kube-controller-manager fill in:
 *   scaleUp:   no stabilization window; the larger of +4 pods and +100% per 15 s; tolerance 10%
 *   scaleDown: a 300 s window (--horizontal-pod-autoscaler-downscale-stabilization); -100% per 15 s; tolerance 10%
 * An HPA without `behavior` gets the same defaults (Kubernetes runs an older but equivalent path for it).
 */
import { parseBytes, parseCpu } from '../../../harness/plan/units.ts';

export interface ScalingPolicy { type: 'Pods' | 'Percent'; value: number; periodSeconds: number }

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
  /** the ratio's distance from 1 below which nothing changes (0.1 = 10%) */
  tolerance: number;
}

export interface Behavior { scaleUp: ScalingRules; scaleDown: ScalingRules }

export type ResourceName = 'cpu' | 'memory';

/** A Resource metric: average utilization (% of the pods' requests) or average value (cores, bytes) per pod. */
export interface ResourceMetric {
  name: ResourceName;
  target: { type: 'Utilization'; averageUtilization: number } | { type: 'AverageValue'; averageValue: number };
}

export interface HpaSpec {
  target: { apiVersion: string; kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  metrics: ResourceMetric[];
  /** metric entries this controller cannot read (Pods, Object, External, ContainerResource), as messages */
  unsupported: string[];
  behavior: Behavior;
}

/** Cluster-wide settings, as kube-controller-manager's flags. */
export interface HpaDefaults {
  /** --horizontal-pod-autoscaler-tolerance, default 0.1 */
  tolerance: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization in seconds, default 300 */
  downscaleStabilizationSeconds: number;
}

export const DEFAULT_HPA_SETTINGS: HpaDefaults = { tolerance: 0.1, downscaleStabilizationSeconds: 300 };

/** Reads an HPA's spec with defaults filled; throws an Error saying what is wrong with it. */
export function readHpaSpec(spec: unknown, defaults: HpaDefaults = DEFAULT_HPA_SETTINGS): HpaSpec {
  const s = (spec ?? {}) as {
    scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
    minReplicas?: number; maxReplicas?: number;
    metrics?: { type?: string; resource?: { name?: string; target?: { type?: string; averageUtilization?: number; averageValue?: string | number } } }[];
    behavior?: { scaleUp?: RawRules; scaleDown?: RawRules };
  };
  const ref = s.scaleTargetRef;
  if (!ref?.kind || !ref.name) throw new Error('spec.scaleTargetRef needs kind and name');
  const minReplicas = s.minReplicas ?? 1;
  const maxReplicas = s.maxReplicas;
  if (!Number.isInteger(maxReplicas) || maxReplicas! < 1) throw new Error('spec.maxReplicas must be an integer >= 1');
  if (!Number.isInteger(minReplicas) || minReplicas < 0 || minReplicas > maxReplicas!) throw new Error(`spec.minReplicas must be an integer from 0 to maxReplicas (${maxReplicas})`);
  const metrics: ResourceMetric[] = [];
  const unsupported: string[] = [];
  // no metrics at all means 80% CPU, as the apiserver's default
  const raw = s.metrics ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  raw.forEach((m, i) => {
    const name = m.resource?.name;
    const target = m.resource?.target;
    if (m.type !== 'Resource' || (name !== 'cpu' && name !== 'memory')) {
      unsupported.push(`spec.metrics[${i}]: only Resource metrics of cpu and memory are read here, not ${m.type}${name ? ` ${name}` : ''}`);
    } else if (target?.type === 'Utilization' && typeof target.averageUtilization === 'number' && target.averageUtilization > 0) {
      metrics.push({ name, target: { type: 'Utilization', averageUtilization: target.averageUtilization } });
    } else if (target?.type === 'AverageValue' && target.averageValue !== undefined) {
      const value = name === 'cpu' ? parseCpu(target.averageValue) : parseBytes(target.averageValue);
      if (value === null || value <= 0) unsupported.push(`spec.metrics[${i}]: averageValue ${JSON.stringify(target.averageValue)} is not a ${name} quantity`);
      else metrics.push({ name, target: { type: 'AverageValue', averageValue: value } });
    } else {
      unsupported.push(`spec.metrics[${i}]: target needs type Utilization with averageUtilization > 0, or AverageValue with averageValue`);
    }
  });
  return {
    target: { apiVersion: ref.apiVersion ?? 'apps/v1', kind: ref.kind, name: ref.name },
    minReplicas, maxReplicas: maxReplicas!, metrics, unsupported,
    behavior: {
      scaleUp: rules(s.behavior?.scaleUp, 'scaleUp', 0, [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }], defaults.tolerance),
      scaleDown: rules(s.behavior?.scaleDown, 'scaleDown', defaults.downscaleStabilizationSeconds, [{ type: 'Percent', value: 100, periodSeconds: 15 }], defaults.tolerance),
    },
  };
}

interface RawRules { stabilizationWindowSeconds?: number; selectPolicy?: string; policies?: { type?: string; value?: number; periodSeconds?: number }[]; tolerance?: string | number }

function rules(raw: RawRules | undefined, where: string, window: number, policies: ScalingPolicy[], tolerance: number): ScalingRules {
  const selectPolicy = raw?.selectPolicy ?? 'Max';
  if (selectPolicy !== 'Max' && selectPolicy !== 'Min' && selectPolicy !== 'Disabled') throw new Error(`spec.behavior.${where}.selectPolicy must be Max, Min or Disabled`);
  const read = (raw?.policies ?? policies).map((p, i): ScalingPolicy => {
    if ((p.type !== 'Pods' && p.type !== 'Percent') || !Number.isInteger(p.value) || p.value! <= 0 || !Number.isInteger(p.periodSeconds) || p.periodSeconds! <= 0 || p.periodSeconds! > 1800) {
      throw new Error(`spec.behavior.${where}.policies[${i}] needs type Pods or Percent, an integer value > 0 and periodSeconds from 1 to 1800`);
    }
    return { type: p.type, value: p.value!, periodSeconds: p.periodSeconds! };
  });
  const stabilization = raw?.stabilizationWindowSeconds ?? window;
  if (!Number.isInteger(stabilization) || stabilization < 0 || stabilization > 3600) throw new Error(`spec.behavior.${where}.stabilizationWindowSeconds must be an integer from 0 to 3600`);
  const tol = raw?.tolerance === undefined ? tolerance : Number(raw.tolerance);
  if (!Number.isFinite(tol) || tol < 0) throw new Error(`spec.behavior.${where}.tolerance must be a number >= 0`);
  return { stabilizationWindowSeconds: stabilization, selectPolicy, policies: read, tolerance: tol };
}
