import assert from 'node:assert/strict';
import { CircuitBreaker } from '../../../reference-impl/proxy/circuit-breaker.ts';

function breaker(threshold = 3, recoveryMs = 1_000) {
  const clock = { now: 0 };
  return { clock, cb: new CircuitBreaker({ failureThreshold: threshold, recoveryTimeoutMs: recoveryMs }, () => clock.now) };
}

describe('circuit breaker (seed 002: Closed / Open / Half-open)', () => {
  it('opens after failureThreshold consecutive failures, and a success in between resets the count', () => {
    const { cb } = breaker(3);
    cb.record(false); cb.record(false); cb.record(true); cb.record(false); cb.record(false);
    assert.equal(cb.state, 'closed');
    cb.record(false);
    assert.equal(cb.state, 'open');
    assert.equal(cb.allow(), false, 'an open breaker fails fast');
  });

  it('lets exactly one test request through once the recovery timeout has passed', () => {
    const { cb, clock } = breaker(1, 1_000);
    cb.record(false);
    clock.now = 999;
    assert.equal(cb.allow(), false);
    clock.now = 1_000;
    assert.equal(cb.wouldAllow(), true);
    assert.equal(cb.allow(), true);
    assert.equal(cb.state, 'half-open');
    assert.equal(cb.allow(), false, 'a second request while the test is in flight is refused');
  });

  it('frees the half-open test slot when the test request ends without a verdict (client went away)', () => {
    const { cb, clock } = breaker(1, 1_000);
    cb.record(false);
    clock.now = 1_000;
    assert.equal(cb.allow(), true);
    assert.equal(cb.allow(), false);
    cb.release();
    assert.equal(cb.state, 'half-open', 'nothing was learnt about the upstream');
    assert.equal(cb.allow(), true, 'the next request is the test');
  });

  it('closes on a successful test request and opens again, for a new timeout, on a failed one', () => {
    const { cb, clock } = breaker(1, 1_000);
    cb.record(false);
    clock.now = 1_000; cb.allow(); cb.record(false);
    assert.equal(cb.state, 'open');
    clock.now = 1_500;
    assert.equal(cb.allow(), false, 'the recovery timeout restarted at the failed test');
    clock.now = 2_000; cb.allow(); cb.record(true);
    assert.equal(cb.state, 'closed');
    assert.equal(cb.openCount, 2);
    assert.equal(cb.openMs(), 2_000, 'open from 0 to 2000 ms');
  });

  it('ignores late outcomes of requests let through before it opened', () => {
    const { cb, clock } = breaker(1, 1_000);
    cb.record(false);
    cb.record(true);
    assert.equal(cb.state, 'open');
    clock.now = 300;
    assert.equal(cb.openMs(), 300);
  });
});
