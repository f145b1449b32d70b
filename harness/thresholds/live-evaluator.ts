/**
 * Judges every threshold while the run is going, once per closed window, and says when a line
 * with abortOnCritical asks to stop. It owns no timer: the run loop calls `tick` after it closes
 * each window, so a test drives it second by second without waiting.
 */
import type { ThresholdResult } from '../../reports/run-result.ts';
import type { MetricsAggregate } from '../metrics/aggregate.ts';
import { evaluate } from './evaluate.ts';
import type { ValueUnit } from './parser.ts';
import type { ThresholdSpec } from './threshold-spec.ts';

export interface LiveVerdict {
  results: ThresholdResult[];
  /** set when an abortOnCritical line is Critical after its grace period: the run should stop */
  abort?: { key: string; reason: string };
}

export class LiveEvaluator {
  constructor(private readonly specs: readonly ThresholdSpec[]) {}

  /** Judges every spec now; `elapsedSeconds` is the run time so far, against which grace periods count. */
  tick(aggregate: MetricsAggregate, elapsedSeconds: number): LiveVerdict {
    const results = this.specs.map((s) => evaluate(s, aggregate));
    const verdict: LiveVerdict = { results };
    for (let i = 0; i < this.specs.length; i++) {
      const spec = this.specs[i]!;
      const r = results[i]!;
      if (!spec.abortOnCritical || r.level !== 'critical') continue;
      if (elapsedSeconds * 1000 < spec.gracePeriodMs) continue;
      verdict.abort = { key: r.key, reason: abortReason(r, elapsedSeconds) };
      break;
    }
    return verdict;
  }
}

function abortReason(r: ThresholdResult, elapsedSeconds: number): string {
  const window = r.windowSeconds !== undefined ? ` over the last ${r.windowSeconds}s` : '';
  const bands = `Good needs ${r.good}${r.warning ? `, Warning ${r.warning}` : ''}`;
  return `${r.key} ${r.stat}${window} is ${formatValue(r.value!, r.unit)}, Critical (${bands}) at ${elapsedSeconds}s`;
}

/** A value in its unit as a person reads it: 0.025 as a fraction is 2.5%. */
export function formatValue(value: number, unit: ValueUnit): string {
  const n = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));
  switch (unit) {
    case 'ms': return `${n(value)}ms`;
    case 'fraction': return `${n(value * 100)}%`;
    case 'percent': return `${n(value)}%`;
    case 'bytes': return `${n(value)} B`;
    case 'bytes/s': return `${n(value)} B/s`;
    default: return n(value);
  }
}
