/**
 * The gate's command-line options, parsed once for `caplab compare` and `caplab ab`: every bad
 * value is a CompareError naming the flag and an example.
 */
import { DEFAULT_COMPARE, type CompareOptions } from './compare-runs.ts';
import { parseMetricSpec, type MetricSpec } from './metric-samples.ts';
import { CompareError } from './compare-error.ts';

export interface GateFlags {
  metric: string[];
  maxRegression: string;
  confidence: string;
  seed: string;
  minSamples: string;
}

export const GATE_DEFAULTS = { metric: ['http_req_duration:p95'], maxRegression: '10%', confidence: '95%', seed: '1', minSamples: String(DEFAULT_COMPARE.minSamples) };

/** Flags -> metric specs and CompareOptions (pairing `none`; the caller sets it). */
export function parseGateFlags(f: GateFlags): { specs: MetricSpec[]; options: CompareOptions } {
  const specs = f.metric.map(parseMetricSpec);
  const maxRegression = fraction(f.maxRegression, '--max-regression', 'write e.g. --max-regression 10% (new may be up to 1.1x the baseline)');
  const confidence = fraction(f.confidence, '--confidence', 'write e.g. --confidence 95%');
  if (!(confidence >= 0.5 && confidence < 1)) throw new CompareError(`--confidence ${f.confidence} must lie from 50% to under 100%`, 'write e.g. --confidence 95%');
  const seed = Number(f.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CompareError(`--seed ${f.seed} is not a whole number from 0 to 4294967295`, 'write e.g. --seed 1');
  const minSamples = Number(f.minSamples);
  if (!Number.isInteger(minSamples) || minSamples < 2) throw new CompareError(`--min-samples ${f.minSamples} is not a whole number of at least 2`, 'write e.g. --min-samples 5');
  return { specs, options: { ...DEFAULT_COMPARE, maxRegression, confidence, seed, minSamples } };
}

/**
 * Whether the gate fails: on a regression, and with `failOnInconclusive` also when the comparison
 * could not decide (a gate that must prove "not slower" rather than fail only on proof of "slower").
 */
export function gateFails(verdict: 'regression' | 'inconclusive' | 'pass' | 'improved', failOnInconclusive = false): boolean {
  return verdict === 'regression' || (failOnInconclusive && verdict === 'inconclusive');
}

/** `10%` or `0.1` -> 0.1; throws CompareError for negatives and non-numbers. */
function fraction(text: string, flag: string, hint: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) throw new CompareError(`${flag} ${text} is not a percentage`, hint);
  if (m[2] === '%') return Number(m[1]) / 100;
  if (Number(m[1]) >= 1) throw new CompareError(`${flag} ${text} is ambiguous: a fraction under 1 or a percentage with %`, hint);
  return Number(m[1]);
}
