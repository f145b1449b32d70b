/**
 * Runs Debian's `redis-server` as a child process for tests and the `redis` component: no
 * persistence (`--save '' --appendonly no`), loopback only, on a free port. It is started under a
 * small `sh` that kills it when our stdin pipe closes, so even a SIGKILLed parent leaves no Redis
 * behind; stop() ends it by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export interface RedisProcess {
  readonly host: string;
  readonly port: number;
  /** PID of redis-server itself */
  readonly pid: number;
  /** redis://host:port */
  readonly url: string;
  /** Ends Redis (SIGTERM, SIGKILL after 3 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Why Redis cannot be run here, or null when `redis-server` is installed. */
export function redisServerMissing(): string | null {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return r.error ? 'redis-server is not installed (bash scripts/install-system-deps.sh redis-server)' : null;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
// `exec` is not used so the shell stays to watch stdin; the first line it prints is Redis's PID.
// Redis's own log goes to stderr: on stdout its start-up banner could come before the PID line.
const WRAPPER = 'redis-server "$@" 1>&2 & pid=$!; echo "$pid"; trap \'kill -TERM $pid 2>/dev/null\' TERM; read _ ; kill -TERM $pid 2>/dev/null; wait $pid';

/** Starts redis-server on host:port (0 = a free port) and resolves once it answers PING. */
export async function startRedisProcess(host = '127.0.0.1', port = 0): Promise<RedisProcess> {
  const missing = redisServerMissing();
  if (missing !== null) throw new Error(missing);
  const chosen = port === 0 ? await freePort(host) : port;
  const args = ['--port', String(chosen), '--bind', host, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
  const child = spawn('sh', ['-c', WRAPPER, 'sh', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let pid: number;
  try {
    pid = await firstLinePid(child);
    await waitForPong(host, chosen, exited);
  } catch (err) {
    // Closing stdin makes the wrapper end Redis itself; SIGKILLing only the wrapper would orphan
    // redis-server (seen once: a start that failed left it running and the test process waiting).
    child.stdin!.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    throw err;
  }
  child.stdout!.resume(); // Redis's own output, unread, must not fill the pipe
  let stopping: Promise<void> | undefined;
  return {
    host,
    port: chosen,
    pid,
    url: `redis://${host}:${chosen}`,
    stop: () => {
      stopping ??= (async () => {
        child.stdin!.end();
        killQuietly(pid, 'SIGTERM');
        const timer = setTimeout(() => { killQuietly(pid, 'SIGKILL'); child.kill('SIGKILL'); }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function firstLinePid(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (b: Buffer): void => {
      text += b.toString();
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      child.stdout!.off('data', onData);
      const pid = Number(text.slice(0, nl).trim());
      if (Number.isInteger(pid) && pid > 0) resolve(pid);
      else reject(new Error(`redis wrapper printed '${text.slice(0, nl)}' instead of a PID`));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (code ${code}) before starting`)));
  });
}

/** Polls with a raw PING until +PONG, the process exits, or the timeout. */
async function waitForPong(host: string, port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (gone) throw new Error(`redis-server exited before answering on ${host}:${port} (port taken?)`);
    if (await pingOnce(host, port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not answer PING on ${host}:${port} within ${READY_TIMEOUT_MS} ms`);
}

function pingOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let got = '';
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.setTimeout(500, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (b) => {
      got += b.toString();
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
  });
}

/** A port free on host now (there is a small window before Redis binds it). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
