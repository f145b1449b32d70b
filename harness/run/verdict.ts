/**
 * The run's verdict from its parts. Precedence: aborted (interrupted or a harness error) >
 * invalid (the generator was the bottleneck, so no latency can be trusted) > critical >
 * warning (a threshold Warning, or a threshold with no data) > good.
 */
import { formatValue } from '../thresholds/live-evaluator.ts';
import type { GeneratorHealth, HarnessError, ThresholdResult, Verdict } from '../../reports/run-result.ts';

export interface VerdictInput {
  thresholds: ThresholdResult[];
  generator: GeneratorHealth;
  interrupted: string | null;
  thresholdAbort: string | null;
  errors: HarnessError[];
}

export function decideVerdict(v: VerdictInput): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = [];
  if (v.interrupted) reasons.push(`interrupted: ${v.interrupted}`);
  for (const e of v.errors) reasons.push(`harness error ${e.code}: ${e.message}`);
  if (v.thresholdAbort) reasons.push(`aborted early by abortOnCritical: ${v.thresholdAbort}`);
  reasons.push(...v.generator.reasons);
  for (const t of v.thresholds) {
    const fmt = (v: number | null): string => (v === null ? 'n/a' : formatValue(v, t.unit));
    if (t.level === 'critical') reasons.push(`${t.key} ${t.stat} = ${fmt(t.value)} is Critical (Good needs ${t.good}${t.warning ? `, Warning ${t.warning}` : ''})`);
    else if (t.level === 'warning') reasons.push(`${t.key} ${t.stat} = ${fmt(t.value)} is Warning (Good needs ${t.good})`);
    else if (t.level === 'no-data') reasons.push(`${t.key} ${t.stat}: no data, so it cannot be judged Good`);
  }
  let verdict: Verdict;
  if (v.interrupted || v.errors.length > 0) verdict = 'aborted';
  else if (v.generator.bottleneck) verdict = 'invalid';
  else if (v.thresholdAbort || v.thresholds.some((t) => t.level === 'critical')) verdict = 'critical';
  else if (v.thresholds.some((t) => t.level === 'warning' || t.level === 'no-data')) verdict = 'warning';
  else verdict = 'good';
  return { verdict, reasons };
}
