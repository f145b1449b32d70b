/**
 * One replica of a reference component, run as a child process:
 *   node --import <tsx loader> reference-impl/main.ts <component> [flags] --port 0 --host 127.0.0.1
 * The OS picks the port; the child reports it in its one `listening` line on stdout, so there is
 * no port race. Its stderr (JSON log lines) goes to the cluster log, prefixed with its label, and
 * the last lines are kept for error messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CaplabError } from '../../harness/errors.ts';
import { reapOnExit } from './child-reaper.ts';

/** tsx's ESM loader, absolute, so children resolve it whatever their working directory. */
const TSX_LOADER = import.meta.resolve('tsx');
const REFERENCE_MAIN = fileURLToPath(new URL('../../reference-impl/main.ts', import.meta.url));
/** The variable reference-impl/main.ts reads (EXIT_WITH_PARENT_ENV) to drain when its stdin pipe closes. */
const EXIT_WITH_PARENT_ENV = 'CAPLAB_EXIT_WITH_PARENT';
const STDERR_TAIL_LINES = 20;

export interface LocalProcessOptions {
  /** reference component to run */
  component: string;
  /** log prefix and name in messages, e.g. `echo` or `echo#2` */
  label: string;
  flags: Readonly<Record<string, string | number | boolean>>;
  env: Readonly<Record<string, string>>;
  log: (line: string) => void;
  /** port to listen on; 0 (the default) lets the OS pick one. A restarted replica gets its old port back. */
  port?: number;
}

export interface ProcessExit { code: number | null; signal: NodeJS.Signals | null }

export class LocalProcess {
  readonly label: string;
  readonly pid: number;
  /** resolves once the process has exited and its output is read; never rejects */
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | undefined;
  private readonly tail: string[] = [];
  private readonly listening: Promise<{ url: string } | { usageError: { kind: string; message: string } } | null>;
  private listenUrl: string | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(child: ChildProcess, options: LocalProcessOptions) {
    this.label = options.label;
    this.pid = child.pid!;
    const unregister = reapOnExit(this.pid);
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        unregister();
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });

    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.tail.push(line);
      if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
      options.log(`[${this.label}] ${line}`);
    });
    const stdout = createInterface({ input: child.stdout! });
    this.listening = new Promise((resolve) => {
      stdout.on('line', (line) => {
        const event = parseEvent(line);
        if (event?.event === 'listening' && typeof event.url === 'string') resolve({ url: event.url });
        else if (event?.event === 'usage-error') resolve({ usageError: { kind: String(event.kind), message: String(event.message) } });
        else options.log(`[${this.label}] ${line}`);
      });
      stdout.once('close', () => resolve(null));
    });
    // the pipe to the child's stdin stays open for its lifetime; EPIPE after its exit is expected
    child.stdin!.on('error', () => {});
    child.on('error', (err) => options.log(`[${this.label}] process error: ${err.message}`));
  }

  /** Spawns the replica; call `whenListening` to learn its URL. */
  static spawn(options: LocalProcessOptions): LocalProcess {
    const args = [
      '--import', TSX_LOADER, REFERENCE_MAIN, options.component,
      ...flagArgs(options.flags),
      // last, so they win over any port or host in the scenario's flags: the provider owns addresses
      '--port', String(options.port ?? 0), '--host', '127.0.0.1',
    ];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...options.env, [EXIT_WITH_PARENT_ENV]: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      child.once('error', () => {});
      // spawn failures surface as an 'error' event; without a pid there is nothing to wait for
      throw new CaplabError('CAPLAB_ERR_COMPONENT_START', `${options.label}: could not spawn ${process.execPath}`);
    }
    return new LocalProcess(child, options);
  }

  /** the base URL, once listening */
  get url(): string | undefined { return this.listenUrl; }

  /** how it exited, once it has */
  get exit(): ProcessExit | undefined { return this.exitInfo; }

  /** the last stderr lines, oldest first */
  stderrTail(): string[] { return [...this.tail]; }

  /**
   * Waits for the `listening` line. Rejects with CAPLAB_ERR_COMPONENT_START (exited first, with its
   * stderr), CAPLAB_ERR_UNKNOWN_COMPONENT / CAPLAB_ERR_USAGE (the child rejected its command line),
   * CAPLAB_ERR_COMPONENT_NOT_READY (timeout) or the signal's reason. Does not stop the process.
   */
  async whenListening(timeoutMs: number, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CaplabError('CAPLAB_ERR_COMPONENT_NOT_READY',
        `${this.label} did not report listening within ${timeoutMs} ms${this.describeTail()}`)), timeoutMs);
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const outcome = await Promise.race([this.listening, interrupted]);
      if (outcome !== null && 'url' in outcome) {
        this.listenUrl = outcome.url;
        return outcome.url;
      }
      if (outcome !== null) {
        const { kind, message } = outcome.usageError;
        if (kind === 'unknown-component') throw new CaplabError('CAPLAB_ERR_UNKNOWN_COMPONENT', message.replace(/^unknown component /, ''));
        throw new CaplabError('CAPLAB_ERR_USAGE', message, { hint: 'fix the component flags in the scenario; `caplab serve --help` lists each component\'s flags' });
      }
      const exit = await Promise.race([this.exited, interrupted]);
      throw this.startError(`exited (${describeExit(exit)}) before it was listening`);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** The error for a replica that died during start-up, with its last stderr lines. */
  startError(what: string): CaplabError {
    return new CaplabError('CAPLAB_ERR_COMPONENT_START', `${this.label} ${what}${this.describeTail()}`);
  }

  /** SIGTERM, then SIGKILL after graceMs if it is still running; resolves once it has exited. Idempotent. */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exitInfo) return;
      signalPid(this.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => { timer = setTimeout(resolve, graceMs, 'timeout'); });
      const outcome = await Promise.race([this.exited, graceOver]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        signalPid(this.pid, 'SIGKILL');
        await this.exited;
      }
    })();
    return this.stopping;
  }

  /** SIGKILL now (a crash, as a fault injects it); resolves once it has exited. */
  async kill(): Promise<void> {
    if (this.exitInfo) return;
    signalPid(this.pid, 'SIGKILL');
    await this.exited;
  }

  private describeTail(): string {
    return this.tail.length === 0 ? '; it wrote nothing on stderr' : `; last stderr lines:\n${this.tail.map((l) => `  | ${l}`).join('\n')}`;
  }
}

/** `{ 'response-size': '1KiB', verbose: true }` -> `['--response-size=1KiB', '--verbose']`; camelCase keys become kebab-case. */
export function flagArgs(flags: Readonly<Record<string, string | number | boolean>>): string[] {
  return Object.entries(flags).map(([key, value]) => {
    const name = key.replace(/^-+/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return value === true ? `--${name}` : `--${name}=${String(value)}`;
  });
}

function parseEvent(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(pid, signal); } catch { /* already gone */ }
}
