/**
 * One proxy worker: an HTTP/1.1 server that forwards every request except the admin paths to an
 * upstream picked by UpstreamSet, over undici keep-alive pools. The request path does no logging.
 * On `drain` it stops accepting, answers in-flight requests with `Connection: close`, closes idle
 * connections, cuts what is left at the deadline and reports its final counters before exiting.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as NetServer, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { FastPath } from './fast-path.ts';
import type { Logger } from '../common/logger.ts';
import { forwardRequest, type ForwardContext, type ForwardedRequest } from './forwarded-request.ts';
import { emptyRequests, type DrainPlan, type ToPrimary, type ToWorker, type WorkerSetup, type WorkerSnapshot } from './proxy-ipc.ts';
import { UpstreamSet } from './upstream-set.ts';

const IDLE_SWEEP_MS = 50;
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
  /**
   * Open client connections: requests in progress, when the last one ended and, once draining,
   * when the connection is told to close (its next response says `Connection: close`).
   */
  const connections = new Map<Socket, { busy: number; idleSince: number; closeAt: number }>();
  const track = (socket: Socket): void => {
    if (connections.has(socket)) return; // handed over by the fast path: tracked since it was accepted
    connections.set(socket, { busy: 0, idleSince: performance.now(), closeAt: draining ? 0 : Infinity });
    socket.once('close', () => connections.delete(socket));
  };
  server.on('connection', track);
  /** Whether a response on `socket` may keep the connection open: always, until it is draining and its turn came. */
  const keepAlive = (socket: Socket | null): boolean => {
    if (!draining) return true;
    const c = socket === null ? undefined : connections.get(socket);
    return c !== undefined && performance.now() < c.closeAt;
  };

  const ctx: ForwardContext = {
    upstreams, requests, failureStatuses: new Set(config.failureStatuses), retryOnConnectError: config.retryOnConnectError,
    keepAlive,
    tripped(origin, what, failure) {
      logger.warn({ upstream: origin, breakerOpened: what.breakerOpened, ejected: what.ejected, lastFailure: failure, generation: setup.generation },
        what.breakerOpened ? 'circuit breaker opened for an upstream (this worker)' : 'upstream ejected by outlier detection (this worker)');
    },
  };

  /** A request starts (true) or its answer ended (false) on `socket`: in-flight count and the connection's idle bookkeeping, for both paths. */
  const busy = (socket: Socket, starts: boolean): void => {
    const c = connections.get(socket);
    if (starts) { inFlight++; if (c) c.busy++; return; }
    inFlight--;
    if (c) { c.busy--; c.idleSince = performance.now(); }
  };

  // With the fast path the port is a plain net.Server; Node's HTTP server never listens and only
  // gets the connections the fast path hands over.
  const fast = config.fastPath ? new FastPath(ctx, server, {
    connections: config.pool.connections, keepAliveTimeout: config.pool.keepAliveTimeout, connectTimeout: config.pool.connectTimeout,
    readBufferSize: config.buffers.highWaterMark, headersTimeout: config.pool.headersTimeout, maxHeaderSize: config.buffers.maxHeaderSize,
    adminPaths: [config.admin.healthPath, config.admin.metricsPath],
    busy,
  }) : null;
  const front: NetServer = fast === null ? server : createNetServer({ noDelay: true, pauseOnConnect: true, highWaterMark: config.buffers.highWaterMark } as object, (socket) => { track(fast.accept(socket)); });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    busy(socket, true);
    let forwarded: ForwardedRequest | undefined;
    res.once('close', () => {
      busy(socket, false);
      forwarded?.clientClosed();
    });
    if (draining && !keepAlive(req.socket)) res.shouldKeepAlive = false;
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

  const snapshot = (): WorkerSnapshot => ({ pid: process.pid, generation: setup.generation, requests: { ...requests }, inFlight, upstreams: upstreams.snapshot() });

  /**
   * Stops accepting and closes every connection within `spreadMs` (each at its own random moment:
   * its next response says `Connection: close`), then exits. Spreading matters on a reload: closing
   * every connection at once makes every client reconnect at once, onto new workers whose code is
   * not yet optimised and whose upstream pools are empty (measured at 2000 req/s: ~0.5 s during
   * which requests waited 300-500 ms); spread over a second, the new generation warms up on a
   * growing share of the traffic, as Envoy's gradual drain does. A shutdown passes 0: nobody takes over.
   *
   * A connection that stays idle is closed only after `idleCloseMs` without a request, and that is
   * a race no server can win: a client that has just sent on it (or whose event loop has not yet
   * seen the FIN) fails that request. Measured at 2000 req/s on a loaded machine with a 1 s idle
   * close: 4 to 80 requests failed per two reloads, `other side closed`, none of them seen by the
   * proxy; with no idle close, none. So a reload gives an idle connection 6 s: a client with
   * traffic reuses its connections well within that, and one idle that long is a spare its pool
   * rarely picks (the race stays for a spare picked at that very moment); a shutdown waits 1 s.
   */
  const drain = ({ deadlineMs, spreadMs, idleCloseMs }: DrainPlan): void => {
    if (draining) return;
    draining = true;
    let abandoned = 0;
    const start = performance.now();
    for (const c of connections.values()) c.closeAt = start + Math.random() * spreadMs;
    // responses not yet started check keepAlive(); the rest have sent their headers already
    const sweep = setInterval(() => {
      const now = performance.now();
      const idle: Socket[] = [];
      for (const [socket, c] of connections) if (c.busy === 0 && now >= c.closeAt && now - c.idleSince >= idleCloseMs) idle.push(socket);
      if (idle.length === 0) return;
      // Not from this timer: a request the client already sent may wait unread in the socket for
      // as long as the event loop lags; after the poll phase has read and parsed what arrived, a
      // connection that got a request is busy and stays open. This narrows the race, it cannot close it.
      setImmediate(() => { for (const socket of idle) if (connections.get(socket)?.busy === 0) socket.destroy(); });
    }, IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      abandoned = inFlight;
      server.closeAllConnections();
      for (const socket of connections.keys()) socket.destroy(); // the fast path's too
    }, deadlineMs);
    // net.Server's close, not http.Server's: that one (Node >= 19) also closes idle keep-alive
    // connections at once, racing clients that are about to send on them
    NetServer.prototype.close.call(front, () => {
      clearInterval(sweep);
      clearTimeout(deadline);
      fast?.close();
      void upstreams.close().finally(() => {
        logger.info({ generation: setup.generation, abandoned }, 'worker drained');
        send({ t: 'final', snap: snapshot(), abandoned }, () => exit(0));
      });
    });
  };

  const port = await new Promise<number>((resolve, reject) => {
    front.once('error', reject);
    front.listen({ host: setup.host, port: setup.port }, () => {
      front.off('error', reject);
      resolve((front.address() as AddressInfo).port);
    });
  });

  return {
    port,
    onMessage(msg) {
      switch (msg.t) {
        case 'health': upstreams.setHealth(msg.healthy); break;
        case 'drain': drain(msg.plan); break;
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
