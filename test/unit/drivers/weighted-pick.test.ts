import assert from 'node:assert/strict';
import { deriveSeed, iterationRandom } from '../../../harness/drivers/seeded-random.ts';
import { WeightedPick } from '../../../harness/drivers/weighted-pick.ts';

/** How often each entry is picked over `n` iterations, as the flow driver picks (the iteration generator's first draw). */
function picks(weights: number[], seed: number, n: number): number[] {
  const pick = new WeightedPick(weights);
  const base = deriveSeed(seed, 'mix', 0);
  const counts = weights.map(() => 0);
  for (let i = 0; i < n; i++) counts[pick.pick(iterationRandom(base, i).next())]!++;
  return counts;
}

describe('the weighted request mix', () => {
  it('picks encode 3 times in 4 and health once in 4 over 10 000 seeded iterations, within 1.5 points', () => {
    const [encode, health] = picks([3, 1], 1, 10_000) as [number, number];
    assert.equal(encode + health, 10_000);
    assert.ok(Math.abs(encode / 10_000 - 0.75) < 0.015, `encode share ${encode / 10_000}`);
  });

  it('keeps every share of a four-way mix within 1.5 points of its weight', () => {
    const weights = [5, 2.5, 2, 0.5];
    const counts = picks(weights, 7, 10_000);
    weights.forEach((w, i) => assert.ok(Math.abs(counts[i]! / 10_000 - w / 10) < 0.015, `entry ${i}: ${counts[i]}`));
  });

  it('makes the same picks for the same seed and different ones for another seed', () => {
    const sequence = (seed: number) => {
      const pick = new WeightedPick([3, 1]);
      const base = deriveSeed(seed, 'mix', 0);
      return Array.from({ length: 200 }, (_, i) => pick.pick(iterationRandom(base, i).next())).join('');
    };
    assert.equal(sequence(1), sequence(1));
    assert.notEqual(sequence(1), sequence(2));
  });

  it('maps the edges of [0, 1) to the first and last entries', () => {
    const pick = new WeightedPick([1, 1, 2]);
    assert.equal(pick.pick(0), 0);
    assert.equal(pick.pick(0.25), 1);
    assert.equal(pick.pick(0.4999), 1);
    assert.equal(pick.pick(0.5), 2);
    assert.equal(pick.pick(0.999999), 2);
  });

  it('refuses weights that are not positive', () => {
    assert.throws(() => new WeightedPick([1, 0]), RangeError);
    assert.throws(() => new WeightedPick([]), RangeError);
  });
});
