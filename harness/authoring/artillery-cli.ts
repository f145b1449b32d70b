/**
 * Runs the user's `artillery` CLI (an optional peer: caplab does not depend on it) on a script and
 * collects its JSON report. Artillery 2.0.21 sends a telemetry event even with
 * ARTILLERY_DISABLE_TELEMETRY set (an anonymised one) and waits for it before exiting, which
 * offline means waiting out its retries. Its telemetry client (posthog-node on axios) honours
 * HTTPS_PROXY, and caplab's targets are plain http on loopback, so the run gets HTTPS_PROXY
 * pointing at a local sink that answers every request at once: nothing leaves the machine and the
 * exit does not wait on the network. HTTP_PROXY is removed, since Artillery's own HTTP engine
 * would send the load through it. A run past its time limit is killed (its whole process group).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ArtilleryRunOptions {
  /** the artillery executable */
  bin: string;
  script: string;
  /** where `--output` writes the JSON report */
  reportFile: string;
  /** overrides config.target */
  target?: string;
  /** SIGTERM, then SIGKILL 5 s later, past this */
  timeoutMs: number;
  /** stops the run the same way (SIGINT, the end of caplab's run) */
  signal?: AbortSignal;
}

export interface ArtilleryRun {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** requests that reached the telemetry sink, as `METHOD url` */
  telemetry: string[];
  elapsedMs: number;
}

/** The command that installs the optional peer, for error hints. */
export const ARTILLERY_INSTALL = 'PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm i -g artillery@2.0.21';

/** The artillery CLI: CAPLAB_ARTILLERY, else `artillery` on PATH; null when there is none. */
export function findArtillery(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env['CAPLAB_ARTILLERY'];
  if (given !== undefined && given !== '') return existsSync(given) ? given : null;
  return onPath(env);
}

/**
 * The artillery CLI for a scenario: `bin` when given (it must exist), else CAPLAB_ARTILLERY, else
 * node_modules/.bin/artillery in `fromDir` or a directory above it (a project that installed the
 * peer locally), else PATH. Null when there is none.
 */
export function locateArtillery(o: { bin?: string; fromDir: string; env?: NodeJS.ProcessEnv }): string | null {
  const env = o.env ?? process.env;
  if (o.bin !== undefined) return existsSync(o.bin) ? o.bin : null;
  const given = env['CAPLAB_ARTILLERY'];
  if (given !== undefined && given !== '') return existsSync(given) ? given : null;
  for (let dir = path.resolve(o.fromDir); ; dir = path.dirname(dir)) {
    const local = path.join(dir, 'node_modules', '.bin', 'artillery');
    if (existsSync(local)) return local;
    if (path.dirname(dir) === dir) break;
  }
  return onPath(env);
}

function onPath(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'artillery');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Runs `artillery run --output report script`; resolves when it exits (or was killed). */
export async function runArtillery(o: ArtilleryRunOptions): Promise<ArtilleryRun> {
  const sink = await startTelemetrySink();
  const env: NodeJS.ProcessEnv = { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', HTTPS_PROXY: sink.url, https_proxy: sink.url };
  delete env['HTTP_PROXY'];
  delete env['http_proxy'];
  const args = ['run', '--output', o.reportFile, ...(o.target !== undefined ? ['--target', o.target] : []), o.script];
  const started = Date.now();
  const child = spawn(o.bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  let timedOut = false;
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  let kill: NodeJS.Timeout | undefined;
  const stop = (): void => {
    killGroup('SIGTERM');
    kill ??= setTimeout(() => killGroup('SIGKILL'), 5000);
  };
  const term = setTimeout(() => {
    timedOut = true;
    stop();
  }, o.timeoutMs);
  o.signal?.addEventListener('abort', stop, { once: true });
  if (o.signal?.aborted) stop();
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    return { exitCode, timedOut, stdout, stderr, telemetry: sink.seen, elapsedMs: Date.now() - started };
  } finally {
    // Once it has exited, its process group id may be reused: no signal may follow.
    clearTimeout(term);
    clearTimeout(kill);
    o.signal?.removeEventListener('abort', stop);
    await sink.close();
  }
}

interface Sink { url: string; seen: string[]; close(): Promise<void> }

/** An HTTP proxy stand-in that answers every request with 200 `{}` and refuses tunnels. */
async function startTelemetrySink(): Promise<Sink> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
