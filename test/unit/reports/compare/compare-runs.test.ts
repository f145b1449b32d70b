import assert from 'node:assert/strict';
import { blockLength, ratioOfMediansInterval } from '../../../../reports/compare/block-bootstrap.ts';
import { compareRuns, compareSamples, DEFAULT_COMPARE, type CompareOptions } from '../../../../reports/compare/compare-runs.ts';
import { logNormalSamples, syntheticResult } from './synthetic-results.ts';

const P95 = { metric: 'http_req_duration', stat: 'p95' } as const;
const gate = (o: Partial<CompareOptions> = {}): CompareOptions => ({ ...DEFAULT_COMPARE, maxRegression: 0.03, ...o });

describe('compareSamples: the regression gate on per-second p95 samples', () => {
  it('never flags identical distributions: 50 A/A pairs of 30 s (5% second-to-second noise) give no regression', () => {
    const verdicts = Array.from({ length: 50 }, (_, i) => compareSamples([logNormalSamples(30, 10, 0.05, 100 + i)], [logNormalSamples(30, 10, 0.05, 200 + i)], P95, gate()).verdict);
    assert.equal(verdicts.filter((v) => v === 'regression').length, 0);
    // The interval (about ±3%) reaches past 1.03 often: those pairs are inconclusive, never flagged.
    assert.ok(verdicts.filter((v) => v === 'pass').length >= 15, verdicts.join(','));
    assert.ok(verdicts.filter((v) => v === 'improved').length <= 3, verdicts.join(','));
  });

  it('flags a 1.1x p95 in at least 19 of 20 pairs of 30 s against a 3% allowance', () => {
    const flagged = Array.from({ length: 20 }, (_, i) => compareSamples([logNormalSamples(30, 10, 0.05, 300 + i)], [logNormalSamples(30, 11, 0.05, 400 + i)], P95, gate()))
      .filter((c) => c.verdict === 'regression').length;
    assert.ok(flagged >= 19, `flagged ${flagged} of 20`);
  });

  it('calls a 1.1x slowdown inconclusive, not a pass, when the allowance is 10%: the interval straddles 1.1', () => {
    const c = compareSamples([logNormalSamples(30, 10, 0.05, 5)], [logNormalSamples(30, 11, 0.05, 6)], P95, gate({ maxRegression: 0.1 }));
    assert.equal(c.verdict, 'inconclusive');
    assert.ok(c.interval!.low < 1.1 && c.interval!.high > 1.1);
    assert.match(c.suggestion!, /lengthen the runs/);
  });

  it('reports a faster build as improved', () => {
    const c = compareSamples([logNormalSamples(30, 10, 0.05, 7)], [logNormalSamples(30, 8, 0.05, 8)], P95, gate());
    assert.equal(c.verdict, 'improved');
    assert.ok(c.interval!.high < 1);
  });

  it('is inconclusive with too few samples, and says how many it had and needs', () => {
    const c = compareSamples([logNormalSamples(4, 10, 0.05, 1)], [logNormalSamples(30, 20, 0.05, 2)], P95, gate());
    assert.equal(c.verdict, 'inconclusive');
    assert.equal(c.interval, null);
    assert.match(c.reason, /too few samples: 4 usable seconds in the baseline and 30 in the new run\(s\); the gate needs at least 5 on each side/);
    assert.match(c.suggestion!, /lengthen the run/);
  });

  it('gives the same interval for the same samples and seed, another for another seed', () => {
    const a = [logNormalSamples(20, 10, 0.1, 11)];
    const b = [logNormalSamples(20, 10.5, 0.1, 12)];
    const one = compareSamples(a, b, P95, gate({ seed: 42 }));
    assert.deepEqual(compareSamples(a, b, P95, gate({ seed: 42 })), one);
    assert.notDeepEqual(compareSamples(a, b, P95, gate({ seed: 43 })).interval, one.interval);
  });

  it('with seconds paired, cancels what the machine did to both runs at once; unpaired it cannot tell', () => {
    // A shared per-second load factor (30% log spread) hits both side-by-side runs; B is 1.1x A.
    const machine = logNormalSamples(20, 1, 0.3, 21);
    const noiseA = logNormalSamples(20, 1, 0.01, 22);
    const noiseB = logNormalSamples(20, 1, 0.01, 23);
    const a = [machine.map((m, i) => 10 * m * noiseA[i]!)];
    const b = [machine.map((m, i) => 11 * m * noiseB[i]!)];
    assert.equal(compareSamples(a, b, P95, gate({ pairing: 'seconds' })).verdict, 'regression');
    assert.equal(compareSamples(a, b, P95, gate()).verdict, 'inconclusive');
  });

  it('with several runs a side, widens the interval by the spread between runs', () => {
    // Runs whose level moves ±8% from run to run: one run each looks precise, three runs each do not.
    const runs = (median: number, seed: number): number[][] => [0.92, 1, 1.08].map((k, i) => logNormalSamples(30, median * k, 0.03, seed + i));
    const wide = ratioOfMediansInterval(runs(10, 50), runs(10, 60));
    const narrow = ratioOfMediansInterval([logNormalSamples(90, 10, 0.03, 70)], [logNormalSamples(90, 10, 0.03, 80)]);
    assert.ok(wide.high - wide.low > 3 * (narrow.high - narrow.low), `${wide.low}-${wide.high} vs ${narrow.low}-${narrow.high}`);
  });

  it('lends the baseline runs\' spread to a single new run: run-to-run noise is not read as a regression', () => {
    const spread = [0.9, 1, 1.1].map((k, i) => logNormalSamples(30, 10 * k, 0.03, 90 + i));
    const steady = [1, 1, 1].map((k, i) => logNormalSamples(30, 10 * k, 0.03, 90 + i));
    const fresh = [logNormalSamples(30, 11.5, 0.03, 99)];
    assert.equal(compareSamples(steady, fresh, P95, gate({ maxRegression: 0.05 })).verdict, 'regression');
    assert.equal(compareSamples(spread, fresh, P95, gate({ maxRegression: 0.05 })).verdict, 'inconclusive');
  });

  it('refuses paired sides of unequal size', () => {
    assert.throws(() => ratioOfMediansInterval([[1, 2]], [[1, 2], [3, 4]], DEFAULT_COMPARE, 'rounds'), /paired sides need as many runs each \(1 and 2\)/);
  });

  it('takes blocks of n^(1/3) seconds', () => {
    assert.deepEqual([1, 7, 8, 27, 64].map(blockLength), [1, 2, 2, 3, 4]);
  });
});

describe('compareRuns: the gate on RunResults', () => {
  it('reads per-second p95 from the series and judges a known 20% slowdown a regression', () => {
    const c = compareRuns([syntheticResult({ p95Ms: 10, seconds: 20, seed: 1 })], [syntheticResult({ p95Ms: 12, seconds: 20, seed: 2 })], P95, gate({ maxRegression: 0.1 }));
    assert.equal(c.verdict, 'regression');
    assert.equal(c.unit, 'ms');
    assert.deepEqual([c.baseline.samples, c.candidate.samples, c.baseline.runs], [20, 20, 1]);
  });

  it('drops seconds with fewer requests than a p95 needs (20) and notes runs left with none', () => {
    const thin = syntheticResult({ p95Ms: 10, seconds: 20, seed: 3, count: 19 });
    const c = compareRuns([syntheticResult({ p95Ms: 10, seconds: 20, seed: 1 })], [thin], P95, gate());
    assert.equal(c.candidate.samples, 0);
    assert.equal(c.verdict, 'inconclusive');
    assert.ok(c.notes.some((n) => /the new run has no second with enough requests for a p95/.test(n)), c.notes.join('|'));
  });

  it('claims nothing from an invalid run, whose latency may include the generator\'s delay, side by side or not', () => {
    const bad = { ...syntheticResult({ p95Ms: 13, seconds: 20, seed: 4 }), verdict: 'invalid' as const, verdictReasons: ['generator CPU 97%'] };
    const good = syntheticResult({ p95Ms: 10, seconds: 20, seed: 1 });
    const c = compareRuns([good], [bad], P95, gate());
    assert.ok(c.notes.some((n) => /the new run \(echo-constant-rate, .*\) is invalid: generator CPU 97%/.test(n)), c.notes.join('|'));
    assert.equal(c.verdict, 'inconclusive');
    assert.match(c.reason, /lies wholly above the allowed 1\.030 \(\+3%\), but 1 of the runs is invalid or aborted/);
    assert.equal(compareRuns([good], [bad], P95, gate({ pairing: 'seconds' })).verdict, 'inconclusive');
    assert.equal(compareRuns([good], [{ ...bad, verdict: 'good' }], P95, gate({ pairing: 'seconds' })).verdict, 'regression');
  });

  it('pairs side-by-side runs on the seconds both have', () => {
    const a = syntheticResult({ p95Ms: 10, seconds: 12, seed: 5 });
    const b = syntheticResult({ p95Ms: 10, seconds: 10, seed: 6 });
    const c = compareRuns([a], [b], P95, gate({ pairing: 'seconds' }));
    assert.deepEqual([c.baseline.samples, c.candidate.samples], [10, 10]);
  });
});
