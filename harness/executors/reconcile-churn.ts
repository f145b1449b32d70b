/**
 * reconcile-churn: seed 000's operator stress test as a workload model. It creates `count`
 * objects at `createRate` (one driver iteration each, open model: every create is scheduled at
 * its intended time and never waits for an earlier one), waits until all of them are reconciled
 * (the driver sees their ready condition) or `readyTimeout` after the last create, holds them for
 * `holdFor`, deletes them all by label and waits until the watch saw them go or `deleteTimeout`.
 * The driver records reconcile_lag per object; this executor records, per object, whether it
 * was reconciled in time (reconcile_ready) and whether it was seen deleted (reconcile_deleted).
 *
 * Outcome fields here: `iterations` are creates started (refused ones are in k8s_req_failed and
 * count as not ready), `interrupted` creates still in flight when the run was stopped.
 */
import { z } from 'zod';
import type { ChurnDriver } from '../drivers/k8s.ts';
import { CaplabError } from '../errors.ts';
import { M } from '../metrics/metric-names.ts';
import { duration, rate } from '../plan/zod-units.ts';
import type { ExecutorContext, ExecutorModule, ExecutorOutcome } from './executor.ts';
import { stripeShare, subSegment, type Segment } from './segment.ts';
import { waitUntil } from './wait-until.ts';

const schema = z.strictObject({
  executor: z.literal('reconcile-churn').describe('create objects at a rate, wait until reconciled, hold, delete them all by label: operator reconcile lag'),
  count: z.number().int().min(1).max(100_000).describe('objects to create'),
  createRate: rate().refine((r) => r > 0, 'createRate must be above 0/s').default(10).describe('creates per second (default 10/s, as the seed\'s script)'),
  readyTimeout: duration().refine((ms) => ms > 0, 'readyTimeout must be longer than 0s').default(120_000).describe('after the last create, how long to wait for every object to be reconciled; the rest count as not ready (default 2m)'),
  holdFor: duration().default(30_000).describe('how long to keep the objects once all are reconciled (or readyTimeout passed), before deleting them (default 30s)'),
  deleteTimeout: duration().refine((ms) => ms > 0, 'deleteTimeout must be longer than 0s').default(60_000).describe('how long to wait for every object to be seen deleted (default 1m)'),
});

export type ReconcileChurnConfig = z.output<typeof schema> & { readonly segment?: Segment };

function createPhaseMs(config: ReconcileChurnConfig): number {
  return (Math.max(0, stripeShare(config.count, config.segment) - 1) * 1000 * (config.segment?.count ?? 1)) / config.createRate;
}

export const reconcileChurn = {
  type: 'reconcile-churn',
  schema,
  duration: (config) => createPhaseMs(config) + config.readyTimeout + config.holdFor + config.deleteTimeout,
  targetRate: (config, tMs) => (tMs >= 0 && tMs <= (config.count * 1000) / config.createRate ? config.createRate : 0),
  maxConcurrency: (config) => stripeShare(config.count, config.segment),
  shard: (config, index, count) => ({ ...config, segment: subSegment(config.segment, index, count) }),
  run: (config, ctx) => runChurn(config, ctx),
} as const satisfies ExecutorModule<ReconcileChurnConfig>;

function churnDriver(ctx: ExecutorContext): ChurnDriver {
  const d = ctx.driver as Partial<ChurnDriver>;
  if (typeof d.open !== 'function' || typeof d.deleteAll !== 'function' || typeof d.changed !== 'function') {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `reconcile-churn needs the k8s driver, and workload "${ctx.tags['workload'] ?? '?'}" has another one`, {
      hint: 'give the workload a `k8s:` block (server, spec, labels) instead of http or tcp',
    });
  }
  return ctx.driver as ChurnDriver;
}

async function runChurn(config: ReconcileChurnConfig, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  const { clock, signal, recorder, tags } = ctx;
  const driver = churnDriver(ctx);
  if (signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0 };
  const segment = config.segment ?? { index: 0, count: 1 };
  const total = stripeShare(config.count, segment);
  const iterations = recorder.counter(M.iterations, tags);
  const scheduleLag = recorder.trend(M.generatorScheduleLag, tags);
  const vus = recorder.gauge(M.vus, tags);
  await driver.open();

  // Create phase: object j of the whole workload at j / createRate; this thread makes its stripe.
  const startAt = clock.now();
  const creates: Promise<void>[] = [];
  let inFlight = 0;
  for (let k = 0; k < total && !signal.aborted; k++) {
    const j = segment.index + k * segment.count;
    const intendedTime = startAt + (j * 1000) / config.createRate;
    await clock.sleepUntil(intendedTime, signal);
    if (signal.aborted) break;
    scheduleLag.add(Math.max(0, clock.now() - intendedTime));
    iterations.add(1);
    inFlight++;
    vus.set(inFlight);
    ctx.onVUs?.(inFlight);
    creates.push(driver.iterate({ intendedTime, vu: 0, iteration: j, signal }).finally(() => {
      inFlight--;
      vus.set(inFlight);
      ctx.onVUs?.(inFlight);
    }));
  }
  const interruptedCreates = inFlight;
  await Promise.allSettled(creates);
  const started = creates.length;
  const refused = started - driver.created;
  if (signal.aborted) return { iterations: started, dropped: 0, interrupted: interruptedCreates };

  // Ready phase: every created object reconciled, or readyTimeout after the last create.
  await until(ctx, driver, () => driver.ready >= driver.created, clock.now() + config.readyTimeout);
  const ready = recorder.rate(M.reconcileReady, tags);
  for (let i = 0; i < driver.created; i++) ready.add(i < driver.ready);
  // A refused create never had a chance to be reconciled: it counts as not ready.
  for (let i = 0; i < refused; i++) ready.add(false);

  if (config.holdFor > 0) await clock.sleepUntil(clock.now() + config.holdFor, signal);
  if (signal.aborted) return { iterations: started, dropped: 0, interrupted: 0 };

  // Delete phase: one delete by label, then watch them go.
  await driver.deleteAll();
  await until(ctx, driver, () => driver.gone >= driver.created, clock.now() + config.deleteTimeout);
  const deleted = recorder.rate(M.reconcileDeleted, tags);
  for (let i = 0; i < driver.created; i++) deleted.add(i < driver.gone);
  return { iterations: started, dropped: 0, interrupted: 0 };
}

/** Waits until `done()` holds (re-checked at every driver change), the deadline passes, or the run stops. */
async function until(ctx: ExecutorContext, driver: ChurnDriver, done: () => boolean, deadline: number): Promise<void> {
  const { clock, signal } = ctx;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const reached = (async () => {
      while (!done() && !stop.signal.aborted) await driver.changed(stop.signal);
    })();
    await waitUntil(clock, reached, deadline, stop.signal);
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
  }
}
