/**
 * HTTP ingress: each user request is written as HTTP/1.1 onto a yamux stream to the agent, which
 * pipes the stream to its local target over TCP. We speak HTTP on the stream through Node's own
 * client (its connections are streams, see stream-pool.ts), so the agent's answer is parsed
 * properly, the user's keep-alive connection can carry the next request, and a stream is kept
 * for the next request like a pooled upstream connection. Bodies stream both ways with
 * backpressure. An Upgrade request (WebSocket to the target) gets its own stream, passed through
 * as raw bytes.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../common/logger.ts';
import type { AgentLink } from './agent-link.ts';
import { bridge } from './bridge.ts';
import { endToEndHeaders, requestHeadersForAgent } from './forward-headers.ts';
import { NO_STREAM, StreamPool } from './stream-pool.ts';
import type { TunnelMetrics } from './tunnel-metrics.ts';
import type { YamuxStream } from './yamux/index.ts';

export interface IngressContext {
  metrics: TunnelMetrics;
  logger: Logger;
  /** more open streams than this on one agent -> 503 */
  maxStreamsPerAgent: number;
  /** no response headers from the agent within this -> 504 */
  responseTimeoutMs: number;
  /** how long a stream is kept for the next request (0 = one stream per request) */
  keepAliveMs: number;
  /** one pool per agent link, made on its first request */
  pools: WeakMap<AgentLink, StreamPool>;
}

/** Where the request goes: the agent, the path it sees, and the stripped prefix of the path form. */
export interface IngressTarget { link: AgentLink; path: string; prefix?: string }

/** Proxies one request to the agent; never throws, answers 502/503/504 itself. */
export function proxyHttp(req: IncomingMessage, res: ServerResponse, target: IngressTarget, ctx: IngressContext): void {
  const { link } = target;
  const pool = poolFor(link, ctx);
  if (link.isClosed || link.isRetiring || (link.streams >= ctx.maxStreamsPerAgent && pool.idleCount === 0)) {
    req.resume();
    ctx.metrics.ingressDone('unavailable');
    reply(res, 503, 'agent unavailable');
    return;
  }
  const sent = performance.now();
  const upstream = httpRequest({
    agent: pool,
    method: req.method,
    path: target.path,
    headers: requestHeadersForAgent(req.rawHeaders, { remoteAddress: req.socket.remoteAddress, host: req.headers.host, ...(target.prefix !== undefined ? { prefix: target.prefix } : {}) }),
    setHost: false,
  });
  let settled = false;
  const timer = setTimeout(() => fail('timeout', 504, 'the agent sent no response in time'), ctx.responseTimeoutMs);
  function fail(outcome: 'bad-gateway' | 'timeout' | 'unavailable', status: number, message: string): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    ctx.metrics.ingressDone(outcome);
    upstream.destroy();
    if (!res.headersSent) reply(res, status, message);
    else res.destroy();
  }

  upstream.on('response', (answer: IncomingMessage) => {
    if (settled) {
      answer.destroy();
      return;
    }
    settled = true;
    clearTimeout(timer);
    ctx.metrics.firstByte.observe((performance.now() - sent) / 1000);
    ctx.metrics.ingressDone('proxied');
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.rawHeaders));
    answer.pipe(res);
    answer.on('error', () => res.destroy());
    answer.on('aborted', () => res.destroy());
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === NO_STREAM) return fail('unavailable', 503, 'agent unavailable');
    if (!settled) ctx.logger.debug({ err: err.message, agent: link.identity.id }, 'agent stream failed before a response');
    fail('bad-gateway', 502, 'the agent could not reach its target');
  });
  // the user went away (or the response was cut): stop the stream, which resets the target connection
  res.once('close', () => {
    clearTimeout(timer);
    if (res.writableFinished) return;
    if (!settled) {
      settled = true;
      ctx.metrics.ingressDone('cancelled');
    }
    upstream.destroy();
  });
  req.once('error', () => upstream.destroy());
  req.pipe(upstream);
}

/** The keep-alive stream pool of an agent link. */
export function poolFor(link: AgentLink, ctx: IngressContext): StreamPool {
  let pool = ctx.pools.get(link);
  if (pool === undefined) {
    pool = new StreamPool(() => openFor({ link }, ctx, 'http'), ctx.keepAliveMs, ctx.maxStreamsPerAgent);
    ctx.pools.set(link, pool);
  }
  return pool;
}

/** Closes the idle streams of a link that is going away, and keeps none from now on. */
export function closeIdleStreams(link: AgentLink, ctx: IngressContext): void {
  ctx.pools.get(link)?.closeIdle();
}

/** Passes an Upgrade request through as bytes: the head is rewritten for the agent, then both ways are joined. */
export async function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: IngressTarget, ctx: IngressContext): Promise<void> {
  const stream = await openFor(target, ctx, 'upgrade');
  if (stream === null) {
    ctx.metrics.ingressDone('unavailable');
    socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  ctx.metrics.ingressDone('proxied');
  const headers = requestHeadersForAgent(req.rawHeaders, { remoteAddress: req.socket.remoteAddress, host: req.headers.host, ...(target.prefix !== undefined ? { prefix: target.prefix } : {}) });
  // Connection and Upgrade are hop-by-hop, but here they are the point of the request: keep them
  for (const name of ['Connection', 'Upgrade']) {
    const value = req.headers[name.toLowerCase()];
    if (typeof value === 'string') headers.push(name, value);
  }
  let text = `${req.method} ${target.path} HTTP/1.1\r\n`;
  for (let i = 0; i + 1 < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
  stream.write(`${text}\r\n`);
  if (head.length > 0) stream.write(head);
  void bridge(socket, stream);
}

/** Opens a stream for one ingress use, counted in the metrics until it closes; null when the agent cannot take it. */
export async function openFor(target: { link: AgentLink }, ctx: Pick<IngressContext, 'metrics' | 'maxStreamsPerAgent'>, kind: 'http' | 'upgrade' | 'connect'): Promise<YamuxStream | null> {
  const { link } = target;
  if (link.isClosed || link.isRetiring || link.streams >= ctx.maxStreamsPerAgent) return null;
  const started = performance.now();
  let stream: YamuxStream;
  try {
    stream = await link.openStream();
  } catch {
    return null;
  }
  ctx.metrics.streamOpened(kind, (performance.now() - started) / 1000);
  stream.once('close', () => ctx.metrics.streamClosed());
  // users of the stream add their own 'error' listeners; this one covers the ticks before they do
  stream.on('error', () => {});
  return stream;
}

function reply(res: ServerResponse, status: number, message: string): void {
  const body = `${message}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
