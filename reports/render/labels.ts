/** The words every renderer uses for levels, verdicts and threshold statistics. */
import type { Level, ThresholdResult, Verdict } from '../run-result.ts';

const LEVEL_LABELS: Record<Level, string> = { good: 'GOOD', warning: 'WARN', critical: 'CRIT', 'no-data': 'NO DATA' };

/** Short upper-case label for a threshold level: GOOD, WARN, CRIT, NO DATA. */
export function levelLabel(level: Level): string {
  return LEVEL_LABELS[level];
}

const VERDICT_WORDS: Record<Verdict, string> = {
  good: 'GOOD',
  warning: 'WARNING',
  critical: 'CRITICAL',
  invalid: 'INVALID (the load generator was the bottleneck)',
  aborted: 'ABORTED (the run stopped early)',
};

/** The verdict in words, with what `invalid` and `aborted` mean. */
export function verdictWords(verdict: Verdict): string {
  return VERDICT_WORDS[verdict];
}

/** The statistic as written, plus its sliding window when it has one: `p(95) over 30s`. */
export function statLabel(t: ThresholdResult): string {
  return t.windowSeconds !== undefined ? `${t.stat} over ${t.windowSeconds}s` : t.stat;
}

/** The warning condition, or what its absence means. */
export function warningLabel(t: ThresholdResult): string {
  return t.warning ?? '(none: not good is critical)';
}

/** `scenario` or `default profile`, so a reader knows which lines they did not write. */
export function sourceLabel(t: ThresholdResult): string {
  return t.source === 'default-profile' ? 'default profile' : 'scenario';
}
