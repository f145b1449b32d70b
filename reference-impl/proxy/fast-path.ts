/**
 * The proxy's experimental fast path (`fastPath: true`): client connections are read as raw
 * sockets; a request whose head is complete in what has arrived and that parseRequestHead accepts
 * (HTTP/1.1, keep-alive, no body, no Upgrade/Expect, not an admin path) is written to a pooled
 * keep-alive upstream socket and the answer streamed back byte for byte, its head parsed only to
 * learn its framing. Anything else hands the connection, with the bytes read so far, to Node's
 * HTTP server (the full path) for the rest of its life, so malformed heads get Node's 400.
 * Outcomes, breakers, outlier detection, X-Forwarded-For, hop-by-hop removal and drain keep-alive
 * decisions are the same as forwarded-request.ts's. One request at a time per connection:
 * pipelined requests wait in the buffer until the previous answer is written.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { ChunkedScanner } from './chunked-scanner.ts';
import { CONNECT_ERRORS, type ForwardContext } from './forwarded-request.ts';
import { parseRequestHead, parseResponseHead, type ResponseHead } from './http-head.ts';
import type { Outcome } from './proxy-ipc.ts';
import { RawUpstreamPool, type RawPoolOptions } from './raw-upstream-pool.ts';
import type { Upstream } from './upstream-set.ts';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const KEEP_ALIVE_HEAD = 'connection: keep-alive\r\nkeep-alive: timeout=65\r\n\r\n';
const CLOSE_HEAD = 'connection: close\r\n\r\n';

export interface FastPathOptions extends RawPoolOptions {
  headersTimeout: number;
  maxHeaderSize: number;
  adminPaths: ReadonlySet<string>;
  /** a request starts (true) or its answer ended (false) on `socket`: the worker's in-flight and idle bookkeeping */
  busy(socket: Socket, busy: boolean): void;
}

/** Serves client sockets on the fast path, falling back to `full` (Node's HTTP server) per connection. */
export class FastPath {
  private readonly pools = new Map<Upstream, RawUpstreamPool>();

  constructor(private readonly ctx: ForwardContext, private readonly full: HttpServer, readonly o: FastPathOptions) {
    for (const u of ctx.upstreams.list) this.pools.set(u, new RawUpstreamPool(u.origin, o));
  }

  /** Takes a newly accepted client socket. */
  accept(socket: Socket): void {
    socket.setNoDelay(true);
    new ClientConnection(this, socket).start();
  }

  pool(u: Upstream): RawUpstreamPool { return this.pools.get(u)!; }
  get context(): ForwardContext { return this.ctx; }

  /** Gives `socket` to Node's HTTP server with the bytes already read. */
  handOver(socket: Socket, pending: Buffer | null): void {
    socket.pause();
    if (pending !== null && pending.length > 0) socket.unshift(pending);
    this.full.emit('connection', socket);
    socket.resume();
  }

  close(): void { for (const p of this.pools.values()) p.close(); }
}

class ClientConnection {
  private buf: Buffer | null = null;
  private exchange: Exchange | null = null;
  private done = false;
  private readonly onData = (d: Buffer): void => this.data(d);
  private readonly onClose = (): void => {
    this.done = true;
    this.exchange?.clientClosed();
    this.endExchange();
  };

  constructor(private readonly fp: FastPath, readonly socket: Socket) {}

  start(): void {
    this.socket.on('data', this.onData);
    this.socket.on('close', this.onClose);
    this.socket.on('error', () => {}); // 'close' follows
    // not half-open, as Node's HTTP server by default (httpAllowHalfOpen false): a client's FIN ends the connection and aborts its request
    this.socket.setTimeout(65_000, () => { if (this.exchange === null) this.socket.destroy(); });
  }

  private data(d: Buffer): void {
    this.buf = this.buf === null ? d : Buffer.concat([this.buf, d]);
    if (this.exchange === null) this.next();
    else if (this.buf.length > this.fp.o.maxHeaderSize) this.socket.pause(); // a pipelining client waits for its answers
  }

  /** Starts the next buffered request, or hands the connection over if it is not one the fast path takes. */
  private next(): void {
    const buf = this.buf;
    if (buf === null || this.done) return;
    const end = buf.indexOf(CRLFCRLF);
    const head = end === -1 || end > this.fp.o.maxHeaderSize ? null : parseRequestHead(buf.toString("latin1", 0, end), this.socket.remoteAddress ?? '');
    if (head === null || this.fp.o.adminPaths.has(head.path)) { this.done = true; this.leave(); this.fp.handOver(this.socket, buf); return; }
    this.buf = end + 4 === buf.length ? null : buf.subarray(end + 4);
    this.exchange = new Exchange(this.fp, this, head.method, head.upstreamHead);
    this.fp.o.busy(this.socket, true);
    this.exchange.attempt(this.fp.context.upstreams.pick());
  }

  /** The exchange's answer is fully written; `keepOpen` false ends the connection. */
  finished(keepOpen: boolean): void {
    this.endExchange();
    if (!keepOpen) { this.done = true; this.leave(); this.socket.end(); return; }
    if (this.socket.isPaused()) this.socket.resume();
    this.next();
  }

  /** The worker's bookkeeping sees each request end once, whether its answer was written or the client left. */
  private endExchange(): void {
    if (this.exchange === null) return;
    this.exchange = null;
    this.fp.o.busy(this.socket, false);
  }

  private leave(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    this.socket.removeAllListeners('timeout');
    this.socket.setTimeout(0);
  }
}

/** One request on the fast path, from picking an upstream to the last byte of its answer. */
class Exchange {
  private upstream: Upstream | null = null;
  private up: Socket | null = null;
  private head: ResponseHead | null = null;
  private headBuf: Buffer | null = null;
  private remaining = 0;
  private chunked: ChunkedScanner | null = null;
  private clientGone = false;
  private finished = false;
  /** the client connection stays open after this answer (not draining, not close-delimited) */
  private keepOpen = true;
  private readonly onUpData = (d: Buffer): void => this.upData(d);
  private readonly onUpEnd = (): void => this.upEnd();
  private readonly onUpError = (err: Error): void => this.fail(err);
  private readonly onUpTimeout = (): void => this.fail(Object.assign(new Error(this.head === null ? 'headers timeout' : 'body timeout'), { code: this.head === null ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT' }));
  private readonly onDrain = (): void => { this.up?.resume(); };

  constructor(private readonly fp: FastPath, private readonly conn: ClientConnection, private readonly method: string, private readonly requestHead: string) {}

  attempt(u: Upstream | null): void {
    if (u === null) { this.local('no_upstream', 503, 'no healthy upstream\n'); return; }
    this.upstream = u;
    this.fp.pool(u).acquire((s) => {
      if (s instanceof Error) { this.fail(s); return; }
      if (this.clientGone) { this.fp.pool(u).release(s, true); this.fail(new Error('client went away')); return; }
      this.up = s;
      s.on('data', this.onUpData);
      s.on('end', this.onUpEnd);
      s.on('error', this.onUpError);
      s.on('timeout', this.onUpTimeout);
      s.setTimeout(this.fp.o.headersTimeout);
      s.write(this.requestHead, 'latin1');
    });
  }

  clientClosed(): void {
    if (this.finished) return;
    this.clientGone = true;
    if (this.up !== null) this.fail(new Error('client went away'));
  }

  private upData(d: Buffer): void {
    if (this.head === null) {
      const buf = this.headBuf === null ? d : Buffer.concat([this.headBuf, d]);
      const end = buf.indexOf(CRLFCRLF);
      if (end === -1) {
        if (buf.length > 64 * 1024) { this.fail(Object.assign(new Error('response head too large'), { code: 'UND_ERR_HEADERS_OVERFLOW' })); return; }
        this.headBuf = buf;
        return;
      }
      this.headBuf = null;
      const head = parseResponseHead(buf.toString("latin1", 0, end), this.method);
      if (head === null) { this.fail(Object.assign(new Error('malformed response head'), { code: 'HPE_INVALID' })); return; }
      const rest = buf.subarray(end + 4);
      if (head.status < 200) { if (rest.length > 0) this.upData(rest); return; } // 1xx: the real answer follows
      this.respond(head, rest);
      return;
    }
    this.body(d);
  }

  /** The answer's head arrived: count it as ForwardedRequest.onHeaders does and start the client's response. */
  private respond(head: ResponseHead, rest: Buffer): void {
    const ctx = this.fp.context;
    const u = this.upstream!;
    this.up!.setTimeout(this.fp.o.headersTimeout); // as undici's bodyTimeout (set to headersTimeout)
    const failed = ctx.failureStatuses.has(head.status);
    const trip = ctx.upstreams.record(u, !failed);
    if (trip !== null) ctx.tripped(u.origin, trip, `status ${head.status}`);
    const client = this.conn.socket;
    if (client.destroyed || this.clientGone) { ctx.requests.client_abort++; this.dropUpstream(); this.finished = true; return; }
    ctx.requests[failed ? 'upstream_5xx' : 'ok']++;
    this.head = head;
    if (head.framing.kind === 'length') this.remaining = head.framing.length;
    else if (head.framing.kind === 'chunked') this.chunked = new ChunkedScanner();
    const keepOpen = head.framing.kind !== 'close' && ctx.keepAlive(client);
    this.keepOpen = keepOpen;
    client.cork();
    client.write(head.clientHead + (keepOpen ? KEEP_ALIVE_HEAD : CLOSE_HEAD), 'latin1');
    if (head.framing.kind === 'length' && head.framing.length === 0) { client.uncork(); this.complete(rest.length === 0); return; }
    if (rest.length > 0) this.body(rest, true);
    else client.uncork();
  }


  private body(d: Buffer, corked = false): void {
    const client = this.conn.socket;
    let end = -1;
    let extra = false;
    if (this.chunked !== null) {
      try { end = this.chunked.feed(d); } catch (err) { if (corked) client.uncork(); this.fail(err as Error); return; }
    } else if (this.head!.framing.kind === 'length') {
      if (d.length >= this.remaining) end = this.remaining;
      else this.remaining -= d.length;
    }
    if (end !== -1) { extra = end < d.length; d = d.subarray(0, end); }
    const ok = d.length === 0 || client.write(d);
    if (corked) client.uncork();
    if (end !== -1) { this.complete(!extra); return; }
    if (!ok) { this.up!.pause(); client.once('drain', this.onDrain); }
  }

  private upEnd(): void {
    if (this.head !== null && this.head.framing.kind === 'close') { this.complete(false); return; }
    this.fail(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
  }

  /** The answer ended; the upstream connection goes back to its pool if it may carry another request. */
  private complete(clean: boolean): void {
    this.finished = true;
    const up = this.detach();
    if (up !== null) this.fp.pool(this.upstream!).release(up, clean && this.head!.reusable);
    this.conn.finished(this.keepOpen);
  }

  /** As ForwardedRequest.onError: an upstream or client failure before or after the answer started. */
  private fail(err: Error): void {
    if (this.finished) return;
    const ctx = this.fp.context;
    this.dropUpstream();
    if (this.head !== null) { this.finished = true; this.conn.socket.destroy(); return; } // cut mid-body: the client sees it cut too
    const u = this.upstream;
    if (this.clientGone) { this.finished = true; if (u !== null) ctx.upstreams.abandon(u); ctx.requests.client_abort++; return; }
    const code = (err as { code?: string }).code ?? '';
    const trip = ctx.upstreams.record(u!, false);
    if (trip !== null) ctx.tripped(u!.origin, trip, code || err.message);
    if (this.conn.socket.destroyed) { this.finished = true; ctx.requests.client_abort++; return; }
    if (ctx.retryOnConnectError && CONNECT_ERRORS.has(code)) { this.attempt(ctx.upstreams.pick(u!)); return; }
    this.local('upstream_error', 502, `bad gateway: ${code || err.message}\n`);
  }

  /** Answers with a short text the proxy wrote itself, counting the outcome (as finishLocally). */
  private local(outcome: Outcome, status: number, text: string): void {
    const ctx = this.fp.context;
    this.finished = true;
    ctx.requests[outcome]++;
    const client = this.conn.socket;
    if (client.destroyed) { this.conn.finished(false); return; }
    const keepOpen = ctx.keepAlive(client);
    const reason = status === 503 ? 'Service Unavailable' : 'Bad Gateway';
    client.write(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${keepOpen ? KEEP_ALIVE_HEAD : CLOSE_HEAD}${text}`, 'latin1');
    this.conn.finished(keepOpen);
  }

  private detach(): Socket | null {
    const up = this.up;
    if (up === null) return null;
    this.up = null;
    up.off('data', this.onUpData);
    up.off('end', this.onUpEnd);
    up.off('error', this.onUpError);
    up.off('timeout', this.onUpTimeout);
    up.setTimeout(0);
    if (up.isPaused()) up.resume();
    this.conn.socket.off('drain', this.onDrain);
    return up;
  }

  private dropUpstream(): void {
    const up = this.detach();
    if (up !== null) { up.on('error', () => {}); up.destroy(); }
  }
}
