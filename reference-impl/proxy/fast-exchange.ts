/**
 * One request on the fast path (fast-path.ts), from picking an upstream to the last byte of its
 * answer. Counting, breakers, outlier detection and retries follow forwarded-request.ts (a request
 * with a body is not retried, as there). The answer's head and the first piece of its body reach the
 * client in one write of one buffer; body bytes are copied before they are written because the
 * upstream's read buffer is shared. A request body (Content-Length) streams to the upstream as the
 * client sends it, queued until a connection is acquired; an answer that ends before the body did
 * closes both connections, since neither could carry another request.
 */
import type { Socket } from 'node:net';
import { ChunkedScanner } from './chunked-scanner.ts';
import { CONNECT_ERRORS, type ForwardContext } from './forwarded-request.ts';
import { parseResponseHead, type ResponseHead } from './http-head.ts';
import type { Outcome } from './proxy-ipc.ts';
import type { RawUpstreamPool } from './raw-upstream-pool.ts';
import type { SweepClock } from './sweep-clock.ts';
import type { UpstreamConnection, UpstreamOwner } from './upstream-connection.ts';
import type { Upstream } from './upstream-set.ts';

const CRLFCRLF = Buffer.from('\r\n\r\n');
export const KEEP_ALIVE_HEAD = 'connection: keep-alive\r\nkeep-alive: timeout=65\r\n\r\n';
export const CLOSE_HEAD = 'connection: close\r\n\r\n';
const MAX_RESPONSE_HEAD = 64 * 1024;

/** What an exchange needs from the fast path and its client connection. */
export interface ExchangeHost {
  readonly ctx: ForwardContext;
  readonly clock: SweepClock;
  readonly headersTimeout: number;
  readonly client: Socket;
  pool(u: Upstream): RawUpstreamPool;
  /** the answer is fully written (or was local); `keepOpen` false ends the client connection */
  finished(keepOpen: boolean): void;
  /** the upstream takes request body bytes again: the client may be read again */
  bodyDrained(): void;
}

/** Request body bytes held before an upstream connection is acquired; past this the client is paused. */
const MAX_PENDING_BODY = 64 * 1024;

const errorWithCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

export class Exchange implements UpstreamOwner {
  private upstream: Upstream | null = null;
  private up: UpstreamConnection | null = null;
  private head: ResponseHead | null = null;
  private headBuf: Buffer | null = null;
  private remaining = 0;
  private chunked: ChunkedScanner | null = null;
  private clientGone = false;
  /** for the pool's queue: the client left, so this exchange no longer wants a connection */
  get gone(): boolean { return this.clientGone; }
  private done = false;
  private waitingForDrain = false;
  /** the client connection stays open after this answer (not draining, not close-delimited) */
  private keepOpen = true;
  /** made on the first backpressure only: most answers never need it */
  private onDrain: (() => void) | null = null;
  /** request body bytes received before an upstream connection was acquired (made for a body only) */
  private pendingBody: Buffer[] | null = null;
  private pendingBytes = 0;
  /** the client has sent the whole request body (true at once for a request without one) */
  private bodyDone: boolean;
  private waitingForUpDrain = false;
  /** made on the first upload backpressure only, as onDrain */
  private onUpDrain: (() => void) | null = null;

  /** `hasBody`: the request has a body (Content-Length > 0), whose bytes come through requestBody() */
  constructor(private readonly host: ExchangeHost, private readonly method: string, private readonly requestHead: string, private readonly hasBody = false) {
    this.bodyDone = !hasBody;
  }

  attempt(u: Upstream | null): void {
    if (u === null) { this.local('no_upstream', 503, 'no healthy upstream\n'); return; }
    this.upstream = u;
    this.host.pool(u).acquire(this);
  }

  /** The pool's answer to attempt(): a connection to send the request on, or why there is none. */
  acquired(c: UpstreamConnection | Error): void {
    if (c instanceof Error) { this.fail(c); return; }
    if (this.clientGone) { this.host.pool(this.upstream!).release(c, true); this.fail(new Error('client went away')); return; }
    this.up = c;
    c.owner = this;
    c.stamp = this.host.clock.stamp();
    let ok = c.socket.write(this.requestHead, 'latin1');
    if (this.pendingBody !== null) {
      for (const b of this.pendingBody) ok = c.socket.write(b);
      this.pendingBody = null;
      this.pendingBytes = 0;
      if (ok) this.host.bodyDrained(); else this.waitForUpDrain(c);
    }
  }

  /**
   * Request body bytes from the client (a copy it may keep), `last` when they end the body. Returns
   * false when the client should pause until bodyDrained().
   */
  requestBody(chunk: Buffer, last: boolean): boolean {
    if (last) this.bodyDone = true;
    if (this.done) return true; // answered already: the rest of the body is dropped, and the connection closes
    const up = this.up;
    if (up === null) {
      (this.pendingBody ??= []).push(chunk);
      this.pendingBytes += chunk.length;
      return this.pendingBytes < MAX_PENDING_BODY;
    }
    up.stamp = this.host.clock.stamp(); // an upload in progress is activity: the headers timeout counts from its end
    if (up.socket.write(chunk)) return true;
    this.waitForUpDrain(up);
    return false;
  }

  private waitForUpDrain(up: UpstreamConnection): void {
    if (this.waitingForUpDrain) return;
    this.waitingForUpDrain = true;
    this.onUpDrain ??= () => { this.waitingForUpDrain = false; this.host.bodyDrained(); };
    up.socket.once('drain', this.onUpDrain);
  }

  /** The client connection closed before the answer ended. */
  clientClosed(): void {
    if (this.done) return;
    this.clientGone = true;
    if (this.up !== null) this.fail(new Error('client went away'));
  }

  /**
   * Called by the sweep: fails the exchange if its upstream has been silent past headersTimeout (as
   * undici's headers and body timeouts), or, while the request body is still coming, ends a client
   * that sent nothing for that long.
   */
  checkTimeout(): void {
    const up = this.up;
    if (up === null || !this.host.clock.expired(up.stamp, this.host.headersTimeout)) return;
    if (!this.bodyDone && !this.waitingForUpDrain) {
      // the client stopped sending its body (the upstream takes what comes): its fault, not the
      // upstream's, so no breaker or outlier record; as a client that left (Node's full path ends it as an abort too)
      this.host.client.destroy();
      return;
    }
    this.fail(this.head === null ? errorWithCode('headers timeout', 'UND_ERR_HEADERS_TIMEOUT') : errorWithCode('body timeout', 'UND_ERR_BODY_TIMEOUT'));
  }

  upData(d: Buffer): void {
    this.up!.stamp = this.host.clock.stamp();
    if (this.head !== null) { this.body(d, 0); return; }
    const buf = this.headBuf === null ? d : Buffer.concat([this.headBuf, d]);
    const end = buf.indexOf(CRLFCRLF);
    if (end === -1) {
      if (buf.length > MAX_RESPONSE_HEAD) { this.fail(errorWithCode('response head too large', 'UND_ERR_HEADERS_OVERFLOW')); return; }
      this.headBuf = buf === d ? Buffer.from(d) : buf; // d is the shared read buffer
      return;
    }
    this.headBuf = null;
    const head = parseResponseHead(buf.toString('latin1', 0, end), this.method);
    if (head === null) { this.fail(errorWithCode('malformed response head', 'HPE_INVALID')); return; }
    if (head.status < 200) { if (end + 4 < buf.length) this.upData(buf.subarray(end + 4)); return; } // 1xx: the real answer follows
    this.respond(head, buf, end + 4);
  }

  upEnd(): void {
    if (this.head !== null && this.head.framing.kind === 'close') { this.complete(false); return; }
    this.fail(errorWithCode('other side closed', 'UND_ERR_SOCKET'));
  }

  upError(err: Error): void { this.fail(err); }

  /** The answer's head arrived (its body from `buf[from]`): count it as ForwardedRequest.onHeaders does and start the client's response. */
  private respond(head: ResponseHead, buf: Buffer, from: number): void {
    const ctx = this.host.ctx;
    const u = this.upstream!;
    const failed = ctx.failureStatuses.has(head.status);
    const trip = ctx.upstreams.record(u, !failed);
    if (trip !== null) ctx.tripped(u.origin, trip, `status ${head.status}`);
    const client = this.host.client;
    if (client.destroyed || this.clientGone) { ctx.requests.client_abort++; this.dropUpstream(); this.done = true; return; }
    if (failed) ctx.requests.upstream_5xx++;
    else ctx.requests.ok++;
    this.head = head;
    const framing = head.framing;
    if (framing.kind === 'length') this.remaining = framing.length;
    else if (framing.kind === 'chunked') this.chunked = new ChunkedScanner();
    // an answer before the whole body: what the client still sends could not be told from a next request
    this.keepOpen = framing.kind !== 'close' && this.bodyDone && ctx.keepAlive(client);
    this.body(buf, from, head.clientHead + (this.keepOpen ? KEEP_ALIVE_HEAD : CLOSE_HEAD));
  }

  /** Writes `d[from..]` up to the body's end (after `prefix`, the response head, if given) as one copied buffer. */
  private body(d: Buffer, from: number, prefix = ''): void {
    let end = d.length;
    let complete = false;
    if (this.chunked !== null) {
      let at: number;
      try { at = this.chunked.feed(from === 0 ? d : d.subarray(from)); } catch (err) { this.fail(err as Error); return; }
      if (at !== -1) { end = from + at; complete = true; }
    } else if (this.head!.framing.kind === 'length') {
      if (end - from >= this.remaining) { end = from + this.remaining; complete = true; }
      this.remaining -= end - from;
    }
    const out = Buffer.allocUnsafe(prefix.length + end - from);
    if (prefix.length > 0) out.write(prefix, 0, 'latin1');
    d.copy(out, prefix.length, from, end);
    const ok = out.length === 0 || this.host.client.write(out);
    if (complete) { this.complete(end === d.length); return; }
    if (!ok && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.up!.socket.pause();
      this.onDrain ??= () => { this.waitingForDrain = false; this.up?.socket.resume(); };
      this.host.client.once('drain', this.onDrain);
    }
  }

  /** The answer ended; the upstream connection goes back to its pool if it may carry another request. */
  private complete(clean: boolean): void {
    this.done = true;
    const up = this.detach();
    if (up !== null) this.host.pool(this.upstream!).release(up, clean && this.head!.reusable && this.bodyDone);
    this.host.finished(this.keepOpen);
  }

  /** As ForwardedRequest.onError: an upstream or client failure before or after the answer started. */
  private fail(err: Error): void {
    if (this.done) return;
    const ctx = this.host.ctx;
    this.dropUpstream();
    if (this.head !== null) { this.done = true; this.host.client.destroy(); return; } // cut mid-body: the client sees it cut too
    const u = this.upstream;
    if (this.clientGone) { this.done = true; if (u !== null) ctx.upstreams.abandon(u); ctx.requests.client_abort++; return; }
    const code = (err as { code?: string }).code ?? '';
    const trip = ctx.upstreams.record(u!, false);
    if (trip !== null) ctx.tripped(u!.origin, trip, code || err.message);
    if (this.host.client.destroyed) { this.done = true; ctx.requests.client_abort++; return; }
    // a body may be partly sent already, as on the full path: only bodyless requests are retried
    if (ctx.retryOnConnectError && CONNECT_ERRORS.has(code) && !this.hasBody) { this.attempt(ctx.upstreams.pick(u!)); return; }
    this.local('upstream_error', 502, `bad gateway: ${code || err.message}\n`);
  }

  /** Answers with a short text the proxy wrote itself, counting the outcome (as finishLocally). */
  private local(outcome: Outcome, status: number, text: string): void {
    const ctx = this.host.ctx;
    this.done = true;
    ctx.requests[outcome]++;
    const client = this.host.client;
    if (client.destroyed) { this.host.finished(false); return; }
    const keepOpen = this.bodyDone && ctx.keepAlive(client);
    const reason = status === 503 ? 'Service Unavailable' : 'Bad Gateway';
    client.write(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${keepOpen ? KEEP_ALIVE_HEAD : CLOSE_HEAD}${text}`, 'latin1');
    this.host.finished(keepOpen);
  }

  private detach(): UpstreamConnection | null {
    const up = this.up;
    if (up === null) return null;
    this.up = null;
    up.owner = null;
    if (up.socket.isPaused()) up.socket.resume();
    if (this.waitingForDrain) { this.waitingForDrain = false; this.host.client.off('drain', this.onDrain!); }
    if (this.waitingForUpDrain) { this.waitingForUpDrain = false; up.socket.off('drain', this.onUpDrain!); }
    return up;
  }

  private dropUpstream(): void {
    const up = this.detach();
    if (up !== null) up.socket.destroy();
  }
}
