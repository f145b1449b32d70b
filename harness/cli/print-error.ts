/** How a failed command explains itself: code, message, every detail line, then what to do. */
import { isCaplabError } from '../errors.ts';
import { ExitCode } from './exit-codes.ts';

export function printError(err: unknown, stream: NodeJS.WritableStream = process.stderr): number {
  if (isCaplabError(err)) {
    for (const d of err.details) stream.write(`${d}\n`);
    stream.write(`error ${err.code}: ${err.message}\nhint: ${err.hint}\n`);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  stream.write(`error CAPLAB_ERR_INTERNAL: ${e.stack ?? e.message}\nhint: this is a caplab bug: please report it with the scenario file\n`);
  return ExitCode.HarnessError;
}
