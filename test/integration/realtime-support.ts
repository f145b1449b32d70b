/**
 * Helpers for the realtime tests: in-process realtime servers, a redis-server child on a free
 * loopback port (stopped by PID), and a small promise-based WebSocket client that keeps every
 * frame it gets.
 */
import { WebSocket, type RawData } from 'ws';
import { parseFlags } from '../../reference-impl/common/flags.ts';
import { createLogger } from '../../reference-impl/common/logger.ts';
import { realtimeComponent } from '../../reference-impl/realtime/realtime-component.ts';
import { redisServerMissing, startRedisProcess, type RedisProcess } from '../../reference-impl/realtime/redis-process.ts';
import { startRealtimeServer, type RealtimeServer } from '../../reference-impl/realtime/realtime-server.ts';

export { redisServerMissing, startRedisProcess, type RedisProcess };

const started = new Set<{ close(deadlineMs?: number): Promise<unknown> }>();

/** Starts a realtime server on a free port with these extra flags (e.g. ['--max-connections', '2']). */
export async function startRealtime(flags: string[] = []): Promise<RealtimeServer> {
  const options = parseFlags(realtimeComponent.flags, ['--port', '0', ...flags], 'component realtime');
  const server = await startRealtimeServer(options as Parameters<typeof startRealtimeServer>[0], createLogger('realtime', 'silent'));
  started.add(server);
  return server;
}

/** Closes every server this file started (drain deadline 200 ms). */
export async function closeAll(): Promise<void> {
  await Promise.all([...started].map((s) => s.close(200)));
  started.clear();
}

/** The value of an unlabelled metric, or of the sample with this label, from a /metrics page. */
export async function metricOf(baseUrl: string, name: string, label?: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const want = label === undefined ? name : `${name}{${label}}`;
  const line = text.split('\n').find((l) => l.startsWith(`${want} `));
  if (line === undefined) throw new Error(`no ${want} in /metrics`);
  return Number(line.slice(want.length + 1));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `read` every 20 ms until `accept` holds; the test timeout bounds it. */
export async function eventually<T>(read: () => Promise<T> | T, accept: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (accept(v)) return v;
    await sleep(20);
  }
}

/** A test client: every JSON frame it gets is kept in `frames`, in order. */
export class TestClient {
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d: RawData) => {
      this.frames.push(JSON.parse(d.toString()) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
  }

  /** Connects to base URL's /ws with the token; rejects with `status N` when refused. */
  static connect(baseUrl: string, token = 'caplab-dev', path = '/ws'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}?token=${encodeURIComponent(token)}`);
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        reject(new Error(`status ${res.statusCode}`));
        ws.terminate();
      });
      ws.once('error', reject);
      ws.once('open', () => resolve(new TestClient(ws)));
    });
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Waits until a frame matching `match` arrived (searching those already kept) and returns it. */
  async next(match: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Sends a request frame with an id and returns its reply. */
  async request(frame: Record<string, unknown>, id: number): Promise<Record<string, unknown>> {
    this.send({ ...frame, id });
    return this.next((f) => f['id'] === id && f['type'] !== 'message');
  }

  /** Fan-out messages received, in order. */
  messages(): Record<string, unknown>[] {
    return this.frames.filter((f) => f['type'] === 'message');
  }

  close(): void {
    this.ws.terminate();
  }
}
