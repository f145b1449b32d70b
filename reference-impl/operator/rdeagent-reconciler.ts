/**
 * Reconciles one RDEAgent: brings its Deployment and Service to what desired-objects.ts says,
 * applies the TTL (replicas 0 once idle), and writes status (phase, Ready condition). Level-based
 * and idempotent: it reads everything from the caches each time, writes only what differs, and
 * is safe to run again at any moment. An odd but valid agent ends in a status, never in a throw
 * loop; only API failures throw (and are retried with backoff by the controller).
 */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import type { Clock } from './clock.ts';
import { childName, desiredDeployment, desiredService, SPEC_HASH_ANNOTATION, type ChildSettings } from './desired-objects.ts';
import type { OperatorCache, OperatorWriter } from './operator-api.ts';
import { splitKey, type Condition, type RDEAgent, type RDEAgentPhase, type RDEAgentStatus } from './rdeagent.ts';
import { parseTtl, ttlState, type TtlState } from './ttl.ts';

export interface ReconcileResult {
  /** reconcile this agent again after this long (its TTL deadline), as controller-runtime's RequeueAfter */
  requeueAfterMs?: number;
}

export interface ReconcilerSettings extends ChildSettings {
  /** TTL checks are spread over this window by a hash of the agent's key (the seed uses 60 s) */
  ttlStaggerWindowMs: number;
}

/** How soon an agent whose child name is taken by an object it does not own is looked at again. */
const CHILD_CONFLICT_RETRY_MS = 10_000;

export class RDEAgentReconciler {
  constructor(
    private readonly cache: OperatorCache,
    private readonly writer: OperatorWriter,
    private readonly clock: Clock,
    private readonly settings: ReconcilerSettings,
  ) {}

  /** Reconciles the agent with this namespace/name key. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const agent = this.cache.getAgent(namespace, name);
    // gone: its children carry ownerReferences, so the garbage collector removes them
    if (!agent || agent.metadata.deletionTimestamp) return {};

    const problem = specProblem(agent);
    if (problem) {
      await this.writeStatus(agent, 'Failed', { status: 'False', reason: 'InvalidSpec', message: problem }, undefined, undefined);
      return {};
    }

    const now = this.clock.now();
    const ttl = ttlState(agent, key, now, this.settings.ttlStaggerWindowMs);
    const replicas = ttl.kind === 'idle' ? 0 : 1;
    const childKey = childName(name);

    const existing = this.cache.getDeployment(namespace, childKey);
    const existingService = this.cache.getService(namespace, childKey);
    for (const child of [existing, existingService]) {
      if (child && !controlledBy(child, agent)) {
        const message = `${child.kind ?? 'object'} ${namespace}/${childKey} exists and is not owned by this RDEAgent; delete or rename it`;
        await this.writeStatus(agent, 'Failed', { status: 'False', reason: 'ChildConflict', message }, existing, ttl);
        return { requeueAfterMs: CHILD_CONFLICT_RETRY_MS };
      }
    }

    const deployment = desiredDeployment(agent, replicas, this.settings);
    if (!existing) await this.writer.createDeployment(namespace, deployment);
    else if (hashOf(existing) !== hashOf(deployment)) {
      await this.writer.patchDeployment(namespace, childKey, { metadata: { labels: deployment.metadata!.labels, annotations: deployment.metadata!.annotations }, spec: deployment.spec });
    }

    const service = desiredService(agent);
    if (!existingService) await this.writer.createService(namespace, service);
    else if (hashOf(existingService) !== hashOf(service)) {
      await this.writer.patchService(namespace, childKey, { metadata: { labels: service.metadata!.labels, annotations: service.metadata!.annotations }, spec: service.spec });
    }

    // a Deployment we just wrote is judged on the next event, when the cache has caught up
    const settled = existing && hashOf(existing) === hashOf(deployment) ? existing : undefined;
    const [phase, ready] = readiness(replicas, settled, ttl);
    await this.writeStatus(agent, phase, ready, settled, ttl);

    return ttl.kind === 'active' ? { requeueAfterMs: Math.max(1, ttl.deadline - now) } : {};
  }

  private async writeStatus(agent: RDEAgent, phase: RDEAgentPhase, ready: Omit<Condition, 'type' | 'lastTransitionTime'>, deployment: V1Deployment | undefined, ttl: TtlState | undefined): Promise<void> {
    const previous = agent.status ?? {};
    const before = previous.conditions?.find((c) => c.type === 'Ready');
    const generation = agent.metadata.generation;
    const condition: Condition = {
      type: 'Ready',
      ...ready,
      lastTransitionTime: before && before.status === ready.status ? before.lastTransitionTime : new Date(this.clock.now()).toISOString(),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
    const status: RDEAgentStatus = {
      phase,
      conditions: [...(previous.conditions ?? []).filter((c) => c.type !== 'Ready'), condition],
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      readyReplicas: deployment?.status?.readyReplicas ?? 0,
      deployment: childName(agent.metadata.name!),
      ...(ttl && (ttl.kind === 'active' || ttl.kind === 'idle') ? { lastActivityTime: new Date(ttl.lastActivity).toISOString() } : {}),
    };
    if (sameStatus(previous, status)) return;
    await this.writer.patchAgentStatus(agent.metadata.namespace ?? '', agent.metadata.name!, status);
  }
}

function readiness(replicas: number, deployment: V1Deployment | undefined, ttl: TtlState): [RDEAgentPhase, Omit<Condition, 'type' | 'lastTransitionTime'>] {
  if (replicas === 0) return ['ScaledDown', { status: 'False', reason: 'Idle', message: `idle past spec.ttl since ${ttl.kind === 'idle' ? new Date(ttl.lastActivity).toISOString() : '?'}; scaled to 0 until new activity` }];
  if (!deployment) return ['Pending', { status: 'False', reason: 'Creating', message: 'Deployment written; waiting for it to become available' }];
  const current = (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  if (current && (deployment.status?.availableReplicas ?? 0) >= 1) return ['Running', { status: 'True', reason: 'Available', message: 'the agent pod is available' }];
  return ['Pending', { status: 'False', reason: 'Progressing', message: 'waiting for the agent pod to become available' }];
}

/** Why the spec cannot be acted on, or undefined. The CRD schema rejects most of this; a server that skips validation must not make us crash. */
export function specProblem(agent: RDEAgent): string | undefined {
  const spec = agent.spec as unknown;
  if (typeof spec !== 'object' || spec === null) return 'spec is missing';
  const s = spec as Record<string, unknown>;
  const missing = ['owner', 'serverUrl', 'authSecret', 'workloadImage'].filter((f) => typeof s[f] !== 'string' || (s[f] as string).trim() === '');
  if (missing.length > 0) return `spec.${missing.join(', spec.')} must be a non-empty string`;
  if (s.localTarget !== undefined && typeof s.localTarget !== 'string') return 'spec.localTarget must be a host:port string';
  if (s.ttl !== undefined && typeof s.ttl !== 'string') return 'spec.ttl must be a duration string such as "30m" or "0"';
  const ttl = parseTtl(s.ttl as string | undefined);
  return ttl.kind === 'invalid' ? ttl.message : undefined;
}

function controlledBy(child: V1Deployment | V1Service, agent: RDEAgent): boolean {
  return (child.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === agent.metadata.uid);
}

function hashOf(obj: V1Deployment | V1Service): string | undefined {
  return obj.metadata?.annotations?.[SPEC_HASH_ANNOTATION];
}

function sameStatus(a: RDEAgentStatus, b: RDEAgentStatus): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(s: RDEAgentStatus): unknown {
  const conditions = [...(s.conditions ?? [])].sort((x, y) => x.type.localeCompare(y.type)).map((c) => Object.fromEntries(Object.entries(c).sort()));
  return Object.fromEntries(Object.entries({ ...s, conditions }).sort());
}
