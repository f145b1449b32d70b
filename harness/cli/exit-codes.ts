/**
 * Exit codes, in one table, so CI can tell "the system under test breached its SLO" apart from
 * "the scenario is wrong" and "the harness broke" (k6's errext/exitcodes habit).
 */
export const ExitCode = {
  /** every threshold Good; Warning too unless --fail-on warning */
  Good: 0,
  /** the harness itself failed (a bug, a provider that would not start, an I/O error) */
  HarnessError: 1,
  /** bad command line or invalid scenario file */
  Usage: 2,
  /** at least one threshold Critical (or Warning with --fail-on warning), or aborted by abortOnCritical */
  Critical: 3,
  /** a regression against the baseline */
  Regression: 4,
  /** the run measured the load generator, not the system (verdict `invalid`): rerun with more workers or less load */
  Invalid: 5,
  /** stopped by SIGINT/SIGTERM; a partial result marked `aborted` was still written */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
