/**
 * RunResults with synthetic per-second series for gate tests: the good.json fixture with its
 * http_req_duration series replaced by `seconds` seeded log-normal p95 values around `p95Ms`
 * (`spread` is the log-scale standard deviation), so a ratio of 1.1 between two of them is a real,
 * known 10% slowdown with realistic second-to-second noise.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunResult, SeriesPoint } from '../../../../reports/run-result.ts';
import { BootstrapRandom } from '../../../../reports/compare/bootstrap-random.ts';

const GOOD = fileURLToPath(new URL('../../../fixtures/run-results/good.json', import.meta.url));

/** n log-normal values with median `median` and log standard deviation `spread`. */
export function logNormalSamples(n: number, median: number, spread: number, seed: number): number[] {
  const rng = new BootstrapRandom(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // Box-Muller; 1 - next() keeps the log away from 0.
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    out.push(median * Math.exp(spread * z));
  }
  return out;
}

export interface SyntheticRun { p95Ms: number; seconds: number; seed: number; spread?: number; count?: number; startedAt?: string }

/** A valid RunResult whose http_req_duration series carries the synthetic p95 values. */
export function syntheticResult(o: SyntheticRun): RunResult {
  const r = JSON.parse(readFileSync(GOOD, 'utf8')) as RunResult;
  const values = logNormalSamples(o.seconds, o.p95Ms, o.spread ?? 0.05, o.seed);
  const series: SeriesPoint[] = values.map((p95, i) => ({ t: i + 1, count: o.count ?? 200, p50: p95 / 2, p95, p99: p95 * 1.3, max: p95 * 2 }));
  return { ...r, startedAt: o.startedAt ?? r.startedAt, series: { ...r.series, http_req_duration: series } };
}
