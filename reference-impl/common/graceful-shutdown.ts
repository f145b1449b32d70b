/**
 * Turns SIGTERM/SIGINT (and, for children of the harness, the parent's death) into a drain and a
 * clean exit 0, as Kubernetes expects of a pod. A second signal during the drain exits at once.
 */
import { constants } from 'node:os';
import type { RunningComponent } from './component.ts';
import type { Logger } from './logger.ts';

export interface GracefulShutdownOptions {
  logger: Logger;
  /**
   * Also drain when stdin ends. The local cluster provider holds the write end of a pipe on the
   * child's stdin, so even a SIGKILLed harness (whose exit hooks never run) leaves no component behind.
   */
  exitWhenStdinCloses?: boolean;
  /** injected by tests; defaults to process.exit */
  exit?: (code: number) => void;
}

/** Installs the signal handlers; returns a function that removes them. */
export function installGracefulShutdown(running: RunningComponent, options: GracefulShutdownOptions): () => void {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;

  const stop = (reason: string, forcedExitCode: number) => {
    if (stopping) {
      logger.warn({ reason }, 'second stop request while draining; exiting now');
      exit(forcedExitCode);
      return;
    }
    stopping = true;
    logger.info({ reason }, 'draining');
    running.close().then(
      (report) => {
        if (report.abandoned > 0) logger.warn({ abandoned: report.abandoned }, 'drain deadline passed; in-flight requests were cut');
        logger.info('stopped');
        exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'drain failed');
        exit(1);
      },
    );
  };

  const onSigterm = () => stop('SIGTERM', 128 + constants.signals.SIGTERM);
  const onSigint = () => stop('SIGINT', 128 + constants.signals.SIGINT);
  const onStdinEnd = () => { if (!stopping) stop('parent process gone (stdin closed)', 1); };
  process.on('SIGTERM', onSigterm);
  process.on('SIGINT', onSigint);
  if (options.exitWhenStdinCloses) {
    process.stdin.on('end', onStdinEnd);
    process.stdin.on('error', onStdinEnd);
    process.stdin.resume();
  }
  return () => {
    process.off('SIGTERM', onSigterm);
    process.off('SIGINT', onSigint);
    process.stdin.off('end', onStdinEnd);
    process.stdin.off('error', onStdinEnd);
  };
}
