import assert from 'node:assert/strict';
import { Backoff } from '../../../../reference-impl/tunnel/backoff.ts';

describe('tunnel agent backoff', () => {
  it('caps double from 1 s to 5 min and each delay is random() times the cap (full jitter)', () => {
    const backoff = new Backoff(1_000, 300_000, () => 0.5);
    const delays = Array.from({ length: 12 }, () => backoff.next());
    assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 150_000, 150_000, 150_000]);
    assert.equal(backoff.attempts, 12);
  });

  it('spans the whole range [0, cap): random 0 retries at once, random near 1 waits nearly the cap', () => {
    const values = [0, 0.999];
    const backoff = new Backoff(1_000, 4_000, () => values.shift()!);
    assert.equal(backoff.next(), 0);
    assert.equal(backoff.next(), 1_998);
  });

  it('starts again from the initial cap after reset, and stays finite after very many failures', () => {
    const backoff = new Backoff(100, 1_000, () => 1);
    for (let i = 0; i < 5_000; i++) backoff.next();
    assert.equal(backoff.next(), 1_000);
    backoff.reset();
    assert.equal(backoff.next(), 100);
  });

  it('refuses an initial delay of zero or above the maximum', () => {
    assert.throws(() => new Backoff(0, 10), RangeError);
    assert.throws(() => new Backoff(20, 10), RangeError);
  });
});
