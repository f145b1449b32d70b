/**
 * The boundary to the CLIs the real-cluster providers drive (docker, kind, kubectl): every call
 * goes through a CommandRunner, so unit tests replace it with a fake that records calls and
 * answers from a script, and no test needs Docker.
 */
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CommandResult {
  /** exit code; 127 when the program is not on PATH */
  code: number;
  stdout: string;
  stderr: string;
  /** the program was not found (ENOENT) */
  notFound: boolean;
}

export interface RunOptions {
  /** written to stdin */
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A long-running command (e.g. `kubectl port-forward`) whose output is read line by line. */
export interface BackgroundCommand {
  /** resolves with the exit code once it exits (any way) */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then resolves once it exited */
  stop(): Promise<void>;
}

export interface CommandRunner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** starts `command`; `onLine` gets each stdout and stderr line */
  start(command: string, args: readonly string[], onLine: (line: string) => void): BackgroundCommand;
}

/** The real runner: child processes, 64 MiB of output at most, never a shell. */
export const systemRunner: CommandRunner = {
  run(command, args, options = {}) {
    return new Promise((resolve) => {
      const child = execFile(command, [...args], { maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 0, ...(options.signal ? { signal: options.signal } : {}) },
        (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null;
          if (e?.code === 'ENOENT') { resolve({ code: 127, stdout: '', stderr: `${command}: not found on PATH`, notFound: true }); return; }
          const code = e === null ? 0 : typeof e.code === 'number' ? e.code : 1;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) || (e && code !== 0 ? e.message : ''), notFound: false });
        });
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  },
  start(command, args, onLine) {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', onLine);
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code) => resolve(code));
    });
    return {
      exited,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  },
};
