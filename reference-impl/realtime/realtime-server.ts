/**
 * The realtime server. One HTTP port serves:
 *   GET /ws?token=... (WebSocket)  token, connection limit and drain checked before the upgrade completes
 *   /health, /healthz               200 while serving, 503 once draining
 *   /metrics                        Prometheus text (realtime-metrics.ts)
 * The protocol is in protocol.ts; fan-out goes through a Broker (broker.ts, redis-broker.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { ComponentOptions, DrainReport, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../common/prometheus-text.ts';
import { UsageError } from '../common/usage-error.ts';
import { refuseUpgrade } from '../tunnel/upgrade-reply.ts';
import { LocalBroker, type Broker, type BrokerEnvelope } from './broker.ts';
import { errorFrame, messageFrame, parseClientMessage, type ClientMessage, type RoomMessage } from './protocol.ts';
import { PublishBatcher } from './publish-batcher.ts';
import type { realtimeFlags } from './realtime-component.ts';
import { RealtimeMetrics, type CloseCause } from './realtime-metrics.ts';
import { RedisBroker } from './redis-broker.ts';

/** Close code 1012 (Service Restart): the client should reconnect, to this or another instance. */
export const CLOSE_SERVICE_RESTART = 1012;
/** Application close codes (4000-4999): why the server ended a connection. */
export const CLOSE_IDLE = 4000;
export const CLOSE_SLOW_CONSUMER = 4001;
const DRAIN_POLL_MS = 20;

interface Client {
  readonly ws: WebSocket;
  readonly rooms: Set<string>;
  lastFrameAt: number;
  awaitingPong: boolean;
  cause: CloseCause | null;
}

/** The running server, with its parts exposed for in-process tests. */
export interface RealtimeServer extends RunningComponent {
  readonly metrics: RealtimeMetrics;
  readonly clients: number;
}

/** Starts the server (and connects to Redis when configured); resolves once it listens. */
export async function startRealtimeServer(options: ComponentOptions<typeof realtimeFlags>, logger: Logger): Promise<RealtimeServer> {
  const tokens = new Set((process.env['REALTIME_TOKENS'] ?? options.tokens).split(',').map((t) => t.trim()).filter((t) => t !== ''));
  if (tokens.size === 0) throw new UsageError('bad-flag', 'component realtime: --tokens needs at least one token');
  const envMax = process.env['WS_MAX_CONNECTIONS_PER_INSTANCE'];
  const maxConnections = options.maxConnections ?? (envMax !== undefined && /^\d+$/.test(envMax) ? Number(envMax) : 10_000);
  if (maxConnections < 1) throw new UsageError('bad-flag', 'component realtime: --max-connections must be at least 1');
  if (options.maxBatch < 1) throw new UsageError('bad-flag', 'component realtime: --max-batch must be at least 1');
  const redisUrl = options.redis ?? process.env['REDIS_URL'];
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) throw new UsageError('bad-flag', `component realtime: --redis expects redis://host:port, got '${redisUrl}'`);

  const rooms = new Map<string, Set<Client>>();
  const clients = new Set<Client>();
  let subscriptions = 0;
  let upgrading = 0;
  let draining = false;
  let broker: Broker | undefined;
  const metrics = new RealtimeMetrics(() => ({ rooms: rooms.size, subscriptions, brokerConnected: broker?.connected ?? false, draining }));

  const deliver = (envelope: BrokerEnvelope): void => {
    const subscribers = rooms.get(envelope.room);
    for (const raw of envelope.messages) {
      metrics.brokerMessagesIn++;
      const m = raw as RoomMessage;
      if (subscribers === undefined || subscribers.size === 0) continue;
      // one encoding for every subscriber; sent as a text frame
      const frame = Buffer.from(messageFrame({ room: envelope.room, payload: m.payload, id: m.id, ts: m.ts }));
      for (const c of subscribers) send(c, frame);
      if (typeof m.ts === 'number') metrics.deliveryLatency.observe(Math.max(0, Date.now() - m.ts) / 1000);
    }
  };

  /** Writes a fan-out frame, or counts it dropped; a consumer over --max-buffered is cut. */
  const send = (c: Client, frame: Buffer): void => {
    if (c.ws.readyState !== WebSocket.OPEN) {
      metrics.dropped.closed++;
      return;
    }
    if (c.ws.bufferedAmount + frame.length > options.maxBuffered) {
      metrics.dropped['slow-consumer']++;
      if (c.cause === null) {
        c.cause = 'slow-consumer';
        c.ws.close(CLOSE_SLOW_CONSUMER, 'slow consumer: send buffer full');
        // a consumer that does not read will not read the close frame either
        c.ws.terminate();
      }
      return;
    }
    c.ws.send(frame, { binary: false });
    metrics.deliveries++;
  };

  if (redisUrl !== undefined) {
    broker = await RedisBroker.connect({ url: redisUrl, prefix: options.redisPrefix, logger, onBadEnvelope: () => { metrics.brokerBadEnvelopes++; } }, deliver).catch((err: unknown) => {
      throw new UsageError('bad-flag', `component realtime: cannot reach Redis at ${redisUrl}: ${(err as Error).message}`);
    });
  } else {
    broker = new LocalBroker(deliver);
  }
  const activeBroker = broker;
  const batcher = new PublishBatcher(activeBroker, options.batchWindow, options.maxBatch, () => { metrics.brokerPublishes++; });

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: options.maxMessage, clientTracking: false });
  const server = createServer({ noDelay: true });
  const lifecycle = new HttpLifecycle(server);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/health' || path === '/healthz') {
      json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ok', connections: clients.size, maxConnections, broker: redisUrl !== undefined ? 'redis' : 'local', brokerConnected: activeBroker.connected });
    } else if (path === '/metrics') {
      const body = metrics.render();
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      json(res, 404, { error: 'not found: WebSocket clients connect to /ws?token=...' });
    }
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a reset during the handshake must not crash the server
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws') {
      metrics.refused['not-found']++;
      return refuseUpgrade(socket, 404, 'not found: connect to /ws?token=...');
    }
    if (draining) {
      metrics.refused.draining++;
      return refuseUpgrade(socket, 503, 'server is draining; reconnect', { 'retry-after': '1' });
    }
    if (!tokens.has(tokenOf(req, url))) {
      metrics.refused.auth++;
      return refuseUpgrade(socket, 401, 'missing or invalid token', { 'www-authenticate': 'Bearer' });
    }
    if (clients.size + upgrading >= maxConnections) {
      metrics.refused['max-connections']++;
      return refuseUpgrade(socket, 503, `this instance holds its ${maxConnections} connections; try another`, { 'retry-after': '1' });
    }
    upgrading++;
    let counted = true;
    // a handshake that fails never calls back; its socket closing must give the slot back
    const settle = (): void => { if (counted) { counted = false; upgrading--; } };
    socket.once('close', settle);
    wss.handleUpgrade(req, socket, head, (ws) => {
      settle();
      attach(ws);
    });
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    logger.debug({ err: err.message, code: err.code }, 'client error');
    if (!socket.writable) return void socket.destroy();
    refuseUpgrade(socket, 400, 'bad request');
  });

  function attach(ws: WebSocket): void {
    const c: Client = { ws, rooms: new Set(), lastFrameAt: performance.now(), awaitingPong: false, cause: null };
    if (draining) {
      c.cause = 'drain';
      ws.close(CLOSE_SERVICE_RESTART, reconnectReason(options.reconnectJitter));
    }
    clients.add(c);
    metrics.connectionsActive = clients.size;
    metrics.connectionsTotal++;
    ws.on('pong', () => { c.awaitingPong = false; });
    ws.on('message', (data: RawData, isBinary: boolean) => onFrame(c, data, isBinary));
    ws.on('error', () => { c.cause ??= 'error'; });
    ws.once('close', () => {
      clients.delete(c);
      metrics.connectionsActive = clients.size;
      metrics.closed[c.cause ?? 'client']++;
      for (const room of c.rooms) leave(c, room);
    });
  }

  function onFrame(c: Client, data: RawData, isBinary: boolean): void {
    c.lastFrameAt = performance.now();
    if (isBinary) {
      metrics.messagesIn['invalid']!++;
      return reply(c, errorFrame('binary-frame', 'frames are JSON text'));
    }
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) {
      metrics.messagesIn['invalid']!++;
      return reply(c, errorFrame(parsed.code, parsed.message, parsed.id));
    }
    const m: ClientMessage = parsed.message;
    metrics.messagesIn[m.type]!++;
    switch (m.type) {
      case 'ping':
        return reply(c, JSON.stringify({ type: 'pong', id: m.id, ts: Date.now() }));
      case 'subscribe':
        return void join(c, m.room).then(
          () => reply(c, JSON.stringify({ type: 'subscribed', room: m.room, id: m.id })),
          (err: unknown) => reply(c, errorFrame('subscribe-failed', `could not subscribe to ${m.room}: ${(err as Error).message}`, m.id)),
        );
      case 'unsubscribe':
        leave(c, m.room);
        return reply(c, JSON.stringify({ type: 'unsubscribed', room: m.room, id: m.id }));
      case 'publish': {
        const message: RoomMessage = { room: m.room, payload: m.payload, id: m.id, ts: Date.now() };
        return void batcher.publish(message).then(
          () => {
            metrics.published++;
            reply(c, JSON.stringify({ type: 'published', id: m.id, ts: message.ts }));
          },
          (err: unknown) => {
            metrics.dropped['broker-unavailable']++;
            reply(c, errorFrame('not-published', `the broker did not take the message: ${(err as Error).message}`, m.id));
          },
        );
      }
    }
  }

  /** Replies to the client itself; replies are small and not subject to the fan-out cap. */
  function reply(c: Client, text: string): void {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
  }

  async function join(c: Client, room: string): Promise<void> {
    if (c.rooms.has(room)) return;
    let members = rooms.get(room);
    if (members === undefined) {
      members = new Set();
      rooms.set(room, members);
    }
    members.add(c);
    c.rooms.add(room);
    subscriptions++;
    // every join waits for the broker subscription, so "subscribed" means messages published after it arrive
    await activeBroker.subscribe(room);
  }

  function leave(c: Client, room: string): void {
    if (!c.rooms.delete(room)) return;
    subscriptions--;
    const members = rooms.get(room);
    if (members === undefined) return;
    members.delete(c);
    if (members.size === 0) {
      rooms.delete(room);
      activeBroker.unsubscribe(room).catch((err: unknown) => logger.debug({ room, err: (err as Error).message }, 'broker unsubscribe failed'));
    }
  }

  // One sweep for every connection: a timer per connection would cost more than the ping itself.
  const sweepMs = options.heartbeat > 0 ? options.heartbeat : options.idleTimeout > 0 ? Math.max(1_000, options.idleTimeout / 4) : 0;
  const sweeper = sweepMs > 0 ? setInterval(() => {
    const now = performance.now();
    for (const c of clients) {
      if (c.cause !== null) continue;
      if (options.idleTimeout > 0 && now - c.lastFrameAt >= options.idleTimeout) {
        c.cause = 'idle-timeout';
        c.ws.close(CLOSE_IDLE, 'idle timeout');
        continue;
      }
      if (options.heartbeat <= 0) continue;
      if (c.awaitingPong) {
        c.cause = 'heartbeat-timeout';
        c.ws.terminate();
        continue;
      }
      c.awaitingPong = true;
      c.ws.ping();
    }
  }, sweepMs) : null;
  sweeper?.unref();

  const url = await lifecycle.listen(options.host, options.port);
  logger.info({ url, maxConnections, broker: redisUrl !== undefined ? 'redis' : 'local', batchWindowMs: options.batchWindow }, 'realtime listening');

  let closing: Promise<DrainReport> | undefined;
  const close = (deadlineMs: number = options.drainTimeout): Promise<DrainReport> => {
    closing ??= (async () => {
      draining = true;
      const started = performance.now();
      if (sweeper) clearInterval(sweeper);
      const httpDrained = lifecycle.drain(deadlineMs);
      batcher.flush();
      for (const c of clients) {
        if (c.cause !== null) continue;
        c.cause = 'drain';
        c.ws.close(CLOSE_SERVICE_RESTART, reconnectReason(options.reconnectJitter));
      }
      while (clients.size > 0 && performance.now() - started < deadlineMs) await sleep(DRAIN_POLL_MS);
      const abandoned = clients.size;
      for (const c of clients) c.ws.terminate();
      // 'close' follows a terminate by a tick or two; wait for it so the counts are final
      const cutAt = performance.now();
      while (clients.size > 0 && performance.now() - cutAt < 1_000) await sleep(DRAIN_POLL_MS);
      const report = await httpDrained;
      await activeBroker.close();
      logger.info({ abandoned }, 'realtime drained');
      return { abandoned: Math.max(abandoned, report.abandoned) };
    })();
    return closing;
  };

  return {
    component: 'realtime',
    url,
    metrics,
    get clients() { return clients.size; },
    close,
  };
}

/** The token from ?token= (the seed's form) or an Authorization: Bearer header. */
function tokenOf(req: IncomingMessage, url: URL): string {
  const q = url.searchParams.get('token');
  if (q !== null) return q;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : '';
}

/** The close reason of a drain: a reconnect hint with jitter, so clients do not all come back at once. */
function reconnectReason(jitterMs: number): string {
  return `draining; reconnect after ${Math.round(Math.random() * jitterMs)}ms`;
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
