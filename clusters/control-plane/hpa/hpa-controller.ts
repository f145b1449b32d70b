/**
 * The HorizontalPodAutoscaler controller, as kube-controller-manager runs it: every sync period,
 * for each autoscaling/v2 HPA, read the target's `scale` subresource (replicas and pod selector),
 * the pods' usage from a PodMetricsSource, ask each metric for a replica count
 * (replica-calculator.ts) and take the largest, stabilize and rate-limit it (scaling-limiter.ts),
 * write the target's scale when it changes, and write the HPA's status (currentReplicas,
 * desiredReplicas, currentMetrics, lastScaleTime, the AbleToScale / ScalingActive /
 * ScalingLimited conditions). A target below minReplicas or above maxReplicas is brought within
 * them; a target scaled to 0 is left alone (ScalingDisabled). If some metrics cannot be read, the
 * others may scale up but never down. The clock is injected so tests drive `syncAll` themselves.
 */
import { parseBytes, parseCpu } from '../../../harness/plan/units.ts';
import { kindKeyOf, type KubeObject, type ObjectStore } from '../object-store.ts';
import type { ResourceApi } from '../resource-api.ts';
import { BUILTIN_TYPES, type ResourceRegistry, type ResourceType } from '../resource-registry.ts';
import { parseLabelSelector } from '../selectors.ts';
import { DEFAULT_HPA_SETTINGS, readHpaSpec, type HpaDefaults, type HpaSpec, type ResourceMetric, type ResourceName } from './hpa-spec.ts';
import type { PodMetricsSource } from './pod-metrics-source.ts';
import { resourceReplicas, type PodSample } from './replica-calculator.ts';
import { ScalingLimiter } from './scaling-limiter.ts';

const HPAS = BUILTIN_TYPES.find((t) => t.group === 'autoscaling' && t.plural === 'horizontalpodautoscalers')!;
const HPAS_KEY = kindKeyOf('autoscaling', 'horizontalpodautoscalers');
const PODS_KEY = kindKeyOf('', 'pods');

export interface HpaControllerOptions extends Partial<HpaDefaults> {
  /** --horizontal-pod-autoscaler-sync-period; default 15 s */
  syncPeriodMs?: number;
  /** milliseconds since the epoch; default Date.now */
  clock?: () => number;
  log?: (line: string) => void;
}

interface Condition { type: string; status: 'True' | 'False'; reason: string; message: string; lastTransitionTime?: string }

export class HpaController {
  private readonly limiters = new Map<string, ScalingLimiter>();
  private readonly clock: () => number;
  private readonly settings: HpaDefaults;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: ObjectStore, private readonly api: ResourceApi, private readonly registry: ResourceRegistry,
    private readonly metrics: PodMetricsSource, private readonly options: HpaControllerOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.settings = { tolerance: options.tolerance ?? DEFAULT_HPA_SETTINGS.tolerance, downscaleStabilizationSeconds: options.downscaleStabilizationSeconds ?? DEFAULT_HPA_SETTINGS.downscaleStabilizationSeconds };
    this.log = options.log ?? (() => {});
  }

  /** Syncs every HPA once per sync period. */
  start(): void {
    this.timer = setInterval(() => this.syncAll(), this.options.syncPeriodMs ?? 15_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over every HPA. */
  syncAll(): void {
    const live = new Set<string>();
    for (const hpa of this.store.list(HPAS_KEY)) {
      const key = `${hpa.metadata.namespace}/${hpa.metadata.name}/${hpa.metadata.uid}`;
      live.add(key);
      try { this.reconcile(hpa, key); } catch (err) { this.log(`hpa-controller: ${hpa.metadata.namespace}/${hpa.metadata.name}: ${(err as Error).message}`); }
    }
    for (const key of this.limiters.keys()) if (!live.has(key)) this.limiters.delete(key);
  }

  private reconcile(hpa: KubeObject, key: string): void {
    if (hpa.metadata.deletionTimestamp !== undefined) return;
    const now = this.clock();
    const namespace = hpa.metadata.namespace!;
    const previous = (hpa.status ?? {}) as { currentReplicas?: number; desiredReplicas?: number; lastScaleTime?: string; conditions?: Condition[]; currentMetrics?: unknown[] };
    const write = (status: Record<string, unknown>, conditions: Condition[]) => this.writeStatus(hpa, previous, { ...status, conditions }, now);
    let spec: HpaSpec;
    try {
      spec = readHpaSpec(hpa.spec, this.settings);
    } catch (err) {
      write({ currentReplicas: previous.currentReplicas ?? 0, desiredReplicas: previous.desiredReplicas ?? 0 },
        [condition('AbleToScale', false, 'FailedGetScale', `the HPA's spec is invalid: ${(err as Error).message}`)]);
      return;
    }
    const targetType = this.scalable(spec.target);
    let scale: KubeObject;
    try {
      if (targetType === undefined) throw new Error(`${spec.target.apiVersion} ${spec.target.kind} is not served with a scale subresource`);
      scale = this.api.getScale(targetType, namespace, spec.target.name);
    } catch (err) {
      write({ currentReplicas: previous.currentReplicas ?? 0, desiredReplicas: previous.desiredReplicas ?? 0 },
        [condition('AbleToScale', false, 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${(err as Error).message}`)]);
      return;
    }
    const specReplicas = (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0;
    const statusReplicas = (scale.status as { replicas?: number } | undefined)?.replicas ?? 0;
    const selector = (scale.status as { selector?: string } | undefined)?.selector;
    const limiter = this.limiters.get(key) ?? new ScalingLimiter();
    this.limiters.set(key, limiter);

    let desired: number;
    const conditions: Condition[] = [];
    const currentMetrics: unknown[] = [];
    if (specReplicas === 0 && spec.minReplicas !== 0) {
      desired = 0;
      conditions.push(condition('AbleToScale', true, 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale'),
        condition('ScalingActive', false, 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero'));
    } else if (specReplicas > spec.maxReplicas || specReplicas < spec.minReplicas) {
      desired = specReplicas > spec.maxReplicas ? spec.maxReplicas : spec.minReplicas;
      conditions.push(condition('AbleToScale', true, 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale'),
        condition('ScalingActive', true, 'ValidMetricFound', 'the HPA brings the target within minReplicas and maxReplicas before reading metrics'),
        condition('ScalingLimited', true, desired === spec.maxReplicas ? 'TooManyReplicas' : 'TooFewReplicas', `the replica count was ${specReplicas}, outside ${spec.minReplicas}-${spec.maxReplicas}`));
    } else {
      if (!selector) {
        write({ currentReplicas: statusReplicas, desiredReplicas: previous.desiredReplicas ?? specReplicas },
          [condition('AbleToScale', true, 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale'),
            condition('ScalingActive', false, 'InvalidSelector', 'the target\'s scale has no status.selector yet (no pods selected)')]);
        return;
      }
      const match = parseLabelSelector(selector);
      const pods = this.store.list(PODS_KEY, namespace).filter((p) => match(p));
      let proposal = -1;
      let chosen: ResourceMetric | undefined;
      const failures = [...spec.unsupported];
      for (const metric of spec.metrics) {
        const tolerance = { up: spec.behavior.scaleUp.tolerance, down: spec.behavior.scaleDown.tolerance };
        const result = resourceReplicas(metric, specReplicas, pods.map((p) => this.sample(p, metric.name)), tolerance);
        if (!result.ok) { failures.push(result.message); continue; }
        currentMetrics.push({
          type: 'Resource',
          resource: { name: metric.name, current: { ...(result.utilization !== undefined ? { averageUtilization: Math.round(result.utilization) } : {}), averageValue: quantity(metric.name, result.averageValue) } },
        });
        if (result.replicas > proposal) { proposal = result.replicas; chosen = metric; }
      }
      conditions.push(condition('AbleToScale', true, 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale'));
      if (chosen === undefined) {
        write({ currentReplicas: statusReplicas, desiredReplicas: previous.desiredReplicas ?? specReplicas, currentMetrics },
          [...conditions, condition('ScalingActive', false, 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${failures.join('; ')}`)]);
        return;
      }
      // a metric we cannot read might be the one asking for more: never scale down without it
      if (failures.length > 0 && proposal < specReplicas) proposal = specReplicas;
      const how = chosen.target.type === 'Utilization' ? `${chosen.name} resource utilization (percentage of request)` : `${chosen.name} resource`;
      conditions.push(condition('ScalingActive', true, 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${how}`));
      const normalized = limiter.normalize(now, specReplicas, proposal, spec.minReplicas, spec.maxReplicas, spec.behavior);
      desired = normalized.replicas;
      conditions[0] = condition('AbleToScale', true, normalized.stabilization.reason, normalized.stabilization.message);
      conditions.push(condition('ScalingLimited', normalized.limited.limited, normalized.limited.reason, normalized.limited.message));
    }

    let lastScaleTime = previous.lastScaleTime;
    if (desired !== specReplicas && !(specReplicas === 0 && spec.minReplicas !== 0)) {
      try {
        this.api.updateScale(targetType!, namespace, spec.target.name, (s) => ({ ...s, spec: { ...(s.spec as object), replicas: desired } }));
      } catch (err) {
        conditions[0] = condition('AbleToScale', false, 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${(err as Error).message}`);
        write({ currentReplicas: statusReplicas, desiredReplicas: desired, currentMetrics }, conditions);
        return;
      }
      limiter.recordScale(now, specReplicas, desired, spec.behavior);
      lastScaleTime = rfc3339(now);
      conditions[0] = condition('AbleToScale', true, 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      this.log(`hpa-controller: ${namespace}/${hpa.metadata.name}: scaled ${spec.target.kind}/${spec.target.name} from ${specReplicas} to ${desired}`);
    }
    write({ ...(lastScaleTime !== undefined ? { lastScaleTime } : {}), currentReplicas: statusReplicas, desiredReplicas: desired, currentMetrics }, conditions);
  }

  /** A pod as the replica calculator sees it for one resource. */
  private sample(pod: KubeObject, resource: ResourceName): PodSample {
    const status = (pod.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
    const containers = ((pod.spec as { containers?: { resources?: { requests?: Record<string, string | number> } }[] } | undefined)?.containers ?? []);
    let request: number | undefined = 0;
    for (const c of containers) {
      const raw = c.resources?.requests?.[resource];
      const value = raw === undefined ? null : resource === 'cpu' ? parseCpu(raw) : parseBytes(raw);
      if (value === null) { request = undefined; break; }
      request += value;
    }
    const usage = this.metrics.usage(pod.metadata.namespace!, pod.metadata.name!);
    return {
      name: pod.metadata.name!,
      ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      ignored: pod.metadata.deletionTimestamp !== undefined || status.phase === 'Failed' || status.phase === 'Succeeded',
      request: containers.length === 0 ? undefined : request,
      usage: usage === undefined ? undefined : resource === 'cpu' ? usage.cpuCores : usage.memoryBytes,
    };
  }

  /** The served type of a scaleTargetRef, if it has the scale subresource. */
  private scalable(ref: HpaSpec['target']): ResourceType | undefined {
    const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') as [string, string] : ['', ref.apiVersion];
    return this.registry.all().find((t) => t.group === group && t.version === version && t.kind === ref.kind && t.subresources.scale !== undefined);
  }

  /** Writes status when something but the transition times changed; a condition keeps its time unless its status flips. */
  private writeStatus(hpa: KubeObject, previous: { conditions?: Condition[] }, status: Record<string, unknown> & { conditions: Condition[] }, now: number): void {
    const conditions = status.conditions.map((c) => {
      const before = previous.conditions?.find((p) => p.type === c.type);
      return { ...c, lastTransitionTime: before?.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now) };
    });
    const next = { observedGeneration: hpa.metadata.generation, ...status, conditions };
    if (JSON.stringify(next) === JSON.stringify(hpa.status)) return;
    try {
      this.api.update(HPAS, hpa.metadata.namespace, hpa.metadata.name!, { ...hpa, status: next }, 'status');
    } catch (err) {
      this.log(`hpa-controller: ${hpa.metadata.namespace}/${hpa.metadata.name}: status not written: ${(err as Error).message}`);
    }
  }
}

function condition(type: string, ok: boolean, reason: string, message: string): Condition {
  return { type, status: ok ? 'True' : 'False', reason, message };
}

/** A Kubernetes quantity: millicores for CPU, bytes for memory. */
function quantity(resource: ResourceName, value: number): string {
  return resource === 'cpu' ? `${Math.round(value * 1000)}m` : String(Math.round(value));
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
