import assert from 'node:assert/strict';
import { realClock } from '../../../harness/executors/clock.ts';

describe('the real clock', () => {
  it('wakes every sleeper on one signal through a single abort listener, without a leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => { warnings.push(w); };
    process.on('warning', onWarning);
    const stop = new AbortController();
    const far = realClock.now() + 60_000;
    const sleeping = Array.from({ length: 200 }, () => realClock.sleepUntil(far, stop.signal));
    stop.abort();
    await Promise.all(sleeping);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning'), []);
  });

  it('sleeps until the time asked, and returns at once for a past time or an aborted signal', async () => {
    const t0 = realClock.now();
    await realClock.sleepUntil(t0 + 5);
    // Never early, although libuv may fire the underlying timer early against performance.now().
    assert.ok(realClock.now() >= t0 + 5, `woke at ${realClock.now() - t0} ms`);
    const before = realClock.now();
    await realClock.sleepUntil(before - 10);
    await realClock.sleepUntil(before + 60_000, AbortSignal.abort());
    assert.ok(realClock.now() - before < 1000);
  });
});
