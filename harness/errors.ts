/**
 * Every error a user can meet, each with a stable code and a hint that says what to do
 * (undici's UND_ERR_* and fastify's FST_ERR_* habit). Match on `err.code`, never on the message.
 * test/unit/errors.test.ts keeps this list honest.
 */
import { ExitCode } from './cli/exit-codes.ts';

interface ErrorDef { message: string; hint: string; exitCode: ExitCode }

export const ERRORS = {
  CAPLAB_ERR_SCENARIO_INVALID: { message: 'scenario file is invalid', hint: 'fix the problems listed above; `caplab validate FILE` checks a file without running it', exitCode: ExitCode.Usage },
  CAPLAB_ERR_SCENARIO_READ: { message: 'cannot read scenario file', hint: 'check the path and permissions', exitCode: ExitCode.Usage },
  CAPLAB_ERR_USAGE: { message: 'invalid command line', hint: 'see `caplab --help`', exitCode: ExitCode.Usage },
  CAPLAB_ERR_REMOTE_TARGET: { message: 'target is not a loopback address', hint: 'load may only be sent to 127.0.0.0/8 or ::1 unless you pass --allow-remote-target', exitCode: ExitCode.Usage },
  CAPLAB_ERR_UNKNOWN_COMPONENT: { message: 'unknown component', hint: 'run `caplab serve --help` for the list of reference components', exitCode: ExitCode.Usage },
  CAPLAB_ERR_PROVIDER_UNAVAILABLE: { message: 'cluster provider is not available here', hint: 'use --cluster local, or install what the message names', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_DOCKER_UNAVAILABLE: { message: 'Docker engine not reachable', hint: 'the kind and k3s providers run Kubernetes in Docker: `docker info` must succeed; or use --cluster local', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_TOOL_MISSING: { message: 'a tool the cluster provider drives is missing', hint: 'install what the message names, or use --cluster local', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_IMAGE_MISSING: { message: 'the reference image is not built', hint: 'build it with `npm run image:build`', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_KUBE_CONTEXT: { message: 'no usable Kubernetes context', hint: 'name the context to deploy into with --context (see `kubectl config get-contexts`)', exitCode: ExitCode.Usage },
  CAPLAB_ERR_KUBE_DEPLOY: { message: 'Kubernetes rejected or did not finish a deployment step', hint: 'read the kubectl output above; rerun with --verbose for every command', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_COMPONENT_START: { message: 'component failed to start', hint: 'read the component log lines printed above; run it alone with `caplab serve <component>`', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_COMPONENT_NOT_READY: { message: 'component did not become ready in time', hint: 'raise readiness.timeout in the scenario, or check the component with `caplab serve`', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_DRIVER_CONNECT: { message: 'cannot connect to the target', hint: 'check that the target is up and the URL is right', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_DATASET_SETUP: { message: 'a dataset could not be made', hint: 'every setup request under `datasets:` must succeed before the load starts; try the request by hand (curl) against `caplab serve <component>`', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_WORKER_FAILED: { message: 'a load generator failed', hint: 'a worker thread: rerun with workers: 0 to see the error in the main thread; a generator process or pod (--load-generators): read its output (`kubectl logs` of the Job\'s pod)', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_IMPORT: { message: 'cannot import this file', hint: '`caplab import` reads an Artillery script (YAML) or, with --report, the JSON report `artillery run --output` wrote', exitCode: ExitCode.Usage },
  CAPLAB_ERR_RESULT_READ: { message: 'cannot read run result', hint: 'pass a result.json written by `caplab run`', exitCode: ExitCode.Usage },
  CAPLAB_ERR_RESULT_VERSION: { message: 'run result has an unsupported schemaVersion', hint: 're-run the scenario with this caplab version, or use the caplab version that wrote it', exitCode: ExitCode.Usage },
  CAPLAB_ERR_OUTPUT_WRITE: { message: 'cannot write run outputs', hint: 'check that --out names a writable directory', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_FD_LIMIT: { message: 'not enough file descriptors for the requested connections', hint: 'lower the connection count or raise `ulimit -n` (this workplace caps it at 20,000)', exitCode: ExitCode.HarnessError },
  CAPLAB_ERR_INTERNAL: { message: 'internal error', hint: 'this is a caplab bug: please report it with the scenario file', exitCode: ExitCode.HarnessError },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;

/** The one error class caplab throws for anything a user can meet. */
export class CaplabError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly exitCode: ExitCode;
  /** extra lines printed before the message (e.g. every scenario problem with file:line:col) */
  readonly details: readonly string[];

  constructor(code: ErrorCode, detail?: string, options?: { hint?: string; details?: string[]; cause?: unknown }) {
    const def = ERRORS[code];
    super(detail ? `${def.message}: ${detail}` : def.message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'CaplabError';
    this.code = code;
    this.hint = options?.hint ?? def.hint;
    this.exitCode = def.exitCode;
    this.details = options?.details ?? [];
  }
}

export function isCaplabError(err: unknown): err is CaplabError {
  return err instanceof CaplabError;
}
