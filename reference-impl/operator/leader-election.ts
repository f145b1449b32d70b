/**
 * Leader election on a coordination.k8s.io Lease, with client-go's semantics:
 * - a candidate tries every RetryPeriod (jittered up to 1.2x more) to take the Lease; it may when
 *   the Lease is missing, has no holder, or has not changed for LeaseDuration as *this* process
 *   observed it (local time since it last saw the record change, so clock skew between nodes does
 *   not matter);
 * - writes carry the resourceVersion they read, so of two candidates one wins and one gets 409;
 * - the leader renews every RetryPeriod; a round that cannot renew within RenewDeadline loses
 *   leadership (onStoppedLeading), so a partitioned leader stops before a new one can start;
 * - on a graceful stop the leader releases the Lease (empty holder), so a follower takes over at
 *   its next retry instead of after a whole LeaseDuration.
 * Departure: client-go's users exit the process when leadership is lost; this elector stops the
 * leader's work (the callback awaits it) and becomes a candidate again.
 */
import type { V1Lease } from '@kubernetes/client-node';
import { sleep, type Clock } from './clock.ts';
import { isNotFound, type LeaseApi } from './operator-api.ts';

export interface LeaderElectionConfig {
  lease: LeaseApi;
  namespace: string;
  name: string;
  /** this candidate's identity, unique per process (e.g. hostname_uuid) */
  identity: string;
  /** default 15 s */
  leaseDurationMs?: number;
  /** default 10 s */
  renewDeadlineMs?: number;
  /** default 2 s */
  retryPeriodMs?: number;
  clock: Clock;
  /** in [0, 1); default Math.random */
  random?: () => number;
  onStartedLeading(): void | Promise<void>;
  /** awaited before the elector campaigns again */
  onStoppedLeading(): void | Promise<void>;
  onError?(err: unknown): void;
}

export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** client-go's JitterFactor: candidates wait RetryPeriod * (1 + up to 1.2) between tries */
const JITTER_FACTOR = 1.2;

/** Checks client-go's constraints: LeaseDuration > RenewDeadline > JitterFactor * RetryPeriod > 0. */
export function leaderElectionProblem(leaseMs: number, renewMs: number, retryMs: number): string | undefined {
  if (!(retryMs > 0)) return 'leader election retry period must be greater than 0';
  if (!(leaseMs > renewMs)) return `leader election lease duration (${leaseMs} ms) must be greater than the renew deadline (${renewMs} ms)`;
  if (!(renewMs > JITTER_FACTOR * retryMs)) return `leader election renew deadline (${renewMs} ms) must be greater than ${JITTER_FACTOR} x the retry period (${retryMs} ms)`;
  return undefined;
}

export class LeaderElector {
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly random: () => number;
  private observedRecord = '';
  private observedTime = 0;
  private observedLease: V1Lease | undefined;
  private leading = false;

  constructor(private readonly config: LeaderElectionConfig) {
    this.leaseMs = config.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.renewMs = config.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.retryMs = config.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    this.random = config.random ?? Math.random;
    const problem = leaderElectionProblem(this.leaseMs, this.renewMs, this.retryMs);
    if (problem) throw new RangeError(problem);
  }

  get isLeader(): boolean { return this.leading; }

  /** the holder this candidate last saw on the Lease ('' when none) */
  get observedHolder(): string { return this.observedLease?.spec?.holderIdentity ?? ''; }

  /** Campaigns, leads, and campaigns again after a loss, until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) return;
      this.leading = true;
      await this.config.onStartedLeading();
      await this.renewWhileLeading(signal);
      this.leading = false;
      await this.config.onStoppedLeading();
    }
  }

  /** Gives the Lease up if this candidate holds it, so another takes over at once. */
  async release(): Promise<void> {
    if (!this.observedLease || this.observedHolder !== this.config.identity) return;
    const now = microTime(this.config.clock.now());
    const released: V1Lease = {
      ...this.observedLease,
      spec: { ...this.observedLease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now as never, renewTime: now as never },
    };
    try {
      this.remember(await this.config.lease.replace(this.config.namespace, this.config.name, released));
    } catch (err) {
      this.config.onError?.(err);
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await sleep(this.config.clock, this.retryMs * (1 + this.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /** Renews every RetryPeriod; returns when a round fails to renew within RenewDeadline, or on abort. */
  private async renewWhileLeading(signal: AbortSignal): Promise<void> {
    const { clock } = this.config;
    while (!signal.aborted) {
      await sleep(clock, this.retryMs, signal);
      if (signal.aborted) return;
      const deadline = clock.now() + this.renewMs;
      let renewed = false;
      while (!renewed && !signal.aborted && clock.now() < deadline) {
        renewed = await this.withDeadline(this.tryAcquireOrRenew(), deadline);
        if (!renewed && clock.now() + this.retryMs < deadline) await sleep(clock, this.retryMs, signal);
        else if (!renewed) break;
      }
      if (!renewed && !signal.aborted) return;
    }
  }

  /** One attempt: take or renew the Lease; false when another holds it or the API fails. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { lease: api, namespace, name, identity, clock } = this.config;
    const now = clock.now();
    const record = (acquireTime: string, transitions: number): NonNullable<V1Lease['spec']> => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      acquireTime: acquireTime as never,
      renewTime: microTime(now) as never,
      leaseTransitions: transitions,
    });
    try {
      const current = await api.get(namespace, name);
      if (!current) {
        this.remember(await api.create(namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: record(microTime(now), 0) }));
        return true;
      }
      const spec = current.spec ?? {};
      const key = recordKey(current);
      if (key !== this.observedRecord) {
        this.observedRecord = key;
        this.observedTime = clock.now();
      }
      this.observedLease = current;
      const holder = spec.holderIdentity ?? '';
      const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.leaseMs / 1000)) * 1000;
      if (holder !== '' && holder !== identity && this.observedTime + durationMs > now) return false;
      const mine = holder === identity;
      const next: V1Lease = {
        ...current,
        spec: record(mine && spec.acquireTime ? String(asIso(spec.acquireTime)) : microTime(now), (spec.leaseTransitions ?? 0) + (mine ? 0 : 1)),
      };
      this.remember(await api.replace(namespace, name, next));
      return true;
    } catch (err) {
      if (!isNotFound(err)) this.config.onError?.(err);
      return false;
    }
  }

  private remember(lease: V1Lease): void {
    this.observedLease = lease;
    this.observedRecord = recordKey(lease);
    this.observedTime = this.config.clock.now();
  }

  /** The attempt's result, or false if the deadline passes first (a hung API call). */
  private withDeadline(attempt: Promise<boolean>, deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = this.config.clock.setTimer(deadline - this.config.clock.now(), () => resolve(false));
      attempt.then((ok) => { cancel(); resolve(ok); }, () => { cancel(); resolve(false); });
    });
  }
}

function recordKey(lease: V1Lease): string {
  const s = lease.spec ?? {};
  return JSON.stringify([s.holderIdentity ?? '', asIso(s.renewTime), asIso(s.acquireTime), s.leaseTransitions ?? 0, s.leaseDurationSeconds ?? 0]);
}

function asIso(t: unknown): string {
  return t instanceof Date ? t.toISOString() : String(t ?? '');
}

/** A metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
