/**
 * A confidence interval for median(candidate) / median(baseline) of per-second samples, by a
 * moving-block bootstrap (Künsch 1989) nested in a bootstrap over runs.
 *
 * Why blocks: neighbouring seconds of one run are not independent (a GC, a noisy neighbour, a
 * timer backlog last longer than a second), so resampling single seconds treats n correlated
 * values as n independent ones and gives an interval that is too narrow. Resampling runs of
 * consecutive seconds (length round(n^(1/3)), the usual rate for the block length) keeps that
 * correlation inside each block.
 * Why runs: when a side has several runs (a baseline saved several times), seconds of one run
 * share its machine state; the outer level resamples whole runs, so the difference between runs
 * widens the interval instead of being averaged away. A side with one run (the new build, usually)
 * has its own run's offset too, which no resampling of that run can show: when the other side has
 * several runs, their spread (each run's log median about their mean, widened by sqrt(k/(k-1)))
 * is lent to it as a random offset per replicate. With one run on each side the difference
 * between runs is invisible, which is what the gate's allowed ratio and `caplab ab` are for.
 * Why pairing: runs made at the same time (`seconds`: side by side, second t of A beside second t
 * of B) or one after the other in rounds (`rounds`: A_i then B_i) share the machine's state, which
 * on a shared machine moves p95 more than the change looked for. Resampling the pairs together
 * keeps that shared part out of the ratio's spread, as a paired test does. Side by side, the
 * statistic is the median of the per-second ratios B(t)/A(t) instead: a loaded second slows both
 * runs and cancels within its own ratio.
 * Why the median: one stalled second moves a mean; it does not move a median.
 */
import { median, quantileSorted } from 'simple-statistics';
import { BootstrapRandom } from './bootstrap-random.ts';

export interface BootstrapOptions {
  /** two-sided confidence, e.g. 0.95 */
  confidence: number;
  resamples: number;
  seed: number;
}

export interface RatioInterval {
  /** median of every candidate sample over median of every baseline sample; with `seconds` pairing the median per-second ratio */
  ratio: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
}

/**
 * How the two sides' runs belong together: `none` (a stored baseline against a new run),
 * `rounds` (run i of each side made back to back), `seconds` (run i of each side made at the same
 * time, samples aligned second by second: both arrays of a pair have the same length).
 */
export type Pairing = 'none' | 'rounds' | 'seconds';

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { confidence: 0.95, resamples: 2000, seed: 1 };

/** Block length for a run of n seconds: n^(1/3), at least 1. */
export function blockLength(n: number): number {
  return Math.max(1, Math.round(Math.cbrt(n)));
}

/** Interval of the ratio of medians; each side is a list of runs, each run its samples in time order (none empty). */
export function ratioOfMediansInterval(baseline: readonly number[][], candidate: readonly number[][], o: BootstrapOptions = DEFAULT_BOOTSTRAP, pairing: Pairing = 'none'): RatioInterval {
  if (pairing !== 'none' && baseline.length !== candidate.length) throw new Error(`paired sides need as many runs each (${baseline.length} and ${candidate.length})`);
  if (pairing === 'seconds' && baseline.some((r, i) => r.length !== candidate[i]!.length)) throw new Error('second-paired runs need aligned samples of equal length');
  const rng = new BootstrapRandom(o.seed);
  const logs: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const picks: number[] = [];
  const lentToA = baseline.length === 1 ? runOffsets(candidate) : [];
  const lentToB = candidate.length === 1 ? runOffsets(baseline) : [];
  for (let i = 0; i < o.resamples; i++) {
    if (pairing === 'none') {
      resampleSide(baseline, rng, a);
      resampleSide(candidate, rng, b);
      const offsetA = lentToA.length > 0 ? lentToA[rng.below(lentToA.length)]! : 0;
      const offsetB = lentToB.length > 0 ? lentToB[rng.below(lentToB.length)]! : 0;
      logs.push(Math.log(median(b) / median(a)) + offsetB - offsetA);
      continue;
    }
    a.length = 0;
    b.length = 0;
    for (let r = 0; r < baseline.length; r++) {
      const k = baseline.length === 1 ? 0 : rng.below(baseline.length);
      if (pairing === 'seconds') {
        // a holds log ratios of the same seconds: the statistic is their median
        blockIndices(baseline[k]!.length, rng, picks);
        for (const j of picks) a.push(Math.log(candidate[k]![j]! / baseline[k]![j]!));
      } else {
        blockResample(baseline[k]!, rng, a);
        blockResample(candidate[k]!, rng, b);
      }
    }
    logs.push(pairing === 'seconds' ? median(a) : Math.log(median(b) / median(a)));
  }
  logs.sort((x, y) => x - y);
  const tail = (1 - o.confidence) / 2;
  return {
    ratio: pairing === 'seconds' ? Math.exp(median(baseline.flatMap((run, k) => run.map((v, j) => Math.log(candidate[k]![j]! / v))))) : median(candidate.flat()) / median(baseline.flat()),
    low: Math.exp(quantileSorted(logs, tail)),
    high: Math.exp(quantileSorted(logs, 1 - tail)),
    confidence: o.confidence,
    resamples: o.resamples,
  };
}

/** Each run's log median about the runs' mean, widened by sqrt(k/(k-1)) (a sample's spread understates the population's); none for one run. */
export function runOffsets(runs: readonly number[][]): number[] {
  if (runs.length < 2) return [];
  const logs = runs.map((r) => Math.log(median(r)));
  const mean = logs.reduce((x, y) => x + y, 0) / logs.length;
  const widen = Math.sqrt(runs.length / (runs.length - 1));
  return logs.map((l) => (l - mean) * widen);
}

/** Fills `out` with one bootstrap replicate of a side: runs drawn with replacement, each block-resampled. */
function resampleSide(runs: readonly number[][], rng: BootstrapRandom, out: number[]): void {
  out.length = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs.length === 1 ? runs[0]! : runs[rng.below(runs.length)]!;
    blockResample(run, rng, out);
  }
}

/** Appends run.length values made of blocks of consecutive samples starting at uniform positions. */
function blockResample(run: readonly number[], rng: BootstrapRandom, out: number[]): void {
  const n = run.length;
  const len = blockLength(n);
  let filled = 0;
  while (filled < n) {
    const start = rng.below(n - len + 1);
    for (let j = 0; j < len && filled < n; j++, filled++) out.push(run[start + j]!);
  }
}

/** The indices blockResample would take for a run of n samples, into `out`. */
function blockIndices(n: number, rng: BootstrapRandom, out: number[]): void {
  out.length = 0;
  const len = blockLength(n);
  while (out.length < n) {
    const start = rng.below(n - len + 1);
    for (let j = 0; j < len && out.length < n; j++) out.push(start + j);
  }
}
