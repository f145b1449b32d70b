import assert from 'node:assert/strict';
import { VUSlots } from '../../../harness/executors/vu-slots.ts';

describe('VUSlots', () => {
  it('hands out pre-allocated slots first, grows to the maximum, then refuses', () => {
    const s = new VUSlots(2, 3);
    assert.deepEqual([s.take(), s.take(), s.take(), s.take()], [0, 1, 2, -1]);
    assert.equal(s.inUse, 3);
    s.give(1);
    assert.equal(s.take(), 1);
    assert.equal(s.inUse, 3);
  });
});
