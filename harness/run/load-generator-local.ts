/**
 * `--load-generators N` on this machine: N local processes (load-generator-process.ts) listening on
 * 127.0.0.1 port 0, each announcing its URL on stdout, reached over the same WebSocket transport as
 * generator pods in a cluster, so one code path serves both. A process exits when its coordinator
 * connection drops (caplab gone, even by SIGKILL) or when nobody sent `init` in time; stop()
 * waits for each to exit and SIGKILLs a straggler after a grace period; the exit reaper kills any
 * left when caplab exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LaunchedGenerators, LoadGeneratorLauncher } from '../../clusters/cluster.ts';
import { reapOnExit } from '../../clusters/providers/child-reaper.ts';
import { CaplabError } from '../errors.ts';
import { TOKEN_ENV } from './load-generator-protocol.ts';

const TSX_LOADER = import.meta.resolve('tsx');
/** The entry, as tests find it in /proc/<pid>/cmdline. */
export const LOAD_GENERATOR_ENTRY = fileURLToPath(new URL('./load-generator-process.ts', import.meta.url));
/** how long a process that said `done` may take to close its sockets and exit before SIGKILL */
const EXIT_GRACE_MS = 5000;
/** loading TypeScript on a busy 2-core machine took seconds; this bounds a process that never listens */
const LISTEN_TIMEOUT_MS = 60_000;

/** Local processes, one per shard. */
export const localLauncher: LoadGeneratorLauncher = {
  where: 'local processes',
  async launch(count: number, workload: string, signal: AbortSignal): Promise<LaunchedGenerators> {
    const token = randomBytes(16).toString('hex');
    const started: Started[] = [];
    const stop = async (): Promise<void> => { await Promise.all(started.map(stopOne)); };
    try {
      for (let i = 0; i < count; i++) started.push(startOne(token));
      const urls = await Promise.all(started.map((s, i) => listening(s, `${workload} load generator ${i}`, signal)));
      return { urls, token, stop };
    } catch (err) {
      await stop();
      throw err;
    }
  },
};

interface Started { child: ChildProcess; exited: Promise<void> }

function startOne(token: string): Started {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, LOAD_GENERATOR_ENTRY, '--listen', '127.0.0.1:0', '--init-timeout', '60s'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [TOKEN_ENV]: token },
  });
  const unreap = child.pid !== undefined ? reapOnExit(child.pid) : () => {};
  const exited = new Promise<void>((r) => {
    child.once('exit', () => { unreap(); r(); });
    child.once('error', () => { unreap(); r(); });
  });
  return { child, exited };
}

/** The URL from the process's `listening` line. */
function listening(s: Started, label: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: s.child.stdout! });
    const finish = (err: Error | null, url?: string): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      lines.removeAllListeners('line');
      if (err) reject(err); else resolve(url!);
    };
    const onAbort = (): void => finish(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${label}: interrupted before it listened`));
    const timer = setTimeout(() => finish(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${label} (pid ${s.child.pid}) did not listen within ${LISTEN_TIMEOUT_MS / 1000} s`)), LISTEN_TIMEOUT_MS);
    signal.addEventListener('abort', onAbort, { once: true });
    lines.on('line', (line) => {
      try {
        const m = JSON.parse(line) as { event?: string; url?: string };
        if (m.event === 'listening' && typeof m.url === 'string') finish(null, m.url);
      } catch { /* not the listening line */ }
    });
    void s.exited.then(() => finish(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${label} exited with code ${s.child.exitCode} before it listened`)));
  });
}

/** Waits for the process to exit on its own (it does once its link closes), SIGKILL after the grace period. */
async function stopOne(s: Started): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((r) => { timer = setTimeout(r, EXIT_GRACE_MS); });
  await Promise.race([s.exited, grace]);
  clearTimeout(timer);
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await s.exited;
}
