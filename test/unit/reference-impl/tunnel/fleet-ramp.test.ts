import assert from 'node:assert/strict';
import { readyCount, startDelays } from '../../../../reference-impl/tunnel/fleet-ramp.ts';

describe('fleet ramp (tunnel-agent --count N --ramp S --ramp-every D)', () => {
  it('starts every agent at once without a ramp, and is ready only when all are connected', () => {
    assert.deepEqual(startDelays({ count: 4, step: 0, everyMs: 5_000 }), [0, 0, 0, 0]);
    assert.equal(readyCount({ count: 4, step: 0, everyMs: 5_000 }), 4);
  });

  it('starts agents in steps of S every D ms, the first step at once', () => {
    assert.deepEqual(startDelays({ count: 7, step: 3, everyMs: 1_000 }), [0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
  });

  it('reaches 200 agents in 20 steps of 10, the last one 95 s after the first with D = 5 s', () => {
    const delays = startDelays({ count: 200, step: 10, everyMs: 5_000 });
    assert.equal(new Set(delays).size, 20);
    assert.equal(delays.at(-1), 95_000);
    assert.equal(delays.filter((d) => d === 0).length, 10);
  });

  it('delays every step by --ramp-delay, the first one included', () => {
    assert.deepEqual(startDelays({ count: 4, step: 2, everyMs: 1_000, delayMs: 20_000 }), [20_000, 20_000, 21_000, 21_000]);
    assert.deepEqual(startDelays({ count: 2, step: 0, everyMs: 1_000, delayMs: 500 }), [500, 500]);
  });

  it('is ready once the first step is connected, never asking for more agents than the fleet has', () => {
    assert.equal(readyCount({ count: 200, step: 10, everyMs: 5_000 }), 10);
    assert.equal(readyCount({ count: 5, step: 5, everyMs: 5_000 }), 5);
  });
});
