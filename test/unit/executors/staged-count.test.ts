import assert from 'node:assert/strict';
import { StagedCount } from '../../../harness/executors/staged-count.ts';

describe('StagedCount', () => {
  it('steps up by one each time the line crosses a whole number, as k6 ramping-vus does', () => {
    const c = new StagedCount(0, [{ duration: 10_000, target: 10 }]);
    assert.equal(c.at(0), 0);
    assert.equal(c.at(999.9), 0);
    assert.equal(c.at(1000), 1);
    assert.equal(c.at(5500), 5);
    assert.equal(c.at(9999), 9);
    assert.equal(c.at(10_000), 10);
    assert.equal(c.duration, 10_000);
    assert.equal(c.max, 10);
  });

  it('steps down when the line falls, and keeps the last target after the stages end', () => {
    const c = new StagedCount(10, [{ duration: 5000, target: 0 }]);
    assert.equal(c.at(0), 10);
    assert.equal(c.at(499), 10);
    assert.equal(c.at(500), 9);
    assert.equal(c.at(4999), 1);
    assert.equal(c.at(60_000), 0);
  });

  it('treats a zero-length stage as a jump and a flat stage as holding', () => {
    const c = new StagedCount(2, [{ duration: 1000, target: 2 }, { duration: 0, target: 7 }, { duration: 1000, target: 7 }]);
    assert.equal(c.at(999), 2);
    assert.equal(c.at(1000), 7);
    assert.equal(c.nextChange(0), 1000);
    assert.equal(c.max, 7);
  });

  it('names every instant the count changes, and at that instant the count has changed', () => {
    const c = new StagedCount(3, [{ duration: 700, target: 10 }, { duration: 300, target: 1 }]);
    let t = 0;
    let value = c.at(0);
    const seen = [value];
    while ((t = c.nextChange(t)) !== Infinity) {
      const v = c.at(t);
      if (v !== value) seen.push(v);
      value = v;
    }
    assert.deepEqual(seen, [3, 4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });
});
