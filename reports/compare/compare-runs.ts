/**
 * The regression gate's decision. A regression is claimed only when the whole confidence interval
 * of the ratio new/baseline lies above the allowed ratio (1 + maxRegression); the change passes
 * when the whole interval lies at or below it; otherwise the runs cannot tell, and the verdict
 * says so (`inconclusive`) instead of guessing. Too few usable seconds is inconclusive too.
 */
import type { MetricUnit, RunResult } from '../run-result.ts';
import { DEFAULT_BOOTSTRAP, ratioOfMediansInterval, type BootstrapOptions, type Pairing, type RatioInterval } from './block-bootstrap.ts';
import { CompareError } from './compare-error.ts';
import { runPoints, type MetricSpec, type SeriesStat } from './metric-samples.ts';

export type RegressionVerdict = 'regression' | 'pass' | 'improved' | 'inconclusive';

export interface CompareOptions extends BootstrapOptions {
  /** allowed slowdown as a fraction: 0.1 lets the new run be up to 1.1x the baseline */
  maxRegression: number;
  /** fewest usable seconds each side needs before any verdict but inconclusive */
  minSamples: number;
  /** how the sides' runs belong together (block-bootstrap.ts); `none` for a stored baseline */
  pairing: Pairing;
}

export const DEFAULT_COMPARE: CompareOptions = { ...DEFAULT_BOOTSTRAP, maxRegression: 0.1, minSamples: 5, pairing: 'none' };

export interface SideSummary {
  runs: number;
  /** usable per-second samples over all runs */
  samples: number;
  /** median of those samples; null without any */
  median: number | null;
}

export interface Comparison {
  metric: string;
  stat: SeriesStat;
  unit: MetricUnit;
  baseline: SideSummary;
  candidate: SideSummary;
  maxRegression: number;
  /** null when there were too few samples to compute one */
  interval: RatioInterval | null;
  verdict: RegressionVerdict;
  /** one sentence: why this verdict */
  reason: string;
  /** what to do when the verdict is inconclusive */
  suggestion?: string;
  /** things about the inputs a reader should know (invalid runs, runs without samples) */
  notes: string[];
}

/** Compares stored runs: each side is one or more RunResults of the same scenario. */
export function compareRuns(baseline: readonly RunResult[], candidate: readonly RunResult[], spec: MetricSpec, o: CompareOptions = DEFAULT_COMPARE): Comparison {
  const notes: string[] = [];
  const side = (runs: readonly RunResult[], name: string): { t: number; value: number }[][] =>
    runs.map((r, i) => {
      const label = runs.length === 1 ? `the ${name} run` : `${name} run ${i + 1}`;
      if (r.verdict === 'invalid' || r.verdict === 'aborted') notes.push(`${label} (${r.scenario}, ${r.startedAt}) is ${r.verdict}: ${r.verdictReasons[0] ?? 'see its report'}`);
      const s = runPoints(r, spec, label);
      if (s.length === 0) notes.push(`${label} has no second with enough requests for a ${spec.stat}`);
      return s;
    });
  let a = side(baseline, 'baseline');
  let b = side(candidate, 'new');
  if (o.pairing === 'seconds') [a, b] = alignSeconds(a, b);
  const unitOf = (r: RunResult | undefined): MetricUnit | undefined => {
    const m = r?.metrics[spec.metric];
    return m?.type === 'trend' ? m.unit : undefined;
  };
  const scenarios = new Set([...baseline, ...candidate].map((r) => r.scenario));
  if (o.pairing === 'none' && baseline.length === 1 && candidate.length === 1) {
    notes.push('one run on each side: how much runs differ is not in the interval; save several baseline runs (caplab baseline save) or compare with caplab ab');
  }
  if (scenarios.size > 1) notes.push(`the runs are of different scenarios (${[...scenarios].join(', ')}): the ratio compares unlike things`);
  const values = (runs: { value: number }[][]): number[][] => runs.map((r) => r.map((p) => p.value));
  const judged: Comparison = { ...compareSamples(values(a), values(b), spec, o), unit: unitOf(candidate[0]) ?? unitOf(baseline[0]) ?? 'ms', notes };
  // An invalid run measured the generator or an overloaded machine, not the system: its latency
  // may include the generator's own delay, and side by side one process can be starved for
  // seconds while the other is not (bench:gate saw A/A pairs of invalid runs 1.1-1.4x apart).
  // Either can make or hide a regression, so no verdict is claimed.
  const unsound = [...baseline, ...candidate].filter((r) => r.verdict === 'invalid' || r.verdict === 'aborted').length;
  if (unsound > 0 && judged.verdict !== 'inconclusive') {
    return {
      ...judged,
      verdict: 'inconclusive',
      reason: `${judged.reason}, but ${unsound} of the runs ${unsound === 1 ? 'is' : 'are'} invalid or aborted, so their latency may include the load generator's own delay`,
      suggestion: 'rerun on a quieter machine or with more generator workers until `caplab run` judges the runs valid',
    };
  }
  return judged;
}

/** Keeps, in each pair of runs made side by side, only the seconds both have. */
function alignSeconds<P extends { t: number }>(a: P[][], b: P[][]): [P[][], P[][]] {
  if (a.length !== b.length) throw new CompareError(`side-by-side runs come in pairs: ${a.length} baseline and ${b.length} new runs`, 'pass as many runs on each side');
  const keep = a.map((run, i) => {
    const other = new Set(b[i]!.map((p) => Math.round(p.t)));
    return new Set(run.map((p) => Math.round(p.t)).filter((t) => other.has(t)));
  });
  return [a.map((run, i) => run.filter((p) => keep[i]!.has(Math.round(p.t)))), b.map((run, i) => run.filter((p) => keep[i]!.has(Math.round(p.t))))];
}

/** The decision on raw samples (each side a list of runs, each run its per-second values in time order). */
export function compareSamples(baseline: readonly number[][], candidate: readonly number[][], spec: MetricSpec, o: CompareOptions = DEFAULT_COMPARE): Comparison {
  // Paired runs stay in pairs: an empty run takes its partner out with it.
  const usable = baseline.map((r, i) => (o.pairing === 'none' ? r.length > 0 : r.length > 0 && (candidate[i]?.length ?? 0) > 0));
  const a = o.pairing === 'none' ? baseline.filter((r) => r.length > 0) : baseline.filter((_, i) => usable[i]);
  const b = o.pairing === 'none' ? candidate.filter((r) => r.length > 0) : candidate.filter((_, i) => usable[i]);
  const summary = (runs: readonly number[][], all: readonly number[][]): SideSummary => {
    const flat = runs.flat().sort((x, y) => x - y);
    const mid = flat.length === 0 ? null : flat.length % 2 === 1 ? flat[(flat.length - 1) / 2]! : (flat[flat.length / 2 - 1]! + flat[flat.length / 2]!) / 2;
    return { runs: all.length, samples: flat.length, median: mid };
  };
  const base = { metric: spec.metric, stat: spec.stat, unit: 'ms' as MetricUnit, baseline: summary(a, baseline), candidate: summary(b, candidate), maxRegression: o.maxRegression, notes: [] };
  const limit = 1 + o.maxRegression;
  const fewest = Math.min(base.baseline.samples, base.candidate.samples);
  if (fewest < o.minSamples) {
    return {
      ...base,
      interval: null,
      verdict: 'inconclusive',
      reason: `too few samples: ${base.baseline.samples} usable seconds in the baseline and ${base.candidate.samples} in the new run(s); the gate needs at least ${o.minSamples} on each side`,
      suggestion: 'lengthen the run (each measured second with enough requests is one sample) or raise the request rate',
    };
  }
  const interval = ratioOfMediansInterval(a, b, o, o.pairing);
  const shown = `ratio ${interval.ratio.toFixed(3)}, ${pct(interval.confidence)} interval [${interval.low.toFixed(3)}, ${interval.high.toFixed(3)}]`;
  if (interval.low > limit) {
    return { ...base, interval, verdict: 'regression', reason: `${shown} lies wholly above the allowed ${limit.toFixed(3)} (+${pct(o.maxRegression)})` };
  }
  if (interval.high <= limit) {
    const improved = interval.high < 1;
    return { ...base, interval, verdict: improved ? 'improved' : 'pass', reason: `${shown} lies wholly ${improved ? 'below 1 (faster)' : `at or below the allowed ${limit.toFixed(3)}`}` };
  }
  return {
    ...base,
    interval,
    verdict: 'inconclusive',
    reason: `${shown} straddles the allowed ${limit.toFixed(3)}: these runs cannot tell whether ${spec.stat} got worse by more than ${pct(o.maxRegression)}`,
    suggestion: 'lengthen the runs (more seconds narrow the interval), save more baseline runs, or compare interleaved builds with `caplab ab`',
  };
}

function pct(f: number): string {
  return `${Number((f * 100).toFixed(1))}%`;
}
