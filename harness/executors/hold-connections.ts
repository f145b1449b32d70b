/**
 * hold-connections: opens connections through `driver.hold` and keeps a target number of them
 * open (a fixed count, or a count that follows linear stages), which is how tunnel and WebSocket
 * servers are loaded: by concurrent connections rather than by request rate. New connections,
 * reopens included, are paced at no more than connectRate. A connection that ends before the
 * executor closes it is counted (in `dropped`) and reopened, so the target keeps being held.
 *
 * Outcome fields here: `iterations` are connection attempts, `dropped` connections that ended
 * early, `interrupted` attempts still connecting when the run ended.
 */
import { z } from 'zod';
import type { Driver, HeldConnection, IterationContext } from '../drivers/driver.ts';
import { CaplabError } from '../errors.ts';
import { M } from '../metrics/metric-names.ts';
import type { CounterHandle, GaugeHandle, RateHandle, TrendHandle } from '../metrics/recorder.ts';
import { duration, rate } from '../plan/zod-units.ts';
import type { ExecutorContext, ExecutorModule, ExecutorOutcome } from './executor.ts';
import { stripeShare, subSegment, type Segment } from './segment.ts';
import { StagedCount } from './staged-count.ts';
import { VUSlots } from './vu-slots.ts';
import { waitUntil } from './wait-until.ts';

const stage = z.strictObject({
  duration: duration().describe('how long this stage takes to move from the previous target to its own'),
  target: z.number().int().min(0).describe('connections held at the end of this stage'),
});

const schema = z.strictObject({
  executor: z.literal('hold-connections').describe('opens connections and holds them: load by concurrent connections, not by request rate'),
  connections: z.number().int().min(1).optional().describe('connections to open and hold (give this or stages)'),
  stages: z.array(stage).min(1).optional().describe('connection targets reached linearly one after the other, starting from 0; ramping down closes connections (give this or connections)'),
  connectRate: rate().refine((r) => r > 0, 'connectRate must be above 0/s').default(1000).describe('most new connections opened per second, reopens included (default 1000/s)'),
  holdFor: duration().default(30_000).describe('how long to hold once `connections` are open, or after the last stage (default 30s)'),
  connectTimeout: duration().refine((ms) => ms > 0, 'connectTimeout must be longer than 0s').default(10_000).describe('an attempt not established within this counts as failed in connection_success (default 10s)'),
}).superRefine((c, ctx) => {
  if ((c.connections === undefined) === (c.stages === undefined)) {
    ctx.addIssue({ code: 'custom', path: [c.connections === undefined ? 'connections' : 'stages'], message: 'give either `connections` (a fixed count) or `stages` (a count that ramps), not both and not neither' });
  }
});

export type HoldConnectionsConfig = z.output<typeof schema> & { readonly segment?: Segment };

/** The time to open every connection at connectRate, plus one connectTimeout for the slowest. */
function rampBound(config: HoldConnectionsConfig): number {
  return (stripeShare(config.connections ?? 0, config.segment) * 1000) / config.connectRate + config.connectTimeout;
}

function countOf(config: HoldConnectionsConfig): StagedCount {
  return config.stages ? new StagedCount(0, config.stages) : new StagedCount(config.connections ?? 0, []);
}

export const holdConnections = {
  type: 'hold-connections',
  schema,
  duration: (config) => (config.stages ? countOf(config).duration : rampBound(config)) + config.holdFor,
  maxConcurrency: (config) => stripeShare(countOf(config).max, config.segment),
  shard: (config, index, count) => ({ ...config, connectRate: config.connectRate / count, segment: subSegment(config.segment, index, count) }),
  run: async (config, ctx) => new ConnectionHolder(config, ctx).run(),
} as const satisfies ExecutorModule<HoldConnectionsConfig>;

/**
 * A target set from outside (capacity-sweep's connection steps): held until stop(), never by
 * holdFor, and changed with setTarget() instead of following stages.
 */
export interface ExternalTarget {
  /** the most connections any target will ask for (sizes the VU slots) */
  readonly max: number;
}

/** A count that is whatever it was last set to, for an ExternalTarget. */
class SetCount extends StagedCount {
  value = 0;
  constructor(max: number) { super(max, []); }
  override at(): number { return this.value; }
  override nextChange(): number { return Infinity; }
}

interface Held {
  readonly connection: HeldConnection;
  readonly vu: number;
  /** position in `open`, so an early end is removed in O(1) */
  index: number;
  closing: boolean;
}

/** Opens, holds, reopens and closes connections toward a target; see the file's comment. */
export class ConnectionHolder {
  private readonly count: StagedCount;
  private readonly hold: (ctx: IterationContext) => Promise<HeldConnection>;
  private readonly slots: VUSlots;
  private readonly open: Held[] = [];
  /** attempts still connecting, by their abort controllers */
  private readonly connecting = new Set<AbortController>();
  private readonly closing = new Set<Promise<void>>();
  private readonly attemptsStarted: CounterHandle;
  private readonly connectTime: TrendHandle;
  private readonly success: RateHandle;
  private readonly openGauge: GaugeHandle;
  private readonly vusGauge: GaugeHandle;
  private wake: AbortController | null = null;
  private startAt = 0;
  private attempts = 0;
  private endedEarly = 0;
  private interrupted = 0;
  private stopped = false;
  /** whenHeld() callers, checked whenever the open count changes */
  private readonly waiters = new Set<() => void>();

  constructor(private readonly config: HoldConnectionsConfig, private readonly ctx: ExecutorContext, private readonly external?: ExternalTarget) {
    this.count = external ? new SetCount(external.max) : countOf(config);
    const hold = ctx.driver.hold;
    if (!hold) {
      throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `hold-connections needs a driver that holds connections open, and the ${driverName(ctx.driver)} driver of workload "${ctx.tags['workload'] ?? '?'}" has no hold()`, {
        hint: 'pair hold-connections with a connection driver block (ws, tunnel-tcp), or use an arrival-rate or VU executor for request drivers',
      });
    }
    this.hold = hold.bind(ctx.driver);
    this.slots = new VUSlots(0, stripeShare(this.count.max, config.segment));
    const { recorder, tags } = ctx;
    this.attemptsStarted = recorder.counter(M.iterations, tags);
    this.connectTime = recorder.trend(M.connecting, tags);
    this.success = recorder.rate(M.connectionSuccess, tags);
    this.openGauge = recorder.gauge(M.connectionsOpen, tags);
    this.vusGauge = recorder.gauge(M.vus, tags);
  }

  async run(): Promise<ExecutorOutcome> {
    const { clock, signal } = this.ctx;
    if (signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0 };
    const onAbort = (): void => this.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    this.startAt = clock.now();
    const { holdFor, connectRate } = this.config;
    const interval = 1000 / connectRate;
    const staged = this.config.stages !== undefined;
    const rampDeadline = this.external ? Infinity : this.startAt + rampBound(this.config);
    // With stages the hold starts after the last stage; with a fixed count, once it is reached;
    // with an external target, never: it holds until stop().
    let holdUntil = staged ? this.startAt + this.count.duration + holdFor : Infinity;
    let nextAttemptAt = this.startAt;
    try {
      while (!this.stopped) {
        const now = clock.now();
        const t = now - this.startAt;
        const target = stripeShare(this.count.at(t), this.config.segment);
        if (holdUntil === Infinity && !this.external && (this.open.length >= target || now >= rampDeadline)) holdUntil = now + holdFor;
        if (now >= holdUntil) break;
        while (this.open.length + this.connecting.size > target && this.open.length > 0) this.closeOne();
        let wakeAt = holdUntil === Infinity ? rampDeadline : holdUntil;
        if (staged) wakeAt = Math.min(wakeAt, this.startAt + this.count.nextChange(t));
        if (this.open.length + this.connecting.size < target) {
          if (now >= nextAttemptAt) {
            // Paced from whichever is later, the plan or now: a late controller never bursts.
            nextAttemptAt = Math.max(nextAttemptAt, now) + interval;
            this.attempt(now);
            continue;
          }
          wakeAt = Math.min(wakeAt, nextAttemptAt);
        }
        this.wake = new AbortController();
        // Nothing due (an external target, held): wait for a change, not on a timer that never fires.
        if (wakeAt === Infinity) await abortedOf(this.wake.signal);
        else await clock.sleepUntil(wakeAt, this.wake.signal);
        this.wake = null;
      }
      if (!this.stopped) {
        this.stop();
        await this.closed();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return { iterations: this.attempts, dropped: this.endedEarly, interrupted: this.interrupted };
  }

  /** Sets an external target (ExternalTarget only) and wakes the loop to open or close toward it. */
  setTarget(n: number): void {
    if (!(this.count instanceof SetCount)) throw new Error('setTarget needs a ConnectionHolder made with an ExternalTarget');
    this.count.value = Math.max(0, Math.min(this.count.max, Math.round(n)));
    this.kick();
    this.notify();
  }

  /** Connections open now. */
  get held(): number {
    return this.open.length;
  }

  /** Resolves once the target is held (or the holder stopped), or at `deadline` (clock ms), whichever is first. */
  whenHeld(deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = new AbortController();
      const done = (): void => {
        if (timer.signal.aborted) return;
        timer.abort();
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (this.stopped || this.open.length >= stripeShare(this.count.at(this.ctx.clock.now() - this.startAt), this.config.segment)) done();
      };
      this.waiters.add(check);
      check();
      if (!timer.signal.aborted) void this.ctx.clock.sleepUntil(deadline, timer.signal).then(done);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Sets the gauges to the open count again, so a steady count is in every window that asks (gauges report only when set). */
  touch(): void {
    this.openGauge.set(this.open.length);
  }

  /** What the holder did: attempts, connections that ended early, attempts cut by the stop. */
  outcome(): ExecutorOutcome {
    return { iterations: this.attempts, dropped: this.endedEarly, interrupted: this.interrupted };
  }

  private attempt(now: number): void {
    const vu = this.slots.take();
    const controller = new AbortController();
    this.connecting.add(controller);
    this.attemptsStarted.add(1);
    void this.connect({ intendedTime: now, vu, iteration: this.attempts++, signal: controller.signal }, controller);
  }

  private async connect(attempt: IterationContext, controller: AbortController): Promise<void> {
    const { clock } = this.ctx;
    let opening: Promise<HeldConnection>;
    try {
      opening = this.hold(attempt);
    } catch (error) {
      opening = Promise.reject(error);
    }
    const timer = new AbortController();
    const timedOut = clock.sleepUntil(attempt.intendedTime + this.config.connectTimeout, timer.signal).then(() => null);
    let connection: HeldConnection | null;
    try {
      connection = await Promise.race([opening, timedOut]);
    } catch {
      connection = null;
    }
    timer.abort();
    this.connecting.delete(controller);
    if (connection === null || this.stopped) {
      // Refused, too slow, or the run ended meanwhile: whatever arrives later is closed, not held.
      controller.abort();
      opening.then((late) => late.close(), () => undefined).catch(() => undefined);
      if (!this.stopped) {
        this.success.add(false);
        this.slots.give(attempt.vu);
        this.kick();
      }
      return;
    }
    this.connectTime.add(clock.now() - attempt.intendedTime);
    this.success.add(true);
    const held: Held = { connection, vu: attempt.vu, index: this.open.length, closing: false };
    this.open.push(held);
    this.openChanged();
    const ended = (): void => this.ended(held);
    connection.ended.then(ended, ended);
    this.kick();
  }

  /** The far side ended a connection the executor did not close: count it and let it be reopened. */
  private ended(held: Held): void {
    if (held.closing || this.stopped) return;
    const last = this.open.pop()!;
    if (last !== held) {
      this.open[held.index] = last;
      last.index = held.index;
    }
    this.slots.give(held.vu);
    this.endedEarly++;
    this.openChanged();
    this.kick();
  }

  private closeOne(): void {
    const held = this.open.pop()!;
    this.close(held);
    this.slots.give(held.vu);
    this.openChanged();
  }

  private close(held: Held): void {
    held.closing = true;
    const closing = held.connection.close().catch(() => undefined);
    this.closing.add(closing);
    void closing.then(() => this.closing.delete(closing));
  }

  /** Stops opening, aborts attempts in flight and starts closing every held connection. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.interrupted = this.connecting.size;
    for (const c of this.connecting) c.abort();
    this.connecting.clear();
    for (const held of this.open) this.close(held);
    this.open.length = 0;
    this.openChanged();
    this.kick();
  }

  /** Waits for the closes to finish, for at most connectTimeout: a stuck close must not hang the run. */
  async closed(): Promise<void> {
    if (this.closing.size === 0) return;
    const { clock } = this.ctx;
    await waitUntil(clock, Promise.allSettled([...this.closing]), clock.now() + this.config.connectTimeout);
  }

  private kick(): void {
    this.wake?.abort();
  }

  private openChanged(): void {
    const n = this.open.length;
    this.openGauge.set(n);
    this.vusGauge.set(n);
    this.ctx.onVUs?.(n);
    this.notify();
  }
}

function abortedOf(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function driverName(driver: Driver): string {
  const name = (driver as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? name : 'configured';
}
