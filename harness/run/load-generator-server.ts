/**
 * A load generator's end of the link: a WebSocket server that takes exactly one coordinator
 * (the bearer token must match), runs a GeneratorAgent for it, and says when the process should
 * exit and with which code:
 * - 0 once the shard is `done` and the coordinator closed or was told so;
 * - 1 when the coordinator connection drops before that (as a forked process exits when its IPC
 *   channel closes: nobody would read the result), when a frame breaks the protocol, or when no
 *   `init` arrived within the deadline (a pod nobody dialled must not wait forever).
 * Pings every few seconds find a coordinator that vanished without closing (a dead port-forward).
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { GeneratorAgent } from './load-generator-agent.ts';
import { decodeToGenerator, encodeMessage, MAX_FRAME_BYTES, ProtocolError, type FromLoadGenerator } from './load-generator-protocol.ts';
import type { WorkerInit } from './workload-messages.ts';

/** How often the generator pings its coordinator; one missed pong ends the link. */
const PING_INTERVAL_MS = 5_000;

export interface GeneratorServerOptions {
  host: string;
  port: number;
  /** required as `Authorization: Bearer <token>` on the upgrade; empty: none required */
  token: string;
  /** exit 1 if no coordinator sent `init` within this many ms */
  initTimeoutMs: number;
  /** the shard this process must run (Kubernetes' JOB_COMPLETION_INDEX), cross-checked against init */
  expectedShard?: number;
  /** one line for the process's stderr */
  log: (line: string) => void;
}

export interface GeneratorServer {
  /** ws://host:port it listens on */
  readonly url: string;
  /** resolves with the exit code once the process should go */
  readonly exitCode: Promise<number>;
}

/** Listens and serves one coordinator. */
export async function serveCoordinator(o: GeneratorServerOptions): Promise<GeneratorServer> {
  const wss = new WebSocketServer({
    host: o.host, port: o.port, maxPayload: MAX_FRAME_BYTES,
    verifyClient: (info: { req: { headers: Record<string, string | string[] | undefined> } }) => o.token === '' || info.req.headers.authorization === `Bearer ${o.token}`,
  });
  await new Promise<void>((resolve, reject) => { wss.once('listening', resolve); wss.once('error', reject); });
  const address = wss.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let finish!: (code: number) => void;
  const exitCode = new Promise<number>((r) => { finish = r; });
  let settled = false;
  const end = (code: number, why?: string): void => {
    if (settled) return;
    settled = true;
    clearTimeout(initTimer);
    if (why) o.log(why);
    for (const c of wss.clients) c.terminate();
    wss.close(() => finish(code));
  };
  const initTimer = setTimeout(() => end(1, `no coordinator sent init within ${o.initTimeoutMs / 1000} s; exiting`), o.initTimeoutMs);

  let coordinator: WebSocket | null = null;
  wss.on('connection', (ws) => {
    if (coordinator) {
      ws.close(1013, 'this load generator already has a coordinator');
      return;
    }
    coordinator = ws;
    serve(ws, o, end, () => clearTimeout(initTimer));
  });
  return { url: `ws://${host}:${address.port}`, exitCode };
}

function serve(ws: WebSocket, o: GeneratorServerOptions, end: (code: number, why?: string) => void, initialised: () => void): void {
  let done = false;
  const post = (m: FromLoadGenerator): Promise<void> => new Promise((resolve) => {
    if (m.type === 'done') done = true;
    if (ws.readyState !== ws.OPEN) return resolve();
    ws.send(encodeMessage(m), { binary: true }, () => resolve());
  });
  const check = (init: WorkerInit): void => {
    if (o.expectedShard !== undefined && init.shardIndex !== o.expectedShard) {
      throw new ProtocolError(`init names shard ${init.shardIndex}, but this pod's JOB_COMPLETION_INDEX is ${o.expectedShard}`);
    }
  };
  const agent = new GeneratorAgent(post, check);
  let failed = false;
  // done or error sent: close the link; the coordinator reads everything before the close frame.
  void agent.finished.then(() => {
    if (ws.readyState === ws.OPEN) ws.close(1000, done ? 'done' : 'failed');
    setTimeout(() => ws.terminate(), 5_000).unref();
  });

  let alive = true;
  const ping = setInterval(() => {
    if (!alive) { ws.terminate(); return; }
    alive = false;
    ws.ping();
  }, PING_INTERVAL_MS);
  ws.on('pong', () => { alive = true; });

  ws.on('message', (data, isBinary) => {
    try {
      const m = decodeToGenerator(data, isBinary);
      if (m.type === 'init') initialised();
      agent.receive(m);
    } catch (err) {
      failed = true;
      const message = err instanceof ProtocolError ? err.detail : err instanceof Error ? err.message : String(err);
      o.log(message);
      void post({ type: 'error', message }).then(() => ws.close(1002, 'protocol error'));
    }
  });
  ws.on('close', () => {
    clearInterval(ping);
    agent.abort();
    if (done && !failed) end(0);
    else end(1, failed ? undefined : `the coordinator connection closed before the shard was done${agent.initialised ? '' : ' (no init)'}; exiting`);
  });
}
