import assert from 'node:assert/strict';
import {
  BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter,
} from '../../../reference-impl/operator/rate-limiters.ts';
import { ManualClock } from './manual-clock.ts';

describe('operator rate limiters', () => {
  it('exponential backoff doubles from the base per item and caps at the max', () => {
    const l = new ItemExponentialFailureRateLimiter<string>(5, 1000_000);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => l.when('a')), [5, 10, 20, 40, 80]);
    assert.equal(l.when('b'), 5, 'items back off independently');
    assert.equal(l.numRequeues('a'), 5);
    for (let i = 0; i < 40; i++) l.when('a');
    assert.equal(l.when('a'), 1000_000, '5 ms * 2^45 is far past 1000 s');
    for (let i = 0; i < 2000; i++) l.when('a');
    assert.equal(l.when('a'), 1000_000, '2^n overflowing to Infinity still caps');
  });

  it('forget starts an item again from the base delay', () => {
    const l = new ItemExponentialFailureRateLimiter<string>(5, 1000_000);
    l.when('a'); l.when('a');
    l.forget('a');
    assert.equal(l.numRequeues('a'), 0);
    assert.equal(l.when('a'), 5);
  });

  it('the bucket lets a burst through at once, then spaces retries at its rate', () => {
    const clock = new ManualClock();
    const b = new BucketRateLimiter<string>(clock, 10, 100);
    for (let i = 0; i < 100; i++) assert.equal(b.when(`x${i}`), 0);
    assert.equal(b.when('late-1'), 100, 'the 101st waits one token (100 ms at 10/s)');
    assert.equal(b.when('late-2'), 200, 'reservations queue behind each other');
    clock.advance(1000);
    assert.equal(b.when('after'), 0, 'a second refills 10 tokens: the debt of 2 is paid and 8 are left');
  });

  it('the bucket refills no higher than its burst', () => {
    const clock = new ManualClock();
    const b = new BucketRateLimiter<string>(clock, 10, 5);
    clock.advance(3600_000);
    for (let i = 0; i < 5; i++) assert.equal(b.when('x'), 0);
    assert.equal(b.when('x'), 100);
  });

  it('max-of takes the longest delay and forgets in every limiter', () => {
    const clock = new ManualClock();
    const l = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter(5, 1000_000), new BucketRateLimiter(clock, 10, 1));
    assert.equal(l.when('a'), 5, 'bucket has a token; backoff says 5 ms');
    assert.equal(l.when('a'), 100, 'bucket empty: 100 ms beats 10 ms');
    l.forget('a');
    assert.equal(l.numRequeues('a'), 0);
  });

  it('the controller default is 5 ms..1000 s backoff combined with 10 qps / 100 burst', () => {
    const clock = new ManualClock();
    const l = defaultControllerRateLimiter<string>(clock);
    assert.equal(l.when('a'), 5);
    for (let i = 0; i < 98; i++) l.when(`other-${i}`);
    assert.equal(l.when('b'), 5, 'the 100th retry still fits the burst');
    assert.equal(l.when('c'), 100, 'the 101st waits for the bucket');
  });
});
