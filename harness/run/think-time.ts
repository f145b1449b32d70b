/** The scenario's `thinkTime` as the pause function closed-model executors call after each iteration. */
import { deriveSeed, iterationRandom } from '../drivers/seeded-random.ts';

/** ms to pause after iteration `iteration`: fixed, or uniform in [min, max] from a generator seeded by `seed` and the iteration. */
export function thinkTimeOf(spec: { min: number; max: number } | undefined, seed: number): ((vu: number, iteration: number) => number) | undefined {
  if (spec === undefined) return undefined;
  const { min, max } = spec;
  if (min === max) return () => min;
  const base = deriveSeed(seed, 'think-time');
  return (_vu, iteration) => min + iterationRandom(base, iteration).next() * (max - min);
}
