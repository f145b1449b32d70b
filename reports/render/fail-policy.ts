/**
 * Which levels fail CI. The same rule drives the exit code, junit.xml failures and the
 * pass/fail line of every summary, so `--fail-on warning` means one thing everywhere.
 */
import type { Level, Verdict } from '../run-result.ts';

/** `--fail-on`: the lowest level that fails the run. */
export type FailOn = 'critical' | 'warning';

/** Options every file renderer takes. */
export interface RenderOptions { failOn: FailOn }

/** Whether one threshold line counts as failed; `no-data` fails only under `--fail-on warning`. */
export function thresholdFails(level: Level, failOn: FailOn): boolean {
  if (level === 'critical') return true;
  return failOn === 'warning' && (level === 'warning' || level === 'no-data');
}

/** Whether the whole run fails, as the exit-code table says (invalid and aborted always fail). */
export function runFails(verdict: Verdict, failOn: FailOn): boolean {
  if (verdict === 'good') return false;
  if (verdict === 'warning') return failOn === 'warning';
  return true;
}
