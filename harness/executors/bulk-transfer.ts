/**
 * bulk-transfer: N streams, each running transfers (driver iterations, e.g. the tcp driver's
 * 64 MiB send) back to back, either `transfers` per stream or for a `duration`. It answers "how
 * many bytes per second do 1, 4, 16 parallel streams get", so a stream is a long-lived lane and
 * not a request slot: each stream's throughput is the driver's tunnel_throughput samples, and the
 * aggregate is the rate of data_sent (bytes per second, per report interval), which the recorder
 * already gives as a time series.
 *
 * With `transfers`, the run ends when every stream did its share, or at maxDuration; with
 * `duration`, streams stop starting transfers at its end and the ones in flight get gracefulStop.
 */
import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import { M } from '../metrics/metric-names.ts';
import type { CounterHandle, GaugeHandle, TrendHandle } from '../metrics/recorder.ts';
import { duration } from '../plan/zod-units.ts';
import type { ExecutorContext, ExecutorModule, ExecutorOutcome } from './executor.ts';
import { stripeShare, subSegment, type Segment } from './segment.ts';

const schema = z.strictObject({
  executor: z.literal('bulk-transfer').describe('parallel streams each running transfers back to back: throughput, not request rate'),
  streams: z.number().int().min(1).describe('concurrent streams, each running one transfer at a time'),
  transfers: z.number().int().min(1).optional().describe('transfers per stream (default 1 when no duration is given)'),
  duration: duration().refine((ms) => ms > 0, 'duration must be longer than 0s').optional().describe('instead of a transfer count: streams keep starting transfers for this long'),
  gracefulStop: duration().default(30_000).describe('with duration: how long transfers still running at its end may take before they are interrupted (default 30s)'),
  maxDuration: duration().refine((ms) => ms > 0, 'maxDuration must be longer than 0s').default(600_000).describe('with transfers: transfers still running after this are interrupted (default 10m)'),
}).superRefine((c, ctx) => {
  if (c.transfers !== undefined && c.duration !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['transfers'], message: 'give either `transfers` (a count per stream) or `duration`, not both' });
  }
});

export type BulkTransferConfig = z.output<typeof schema> & { readonly segment?: Segment };

export const bulkTransfer = {
  type: 'bulk-transfer',
  schema,
  duration: (config) => (config.duration !== undefined ? config.duration + config.gracefulStop : config.maxDuration),
  maxConcurrency: (config) => stripeShare(config.streams, config.segment),
  shard: (config, index, count) => ({ ...config, segment: subSegment(config.segment, index, count) }),
  run: (config, ctx) => new Streams(config, ctx).run(),
} as const satisfies ExecutorModule<BulkTransferConfig>;

class Streams {
  private readonly hard = new AbortController();
  private readonly iterationsStarted: CounterHandle;
  private readonly iterationDuration: TrendHandle;
  private readonly vusGauge: GaugeHandle;
  private readonly busy = new Set<number>();
  private started = 0;
  private interrupted = 0;
  private active = 0;
  private failure: { error: unknown } | null = null;

  constructor(private readonly config: BulkTransferConfig, private readonly ctx: ExecutorContext) {
    this.iterationsStarted = ctx.recorder.counter(M.iterations, ctx.tags);
    this.iterationDuration = ctx.recorder.trend(M.iterationDuration, ctx.tags);
    this.vusGauge = ctx.recorder.gauge(M.vus, ctx.tags);
    // Every stream's transfer listens on this one signal; 16 streams are not a listener leak.
    setMaxListeners(Infinity, this.hard.signal);
  }

  async run(): Promise<ExecutorOutcome> {
    const { clock, signal } = this.ctx;
    if (signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0 };
    const onAbort = (): void => this.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    const startAt = clock.now();
    const { duration: forMs, gracefulStop, maxDuration } = this.config;
    // Transfers may start until endAt; whatever still runs at hardAt is interrupted.
    const endAt = forMs !== undefined ? startAt + forMs : Infinity;
    const hardAt = forMs !== undefined ? endAt + gracefulStop : startAt + maxDuration;
    const perStream = forMs !== undefined ? Infinity : this.config.transfers ?? 1;
    const count = stripeShare(this.config.streams, this.config.segment);
    const timer = new AbortController();
    try {
      const loops = Array.from({ length: count }, (_, i) => this.stream(i, perStream, endAt));
      await Promise.race([Promise.all(loops), clock.sleepUntil(hardAt, AbortSignal.any([timer.signal, this.hard.signal]))]);
      this.stop();
      await Promise.all(loops);
    } finally {
      timer.abort();
      signal.removeEventListener('abort', onAbort);
    }
    if (this.failure) throw this.failure.error;
    return { iterations: this.started, dropped: 0, interrupted: this.interrupted };
  }

  private async stream(index: number, perStream: number, endAt: number): Promise<void> {
    const { clock, driver } = this.ctx;
    this.setActive(this.active + 1);
    for (let done = 0; done < perStream && !this.hard.signal.aborted && clock.now() < endAt; done++) {
      const intendedTime = clock.now();
      const iteration = this.started++;
      this.iterationsStarted.add(1);
      this.busy.add(index);
      try {
        await driver.iterate({ intendedTime, vu: index, iteration, signal: this.hard.signal });
      } catch (error) {
        // Drivers report the target's failures as metrics; a rejection is a harness bug, so stop.
        if (!this.hard.signal.aborted) {
          this.failure ??= { error };
          this.stop();
        }
      }
      this.busy.delete(index);
      if (this.hard.signal.aborted) break;
      this.iterationDuration.add(clock.now() - intendedTime);
      // A transfer that took no time at all would otherwise never give the event loop back.
      if (clock.now() === intendedTime) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!this.hard.signal.aborted) this.setActive(this.active - 1);
  }

  /** Hard stop: interrupts every transfer still in flight. Idempotent. */
  private stop(): void {
    if (this.hard.signal.aborted) return;
    this.interrupted = this.busy.size;
    this.hard.abort();
    this.setActive(0);
  }

  private setActive(n: number): void {
    if (n === this.active) return;
    this.active = n;
    this.vusGauge.set(n);
    this.ctx.onVUs?.(n);
  }
}
