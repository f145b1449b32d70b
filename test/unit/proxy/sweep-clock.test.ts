import assert from 'node:assert/strict';
import { SweepClock } from '../../../reference-impl/proxy/sweep-clock.ts';

describe('SweepClock (the fast path\'s timeouts)', () => {
  it('expires a stamp once the timeout has passed by the last tick, never before, and never with a timeout of 0', () => {
    const clock = new SweepClock(1_000);
    try {
      const stamp = clock.stamp();
      clock.now = stamp + 99.9;
      assert.equal(clock.expired(stamp, 100), false);
      clock.now = stamp + 100;
      assert.equal(clock.expired(stamp, 100), true);
      clock.now = stamp + 1e9;
      assert.equal(clock.expired(stamp, 0), false, '0 is off, as socket.setTimeout(0)');
    } finally { clock.stop(); }
  });

  it('stamps with the time of the activity, so a tick that runs late does not age what happened after the previous one', () => {
    const clock = new SweepClock(1_000);
    try {
      const before = clock.now;
      const spin = performance.now() + 30;
      while (performance.now() < spin); // the event loop is blocked past the 20 ms timeout below
      const stamp = clock.stamp();
      assert.ok(stamp - before >= 30);
      clock.now = stamp + 5; // the late tick
      assert.equal(clock.expired(stamp, 20), false);
    } finally { clock.stop(); }
  });

  it('ticks at an eighth of the shortest timeout that is on, between 10 ms and 1 s', () => {
    assert.equal(SweepClock.intervalFor([30_000, 4_000, 65_000]), 500);
    assert.equal(SweepClock.intervalFor([0, 4_000]), 500);
    assert.equal(SweepClock.intervalFor([40]), 10);
    assert.equal(SweepClock.intervalFor([0, 0]), 1_000);
    assert.equal(SweepClock.intervalFor([600_000]), 1_000);
  });
});
