import assert from 'node:assert/strict';
import { CapacityOptionError } from '../../../../reports/capacity/capacity-option-error.ts';
import { defaultTiers, parseLoad, parseTiers, replicasFor } from '../../../../reports/capacity/tiers.ts';

describe('tiers', () => {
  it('N+1: ceil(load / per-replica capacity) replicas plus one spare', () => {
    assert.deepEqual(replicasFor(10_000, 4000, 1), { needed: 3, replicas: 4 });
    assert.deepEqual(replicasFor(8000, 4000, 1), { needed: 2, replicas: 3 }, 'an exact multiple needs no extra replica before the spare');
    assert.deepEqual(replicasFor(100, 4000, 1), { needed: 1, replicas: 2 });
    assert.deepEqual(replicasFor(100, 4000, 0), { needed: 1, replicas: 1 });
    assert.deepEqual(replicasFor(10_000, 4000, 2), { needed: 3, replicas: 5 });
  });

  it('defaults follow seed 004 for connections and the same decades for requests/s', () => {
    assert.deepEqual(defaultTiers('connections').map((t) => [t.name, t.load]), [['small', 1000], ['medium', 10_000], ['large', 100_000]]);
    assert.deepEqual(defaultTiers('requests/s').map((t) => [t.name, t.load]), [['small', 100], ['medium', 1000], ['large', 10_000]]);
  });

  it('--tiers takes default names and name=load pairs with k and m suffixes', () => {
    assert.deepEqual(parseTiers('small, large', 'requests/s'), [{ name: 'small', load: 100 }, { name: 'large', load: 10_000 }]);
    assert.deepEqual(parseTiers('edge=500,core=20k,global=1.5m', 'connections'), [{ name: 'edge', load: 500 }, { name: 'core', load: 20_000 }, { name: 'global', load: 1_500_000 }]);
    assert.deepEqual(parseTiers('burst=2500/s', 'requests/s'), [{ name: 'burst', load: 2500 }]);
  });

  it('--tiers rejects unknown names, bad loads, duplicates and an empty list, naming the choices', () => {
    assert.throws(() => parseTiers('tiny', 'requests/s'), (e: unknown) => e instanceof CapacityOptionError && /unknown tier "tiny": the default tiers are small, medium, large/.test(e.message));
    assert.throws(() => parseTiers('edge=-5', 'requests/s'), /the load must be a positive number/);
    assert.throws(() => parseTiers('edge=0', 'requests/s'), /the load must be a positive number/);
    assert.throws(() => parseTiers('small,small', 'requests/s'), /given twice/);
    assert.throws(() => parseTiers(' , ', 'requests/s'), /--tiers is empty/);
  });

  it('--tiers seed-004 is seed 004\'s table rows, for connections only', () => {
    assert.deepEqual(parseTiers('seed-004', 'connections').map((t) => [t.name, t.load]), [['1k', 1_000], ['10k', 10_000], ['50k', 50_000], ['100k', 100_000]]);
    assert.throws(() => parseTiers('seed-004', 'requests/s'), /seed 004's connection counts .* this one is in requests\/s/);
  });

  it('parses loads', () => {
    assert.equal(parseLoad('10000/s'), 10_000);
    assert.equal(parseLoad('50k connections'), 50_000);
    assert.equal(parseLoad('100k/conn'), 100_000);
    assert.equal(parseLoad('2500 conn'), 2_500);
    assert.equal(parseLoad('lots'), null);
    assert.equal(parseLoad('0'), null);
  });
});
