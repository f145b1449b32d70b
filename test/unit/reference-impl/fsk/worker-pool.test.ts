import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createLogger } from '../../../../reference-impl/common/logger.ts';
import { JobTimeoutError, PoolClosedError, WorkerCrashError, WorkerPool } from '../../../../reference-impl/fsk/worker-pool.ts';

type Job = { op: 'echo' | 'block' | 'hang' | 'throw' | 'exit' | 'refuse'; value?: number; ms?: number };
type Result = { value?: number; threadId: number };

const STAND_IN = new URL('../../../fixtures/fsk/stand-in-worker.mjs', import.meta.url);
const FAILING = new URL('../../../fixtures/fsk/failing-worker.mjs', import.meta.url);
const logger = createLogger('fsk-test', 'silent');
/** OS threads of this process (Linux): worker threads must be gone after close(). */
const threadCount = () => readdirSync('/proc/self/task').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilThreads(count: number): Promise<number> {
  for (let i = 0; i < 100 && threadCount() > count; i++) await sleep(20);
  return threadCount();
}

describe('worker pool', function () {
  this.timeout(20_000);
  const pools: Array<WorkerPool<Job, Result>> = [];
  let baseline = 0;
  const start = async (size: number) => {
    const pool = new WorkerPool<Job, Result>({ size, workerUrl: STAND_IN, logger });
    pools.push(pool);
    await pool.start();
    return pool;
  };

  before(() => { baseline = threadCount(); });
  afterEach(async () => { await Promise.all(pools.splice(0).map((p) => p.close())); });
  after(async () => { assert.equal(await untilThreads(baseline), baseline, 'worker threads left running'); });

  it('starts every worker, runs jobs and reports the queue wait and compute time', async () => {
    const pool = await start(2);
    assert.deepEqual(pool.stats(), { size: 2, busy: 0, idle: 2, starting: 0, queued: 0, restarts: { timeout: 0, crash: 0 } });
    const outcome = await pool.run({ op: 'echo', value: 7 }, [], 5_000);
    assert.ok(outcome.ok);
    assert.equal(outcome.result.value, 7);
    assert.ok(outcome.queueWaitMs >= 0 && outcome.computeMs >= 0);
  });

  it('queues jobs beyond the pool size and runs them in arrival order on the free workers', async () => {
    const pool = await start(2);
    const runs = [1, 2, 3, 4, 5].map((value) => pool.run({ op: 'block', ms: 30, value }, [], 5_000));
    assert.equal(pool.stats().queued, 3);
    assert.equal(pool.stats().busy, 2);
    const outcomes = await Promise.all(runs);
    assert.deepEqual(outcomes.map((o) => (o.ok ? o.result.value : -1)), [1, 2, 3, 4, 5]);
    assert.equal(new Set(outcomes.map((o) => (o.ok ? o.result.threadId : -1))).size, 2, 'both workers took jobs');
    assert.ok(outcomes[4]!.queueWaitMs > 0, 'the fifth job waited in the queue');
  });

  it('passes a refusal from the worker through as an outcome, not an error', async () => {
    const pool = await start(1);
    const outcome = await pool.run({ op: 'refuse' }, [], 5_000);
    assert.equal(outcome.ok, false);
    assert.deepEqual(!outcome.ok && outcome.error, { status: 422, code: 'no_message', message: 'refused', details: {} });
  });

  it('terminates and replaces a worker whose job overruns its deadline, even one stuck in a loop that never yields', async () => {
    const pool = await start(1);
    const before = await pool.run({ op: 'echo' }, [], 5_000);
    await assert.rejects(pool.run({ op: 'hang' }, [], 100), (err: unknown) => err instanceof JobTimeoutError && err.phase === 'running');
    assert.equal(pool.stats().restarts.timeout, 1);
    const after = await pool.run({ op: 'echo', value: 2 }, [], 5_000);
    assert.ok(before.ok && after.ok);
    assert.notEqual(after.result.threadId, before.result.threadId, 'a new thread answers');
    assert.equal(after.result.value, 2);
  });

  it('drops a job whose deadline passes while it waits in the queue, without touching the busy worker', async () => {
    const pool = await start(1);
    const blocking = pool.run({ op: 'block', ms: 300, value: 1 }, [], 5_000);
    await assert.rejects(pool.run({ op: 'echo' }, [], 50), (err: unknown) => err instanceof JobTimeoutError && err.phase === 'queued');
    assert.equal(pool.stats().queued, 0);
    assert.ok((await blocking).ok);
    assert.equal(pool.stats().restarts.timeout, 0);
  });

  it('rejects the job of a worker that throws or exits, and replaces that worker', async () => {
    const pool = await start(1);
    await assert.rejects(pool.run({ op: 'throw' }, [], 5_000), (err: unknown) => err instanceof WorkerCrashError && /stand-in worker failure/.test(err.message));
    assert.equal((await pool.run({ op: 'echo', value: 3 }, [], 5_000)).ok, true, 'the replacement answers');
    await assert.rejects(pool.run({ op: 'exit' }, [], 5_000), (err: unknown) => err instanceof WorkerCrashError && /exited with code 3/.test(err.message));
    assert.equal((await pool.run({ op: 'echo', value: 4 }, [], 5_000)).ok, true);
    assert.equal(pool.stats().restarts.crash, 2);
  });

  it('fails to start when a worker dies while starting', async () => {
    const pool = new WorkerPool<Job, Result>({ size: 1, workerUrl: FAILING, logger });
    pools.push(pool);
    await assert.rejects(pool.start(), /worker pool: worker thread failed: this worker cannot start/);
  });

  it('on close, rejects queued and running jobs, refuses new ones and ends every thread', async () => {
    const pool = await start(2);
    assert.ok(threadCount() >= baseline + 2);
    const settled = [pool.run({ op: 'block', ms: 200 }, [], 5_000), ...[1, 2, 3].map(() => pool.run({ op: 'echo' }, [], 5_000))]
      .map((p) => p.then(() => 'answered', (err: unknown) => err));
    assert.deepEqual([pool.stats().busy, pool.stats().queued], [2, 2]);
    await pool.close();
    for (const outcome of await Promise.all(settled)) assert.ok(outcome instanceof PoolClosedError, String(outcome));
    await assert.rejects(pool.run({ op: 'echo' }, [], 5_000), PoolClosedError);
    assert.equal(await untilThreads(baseline), baseline);
  });
});
