import assert from 'node:assert/strict';
import { ItemExponentialFailureRateLimiter } from '../../../reference-impl/operator/rate-limiters.ts';
import { WorkQueue, type WorkqueueObserver } from '../../../reference-impl/operator/workqueue.ts';
import { ManualClock } from './manual-clock.ts';

function queue(clock = new ManualClock()) {
  const seen = { added: 0, retried: 0, queue: [] as number[], work: [] as number[] };
  const observer: WorkqueueObserver = {
    added: () => { seen.added++; },
    retried: () => { seen.retried++; },
    queueDuration: (s) => { seen.queue.push(s); },
    workDuration: (s) => { seen.work.push(s); },
  };
  return { clock, seen, q: new WorkQueue<string>(clock, new ItemExponentialFailureRateLimiter(5, 1000_000), observer) };
}

describe('operator workqueue', () => {
  it('hands items out in the order they were added', async () => {
    const { q } = queue();
    q.add('a'); q.add('b'); q.add('c');
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ['a', 'b', 'c']);
  });

  it('an item added several times before it is taken is processed once', async () => {
    const { q, seen } = queue();
    q.add('a'); q.add('b'); q.add('a'); q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(seen.added, 2, 'deduplicated adds are not counted');
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
  });

  it('an item added while being processed is queued again once, only after done', async () => {
    const { q } = queue();
    q.add('a');
    const item = await q.get();
    q.add('a'); q.add('a');
    assert.equal(q.len(), 0, 'not handed to a second worker while the first holds it');
    q.done(item!);
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), 'a');
    q.done('a');
    assert.equal(q.len(), 0);
  });

  it('a waiting worker is woken by the next add', async () => {
    const { q } = queue();
    const pending = q.get();
    q.add('x');
    assert.equal(await pending, 'x');
    assert.equal(q.inProgress(), 1);
  });

  it('addAfter queues the item when its delay has passed, and the earliest time wins', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 1000);
    q.addAfter('a', 300);
    q.addAfter('a', 5000);
    clock.advance(299);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    assert.equal(q.delayed(), 0, 'the later requests were folded into the earliest');
    assert.equal(await q.get(), 'a');
  });

  it('addRateLimited backs off exponentially per item; forget resets it; retries are counted', () => {
    const { q, clock, seen } = queue();
    q.addRateLimited('a'); q.addRateLimited('a'); q.addRateLimited('a');
    assert.equal(q.numRequeues('a'), 3);
    assert.equal(seen.retried, 3);
    clock.advance(4);
    assert.equal(q.len(), 0, 'the first retry is due at 5 ms');
    clock.advance(1);
    assert.equal(q.len(), 1);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
  });

  it('measures queue time from the add and work time from get to done', async () => {
    const { q, clock, seen } = queue();
    q.add('a');
    clock.advance(250);
    await q.get();
    clock.advance(1500);
    q.done('a');
    assert.deepEqual(seen.queue, [0.25]);
    assert.deepEqual(seen.work, [1.5]);
  });

  it('shutdown ignores adds, drops delayed items, lets workers drain the queue, then yields undefined', async () => {
    const { q, clock } = queue();
    const idle = q.get();
    q.shutDown();
    assert.equal(await idle, undefined, 'an idle worker is released');
    const { q: q2 } = queue(clock);
    q2.add('a'); q2.addAfter('b', 10);
    q2.shutDown();
    q2.add('c');
    clock.advance(100);
    assert.equal(await q2.get(), 'a');
    assert.equal(await q2.get(), undefined);
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  it('shutDownWithDrain resolves once the items in progress are done', async () => {
    const { q } = queue();
    q.add('a');
    await q.get();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => { drained = true; });
    await Promise.resolve();
    assert.equal(drained, false);
    q.done('a');
    await drain;
    assert.equal(drained, true);
  });
});
