/** Maps a run's verdict to the process exit code (see exit-codes.ts). */
import type { RunResult } from '../../reports/run-result.ts';
import type { FailOn } from '../../reports/render/fail-policy.ts';
import { ExitCode } from './exit-codes.ts';

export type { FailOn };

export function exitCodeFor(result: RunResult, failOn: FailOn): ExitCode {
  switch (result.verdict) {
    case 'good':
      return ExitCode.Good;
    case 'warning':
      return failOn === 'warning' ? ExitCode.Critical : ExitCode.Good;
    case 'critical':
      return ExitCode.Critical;
    case 'invalid':
      return ExitCode.Invalid;
    case 'aborted':
      return result.errors.length > 0 ? ExitCode.HarnessError : ExitCode.Interrupted;
  }
}
