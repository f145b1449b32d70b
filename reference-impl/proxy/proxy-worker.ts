/**
 * One proxy worker: an HTTP/1.1 server that forwards every request except the admin paths to an
 * upstream picked by UpstreamSet, over undici keep-alive pools. The request path does no logging.
 * On `drain` it stops accepting, answers in-flight requests with `Connection: close`, closes idle
 * connections, cuts what is left at the deadline and reports its final counters before exiting.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import type { Logger } from '../common/logger.ts';
import { forwardRequest, type ForwardContext, type ForwardedRequest } from './forwarded-request.ts';
import { emptyRequests, type ToPrimary, type ToWorker, type WorkerSetup, type WorkerSnapshot } from './proxy-ipc.ts';
import { UpstreamSet } from './upstream-set.ts';

const IDLE_SWEEP_MS = 50;
/**
 * While draining, a keep-alive connection idle this long is closed. Busy connections are not cut:
 * their next response says `Connection: close`, so the client stops using them cleanly. An idle one
 * is closed only after a grace, because closing it just as the client sends on it resets that
 * request (a race no server can close, but a client with traffic reuses a connection well within it).
 */
const DRAIN_IDLE_GRACE_MS = 1_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const METRICS_TIMEOUT_MS = 2_000;

export interface WorkerHandle {
  port: number;
  /** handles one message from the primary */
  onMessage(msg: ToWorker): void;
}

/** Starts the worker's server; `send` carries messages to the primary. */
export async function startProxyWorker(setup: WorkerSetup, send: (msg: ToPrimary, done?: () => void) => void, logger: Logger, exit: (code: number) => void): Promise<WorkerHandle> {
  const { config } = setup;
  const upstreams = new UpstreamSet(config, setup.healthy);
  const requests = emptyRequests();
  let inFlight = 0;
  let draining = false;
  let nextMetricsId = 0;
  const metricsWaiters = new Map<number, (text: string | null) => void>();

  const server = createServer({ keepAlive: true, noDelay: true, highWaterMark: config.buffers.highWaterMark, maxHeaderSize: config.buffers.maxHeaderSize });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  /** open client connections: requests in progress and when the last one ended */
  const connections = new Map<Socket, { busy: number; idleSince: number }>();
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { busy: 0, idleSince: performance.now() });
    socket.once('close', () => connections.delete(socket));
  });

  const ctx: ForwardContext = {
    upstreams, requests, failureStatuses: new Set(config.failureStatuses), retryOnConnectError: config.retryOnConnectError,
    isDraining: () => draining,
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    const conn = connections.get(req.socket);
    if (conn) conn.busy++;
    let forwarded: ForwardedRequest | undefined;
    res.once('close', () => {
      inFlight--;
      if (conn) { conn.busy--; conn.idleSince = performance.now(); }
      forwarded?.clientClosed();
    });
    if (draining) res.shouldKeepAlive = false;
    const path = req.url ?? '/';
    if (path === config.admin.healthPath) {
      finishAdmin(res, draining ? 503 : 200, draining ? 'draining\n' : 'ok\n');
    } else if (path === config.admin.metricsPath) {
      const id = nextMetricsId++;
      const timer = setTimeout(() => metricsWaiters.get(id)?.(null), METRICS_TIMEOUT_MS);
      metricsWaiters.set(id, (text) => {
        clearTimeout(timer);
        metricsWaiters.delete(id);
        if (text === null) finishAdmin(res, 503, 'metrics unavailable: the primary did not answer\n');
        else finishAdmin(res, 200, text, 'text/plain; version=0.0.4; charset=utf-8');
      });
      send({ t: 'metrics', id });
    } else {
      forwarded = forwardRequest(ctx, req, res);
    }
  });

  const snapshot = (): WorkerSnapshot => ({ requests: { ...requests }, inFlight, upstreams: upstreams.snapshot() });

  const drain = (deadlineMs: number): void => {
    if (draining) return;
    draining = true;
    let abandoned = 0;
    // responses not yet started will say Connection: close (ForwardContext.isDraining); the rest
    // have sent their headers already
    const sweep = setInterval(() => {
      const now = performance.now();
      for (const [socket, c] of connections) if (c.busy === 0 && now - c.idleSince >= DRAIN_IDLE_GRACE_MS) socket.destroy();
    }, IDLE_SWEEP_MS);
    const deadline = setTimeout(() => { abandoned = inFlight; server.closeAllConnections(); }, deadlineMs);
    // net.Server's close, not http.Server's: that one (Node >= 19) also closes idle keep-alive
    // connections at once, racing clients that are about to send on them
    NetServer.prototype.close.call(server, () => {
      clearInterval(sweep);
      clearTimeout(deadline);
      void upstreams.close().finally(() => {
        logger.info({ generation: setup.generation, abandoned }, 'worker drained');
        send({ t: 'final', snap: snapshot(), abandoned }, () => exit(0));
      });
    });
  };

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: setup.host, port: setup.port }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  return {
    port,
    onMessage(msg) {
      switch (msg.t) {
        case 'health': upstreams.setHealth(msg.healthy); break;
        case 'drain': drain(msg.deadlineMs); break;
        case 'snapshot': send({ t: 'snapshot', id: msg.id, snap: snapshot() }); break;
        case 'metrics-text': metricsWaiters.get(msg.id)?.(msg.text); break;
      }
    },
  };
}

function finishAdmin(res: ServerResponse, status: number, text: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
