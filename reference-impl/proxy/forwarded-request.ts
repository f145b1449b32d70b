/**
 * One client request on its way through the proxy: picks an upstream, dispatches to its undici
 * pool and streams the answer back. It is its own undici dispatch handler, written against the
 * handler methods undici's HTTP/1.1 client calls directly (onConnect, onHeaders, onData,
 * onComplete, onError): the newer onRequestStart/onResponseStart style goes through an adapter
 * that allocates a controller and parses every response's raw headers into an object, which the
 * proxy would only copy back into a list for the client. Here raw headers go to the client as one
 * flat list, hop-by-hop fields left out, and the methods live on the prototype: no closure per
 * request (the worker's one 'close' listener calls clientClosed()).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import type { Outcome } from './proxy-ipc.ts';
import type { Upstream, UpstreamSet } from './upstream-set.ts';
import { HOP_BY_HOP } from './http-head.ts';

/** Lengths of the HOP_BY_HOP names: most header names skip the lower-casing by length alone. */
const HOP_BY_HOP_LENGTHS = new Set([...HOP_BY_HOP].map((h) => h.length));
/** Errors raised before anything reached the upstream, so another upstream may be tried. */
export const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** What every request of one worker shares. */
export interface ForwardContext {
  readonly upstreams: UpstreamSet;
  readonly failureStatuses: ReadonlySet<number>;
  readonly retryOnConnectError: boolean;
  readonly requests: Record<Outcome, number>;
  /** a failure opened an upstream's breaker or ejected it: rare, so it may log */
  tripped(origin: string, what: { breakerOpened: boolean; ejected: boolean }, failure: string): void;
  /** false once the worker drains and this connection's turn to close came: the response then says `Connection: close` */
  keepAlive(socket: Socket | null): boolean;
}

/** Forwards `req` to an upstream and `res` gets its answer (or a 502/503 the proxy writes). */
export function forwardRequest(ctx: ForwardContext, req: IncomingMessage, res: ServerResponse): ForwardedRequest {
  const f = new ForwardedRequest(ctx, req, res);
  f.attempt(ctx.upstreams.pick());
  return f;
}

/** Answers with a short text the proxy wrote itself, counting the outcome. */
export function finishLocally(ctx: ForwardContext, res: ServerResponse, outcome: Outcome, status: number, text: string): void {
  ctx.requests[outcome]++;
  if (res.headersSent || res.destroyed) { res.destroy(); return; }
  if (!ctx.keepAlive(res.socket)) res.shouldKeepAlive = false;
  res.writeHead(status, ['content-type', 'text/plain', 'content-length', String(Buffer.byteLength(text))]);
  res.end(text);
}

export class ForwardedRequest implements Dispatcher.DispatchHandler {
  private upstream: Upstream | null = null;
  private abort: ((err?: Error) => void) | null = null;
  private resume: (() => void) | null = null;
  private started = false;
  /** the client closed before its response ended, and the upstream request was aborted for that */
  private clientGone = false;
  private readonly options: Dispatcher.DispatchOptions;

  constructor(private readonly ctx: ForwardContext, req: IncomingMessage, private readonly res: ServerResponse) {
    const h = req.headers;
    const hasBody = h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0');
    this.options = { path: req.url!, method: req.method as Dispatcher.HttpMethod, headers: requestHeaders(h, req.socket.remoteAddress), body: hasBody ? req : null };
  }

  /** Called when the client's response closes: if it closed before the end, stop the upstream request too. */
  clientClosed(): void {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.abort?.(new Error('client went away'));
  }

  attempt(u: Upstream | null): void {
    if (u === null) { finishLocally(this.ctx, this.res, 'no_upstream', 503, 'no healthy upstream\n'); return; }
    this.upstream = u;
    this.abort = null;
    u.pool.dispatch(this.options, this);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    // the client left while the request waited in the pool's queue
    if (this.clientGone) abort(new Error('client went away'));
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    const { ctx, res } = this;
    this.started = true;
    this.resume = resume;
    const failed = ctx.failureStatuses.has(status);
    const trip = ctx.upstreams.record(this.upstream!, !failed);
    if (trip !== null) ctx.tripped(this.upstream!.origin, trip, `status ${status}`);
    if (res.destroyed) { ctx.requests.client_abort++; this.abort?.(new Error('client went away')); return false; }
    ctx.requests[failed ? 'upstream_5xx' : 'ok']++;
    if (!ctx.keepAlive(res.socket)) res.shouldKeepAlive = false;
    res.writeHead(status, responseHeaders(raw));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', this.resume!);
    return false;
  }

  onComplete(): void {
    this.res.end();
  }

  onError(err: Error): void {
    const { ctx, res } = this;
    if (this.started) { res.destroy(); return; } // cut mid-body: the client sees it cut too
    if (this.clientGone) { ctx.upstreams.abandon(this.upstream!); ctx.requests.client_abort++; return; }
    const code = (err as { code?: string }).code ?? '';
    const trip = ctx.upstreams.record(this.upstream!, false);
    if (trip !== null) ctx.tripped(this.upstream!.origin, trip, code || err.message);
    if (res.destroyed) { ctx.requests.client_abort++; return; }
    if (this.options.body === null && ctx.retryOnConnectError && CONNECT_ERRORS.has(code)) { this.attempt(ctx.upstreams.pick(this.upstream!)); return; }
    finishLocally(ctx, res, 'upstream_error', 502, `bad gateway: ${code || err.message}\n`);
  }
}

function requestHeaders(h: IncomingHttpHeaders, remote: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    if (HOP_BY_HOP.has(k)) continue;
    const v = h[k];
    if (v !== undefined) out[k] = v;
  }
  const xff = h['x-forwarded-for'];
  out['x-forwarded-for'] = xff === undefined ? (remote ?? '') : `${xff}, ${remote ?? ''}`;
  return out;
}

/** The upstream's raw header list (name, value, name, value...) as strings, hop-by-hop fields left out. */
function responseHeaders(raw: Buffer[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    if (HOP_BY_HOP_LENGTHS.has(name.length) && HOP_BY_HOP.has(name.toLowerCase())) continue;
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return out;
}
