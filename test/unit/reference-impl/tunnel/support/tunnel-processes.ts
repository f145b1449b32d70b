/**
 * Integration-test support for the tunnel: its components as real child processes (tracked by
 * pid so `after` can prove none is left), an in-test local target, tokens, and small HTTP helpers.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type Agent, type IncomingMessage, type Server } from 'node:http';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { signJwt } from '../../../../../reference-impl/tunnel/jwt.ts';

const MAIN = fileURLToPath(new URL('../../../../../reference-impl/main.ts', import.meta.url));
const CONNECT = fileURLToPath(new URL('../../../../../reference-impl/tunnel/connect-client.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export const SECRET = 'integration-secret-0123456789';

/** A JWT for `sub` of `owner`, valid for `ttlSec` (negative = already expired). */
export function token(sub: string, owner: string, ttlSec = 600, secret = SECRET): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ sub, owner, iat: now, exp: now + ttlSec }, secret);
}

export interface Proc {
  child: ChildProcess;
  url: string;
  /** JSON events printed on stdout after the listening line */
  events: Array<Record<string, unknown>>;
  stderr: string[];
  /** Resolves once `pred` holds for some stdout event (past or future). */
  waitForEvent(pred: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned: number[] = [];

function start(script: string, args: string[]): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', TSX, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } });
  spawned.push(child.pid!);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const events: Array<Record<string, unknown>> = [];
  const watchers: Array<{ pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }> = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let listening = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      if (!listening) {
        listening = true;
        if (event.event !== 'listening') return reject(new Error(`${script} ${args.join(' ')}: ${line}\n${stderr.join('\n')}`));
        const proc: Proc = {
          child, url: String(event.url), events, stderr, exited,
          waitForEvent: (pred) => {
            const seen = events.find(pred);
            return seen ? Promise.resolve(seen) : new Promise((res) => watchers.push({ pred, resolve: res }));
          },
        };
        return resolve(proc);
      }
      events.push(event);
      for (const w of [...watchers]) if (w.pred(event)) { watchers.splice(watchers.indexOf(w), 1); w.resolve(event); }
    });
    void exited.then(() => { if (!listening) reject(new Error(`${script} exited before listening:\n${stderr.join('\n')}`)); });
  });
}

/** `reference-impl/main.ts <component> --port 0 ...args`. */
export function startComponent(component: string, args: string[]): Promise<Proc> {
  return start(MAIN, [component, '--port', '0', ...args]);
}

/** The tunnel-connect entry. */
export function startConnectClient(args: string[]): Promise<Proc> {
  return start(CONNECT, args);
}

/** A tunnel server with the shared secret and short drain, plus any extra flags. */
export function startServer(extra: string[] = []): Promise<Proc> {
  return startComponent('tunnel-server', ['--token-secret', SECRET, '--drain-timeout', '5s', ...extra]);
}

/** An agent for `sub` of `owner` minting its own tokens, with short backoff; resolves once it announced a connect. */
export async function startAgent(serverUrl: string, localTarget: string, sub: string, owner: string, extra: string[] = []): Promise<Proc> {
  const agent = await startComponent('tunnel-agent', [
    '--server', `${serverUrl.replace(/^http/, 'ws')}/ws`, '--local-target', localTarget,
    '--token-secret', SECRET, '--agent-id', sub, '--owner', owner,
    '--backoff-initial', '50ms', '--backoff-max', '200ms', '--drain-timeout', '2s', ...extra,
  ]);
  await agent.waitForEvent((e) => e.event === 'connected');
  return agent;
}

/** SIGKILLs whatever is still running, then asserts every spawned pid is gone. */
export async function reapAll(): Promise<void> {
  for (const pid of spawned) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  for (let i = 0; i < 100 && spawned.some(isRunning); i++) await new Promise((r) => setTimeout(r, 20));
  for (const pid of spawned.splice(0)) assert.equal(isRunning(pid), false, `pid ${pid} is still running`);
}

function isRunning(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code !== 'ESRCH'; }
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Deterministic bytes: `n` bytes of a simple LCG from `seed`. */
export function seededBytes(n: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0; out[i] = x >>> 24; }
  return out;
}

/**
 * The local target agents forward to, in the test process:
 *   /upload          -> JSON {bytes, sha256} of the request body
 *   /bytes?n=N       -> N seeded bytes
 *   /slow?ms=M       -> 200 after M ms
 *   anything else    -> JSON {method, url, headers}
 * plus a WebSocket echo on any upgrade. `requests` counts every request it saw.
 */
export class LocalTarget {
  requests = 0;
  readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor() {
    this.server = createServer({ keepAlive: true }, (req, res) => {
      this.requests++;
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/upload') {
        const hash = createHash('sha256');
        let bytes = 0;
        req.on('data', (c: Buffer) => { hash.update(c); bytes += c.length; });
        req.on('end', () => json(res, { bytes, sha256: hash.digest('hex') }));
      } else if (url.pathname === '/bytes') {
        const body = seededBytes(Number(url.searchParams.get('n')));
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(body);
      } else if (url.pathname === '/slow') {
        req.resume();
        setTimeout(() => json(res, { slept: true }), Number(url.searchParams.get('ms')));
      } else {
        req.resume();
        json(res, { method: req.method, url: req.url, headers: req.headers });
      }
    });
    this.server.on('upgrade', (req, socket, head) => {
      this.requests++;
      this.wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function json(res: import('node:http').ServerResponse, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A TCP echo server (echoes, and answers a FIN with a FIN after echoing). */
export async function tcpEcho(): Promise<{ address: string; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    close: async () => { for (const s of sockets) s.destroy(); await new Promise((r) => server.close(r)); },
  };
}

export interface Reply { status: number; headers: IncomingMessage['headers']; body: Buffer; localPort: number }

/** One HTTP request; pass `agent` to reuse keep-alive connections. */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false }, (res) => {
      const localPort = res.socket.localPort!;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), localPort }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The value of one sample on a Prometheus text page, e.g. metric(text, 'x_total{reason="expired"}'). */
export function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no series ${series} on the metrics page`);
  return Number(line.slice(series.length + 1));
}

/** The metrics page of a component. */
export async function metricsOf(baseUrl: string): Promise<string> {
  return (await send(`${baseUrl}/metrics`)).body.toString();
}
