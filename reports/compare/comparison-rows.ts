/**
 * The cells of a comparison table (metric, baseline, new, ratio, interval, verdict), shared by the
 * console and the Markdown PR comment so both say the same thing.
 */
import { formatValue } from '../render/format.ts';
import type { Comparison } from './compare-runs.ts';

export const COMPARISON_HEADER = ['metric', 'baseline', 'new', 'ratio', 'interval', 'verdict'];

/** One row per comparison; values are medians of the per-second statistic. */
export function comparisonRow(c: Comparison): string[] {
  const side = (s: Comparison['baseline']): string =>
    `${s.median === null ? '-' : formatValue(s.median, c.unit)} (${s.runs} run${s.runs === 1 ? '' : 's'}, ${s.samples} s)`;
  const i = c.interval;
  return [
    `${c.metric} ${c.stat}`,
    side(c.baseline),
    side(c.candidate),
    i === null ? '-' : `${i.ratio.toFixed(3)} (${signedPercent(i.ratio)})`,
    i === null ? '-' : `${Math.round(i.confidence * 100)}%: ${i.low.toFixed(3)} to ${i.high.toFixed(3)}`,
    c.verdict,
  ];
}

/** The sentences under the table: the gate, each verdict's reason, what to do, and notes. */
export function comparisonFacts(cs: readonly Comparison[]): string[] {
  const gates = [...new Set(cs.map((c) => c.maxRegression))].map((m) => `${(1 + m).toFixed(3)} (--max-regression ${Number((m * 100).toFixed(1))}%)`);
  return [
    `A regression is claimed only when the whole interval of new/baseline lies above ${gates.join(', ')}; values are medians of per-second ${[...new Set(cs.map((c) => c.stat))].join(', ')}.`,
    ...cs.map((c) => `${c.metric} ${c.stat}: ${c.verdict}: ${c.reason}.${c.suggestion ? ` To decide: ${c.suggestion}.` : ''}`),
    ...[...new Set(cs.flatMap((c) => c.notes))].map((n) => `Note: ${n}.`),
  ];
}

function signedPercent(ratio: number): string {
  const p = (ratio - 1) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}
