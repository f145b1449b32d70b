/**
 * The proxy's experimental fast path (`fastPath: true`): client connections are read as raw
 * sockets; a request whose head is complete in what has arrived and that parseRequestHead accepts
 * (HTTP/1.1, keep-alive, a body only if framed by Content-Length, no Upgrade/Expect, not an admin
 * path) is written to a pooled keep-alive upstream socket, its body streamed after it, and the
 * answer streamed back byte for byte, its head parsed only to learn its framing. Anything else hands the connection, with the bytes read so far, to Node's
 * HTTP server (the full path) for the rest of its life, so malformed heads get Node's 400.
 * Outcomes, breakers, outlier detection, X-Forwarded-For, hop-by-hop removal and drain keep-alive
 * decisions are the same as forwarded-request.ts's (the exchange itself: fast-exchange.ts). One
 * request at a time per connection: pipelined requests wait in the buffer until the previous answer
 * is written. Timeouts (idle clients, silent upstreams, idle pooled connections) are checked by one
 * SweepClock rather than a timer per socket.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { adoptWithReadBuffer } from './client-socket.ts';
import { Exchange, type ExchangeHost } from './fast-exchange.ts';
import type { ForwardContext } from './forwarded-request.ts';
import { parseRequestHead } from './http-head.ts';
import { RawUpstreamPool, type RawPoolOptions } from './raw-upstream-pool.ts';
import { SweepClock } from './sweep-clock.ts';
import type { Upstream } from './upstream-set.ts';

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** a client connection with no request in progress is closed after this long without a byte (as Node's HTTP server's keep-alive timeout, which the proxy advertises) */
const CLIENT_IDLE_MS = 65_000;
/**
 * After the proxy closed its side (`Connection: close`), what the client still sends (the rest of a
 * body the upstream did not wait for) is read and dropped, so its FIN is seen, for at most this long
 * (nginx's lingering_close does the same, for 30 s by default).
 */
const LINGER_MS = 5_000;

export interface FastPathOptions extends Omit<RawPoolOptions, 'readBuffer'> {
  headersTimeout: number;
  maxHeaderSize: number;
  /** size of the buffer client and upstream reads go into (config.buffers.highWaterMark, at least 64 KiB) */
  readBufferSize: number;
  /** paths the worker answers itself (health, metrics): a request for one goes to the full path */
  adminPaths: readonly string[];
  /** a request starts (true) or its answer ended (false) on `socket`: the worker's in-flight and idle bookkeeping */
  busy(socket: Socket, busy: boolean): void;
}

/** Serves client sockets on the fast path, falling back to `full` (Node's HTTP server) per connection. */
export class FastPath {
  private readonly pools = new Map<Upstream, RawUpstreamPool>();
  private readonly clients = new Set<ClientConnection>();
  readonly clock: SweepClock;
  /** every read of the worker lands here and is consumed (or copied) before the next one */
  readonly readBuffer: Buffer;

  constructor(readonly ctx: ForwardContext, private readonly full: HttpServer, readonly o: FastPathOptions) {
    this.clock = new SweepClock(SweepClock.intervalFor([o.headersTimeout, o.keepAliveTimeout, CLIENT_IDLE_MS]));
    // its own ArrayBuffer, so `owned()` can tell its views apart; never below the 64 KiB Node reads
    // into by default, or a head a default read would hold whole would reach the full path
    this.readBuffer = Buffer.allocUnsafeSlow(Math.max(64 * 1024, o.readBufferSize));
    for (const u of ctx.upstreams.list) this.pools.set(u, new RawUpstreamPool(u.origin, { ...o, readBuffer: this.readBuffer }, this.clock));
    this.clock.every(() => { for (const c of this.clients) c.sweep(); });
  }

  /** Takes a newly accepted client socket, accepted paused (pauseOnConnect); returns the socket that now carries the connection. */
  accept(accepted: Socket): Socket {
    const c = new ClientConnection(this);
    const adopted = adoptWithReadBuffer(accepted, this.readBuffer, (d) => c.read(d));
    c.start(adopted ?? accepted, adopted !== null);
    this.clients.add(c);
    return c.client;
  }

  /** `b` itself, or a copy if it is a view of the shared read buffer (which the next read overwrites). */
  owned(b: Buffer): Buffer { return b.buffer === this.readBuffer.buffer ? Buffer.from(b) : b; }

  pool(u: Upstream): RawUpstreamPool { return this.pools.get(u)!; }

  /** The connection is closed or was handed over: the sweep stops looking at it. */
  forget(c: ClientConnection): void { this.clients.delete(c); }

  /** Gives `socket` to Node's HTTP server with the bytes already read. */
  handOver(socket: Socket, pending: Buffer | null): void {
    socket.pause();
    if (pending !== null && pending.length > 0) socket.unshift(pending);
    this.full.emit('connection', socket);
    socket.resume();
  }

  close(): void {
    for (const p of this.pools.values()) p.close();
    this.clock.stop();
  }
}

class ClientConnection implements ExchangeHost {
  client!: Socket;
  /** reads come through `onread` (read() is called), not as 'data' events */
  private adopted = false;
  private buf: Buffer | null = null;
  private exchange: Exchange | null = null;
  private done = false;
  /** given to Node's HTTP server: with `onread`, reads are pushed into the socket's stream for it */
  private handedOver = false;
  /** bytes of the current request's body the client has still to send */
  private bodyLeft = 0;
  /** reading is paused until the upstream takes body bytes again (not for pipelining) */
  private pausedForBody = false;
  /** the proxy closed its side and drops what the client still sends, until LINGER_MS */
  private lingering = false;
  /** SweepClock.stamp() of when the connection was accepted or its last answer finished: idle from then */
  private stamp: number;
  private readonly onData = (d: Buffer): void => { this.read(d); };
  private readonly onClose = (): void => {
    this.done = true;
    this.fp.forget(this);
    this.exchange?.clientClosed();
    this.endExchange();
  };

  constructor(private readonly fp: FastPath) { this.stamp = fp.clock.stamp(); }

  get ctx(): ForwardContext { return this.fp.ctx; }
  get clock(): SweepClock { return this.fp.clock; }
  get headersTimeout(): number { return this.fp.o.headersTimeout; }
  pool(u: Upstream): RawUpstreamPool { return this.fp.pool(u); }

  start(client: Socket, adopted: boolean): void {
    this.client = client;
    this.adopted = adopted;
    client.setNoDelay(true);
    if (!adopted) { client.on('data', this.onData); client.resume(); }
    this.client.on('close', this.onClose);
    this.client.on('error', () => {}); // 'close' follows
    // not half-open, as Node's HTTP server by default (httpAllowHalfOpen false): a client's FIN ends the connection and aborts its request
  }

  /** The SweepClock's look: an idle client past its keep-alive time is closed; an exchange checks its upstream's silence. */
  sweep(): void {
    if (this.exchange !== null) this.exchange.checkTimeout();
    else if (this.fp.clock.expired(this.stamp, this.lingering ? LINGER_MS : CLIENT_IDLE_MS)) this.client.destroy();
  }

  /** Bytes from the client, possibly a view of the shared read buffer; false stops reading (after a hand-over, as a stream's push). */
  read(d: Buffer): boolean {
    if (this.handedOver) return this.client.push(Buffer.from(d));
    if (this.done) return true; // the proxy closed its side (Connection: close): what the client still sends is dropped, as before with no 'data' listener
    // no stamp here: a read starts an exchange (the idle check is off while one runs), carries its body, waits pipelined behind one, or hands over
    if (this.bodyLeft > 0) {
      d = this.body(d);
      if (d.length === 0 || this.done) return true;
    }
    this.buf = this.buf === null ? d : Buffer.concat([this.buf, d]);
    if (this.exchange === null) this.next();
    else if (this.buf.length > this.fp.o.maxHeaderSize) this.client.pause(); // a pipelining client waits for its answers
    if (this.buf !== null) this.buf = this.fp.owned(this.buf); // pipelined or partial: kept past this read
    return true;
  }

  /** Starts the next buffered request, or hands the connection over if it is not one the fast path takes. */
  private next(): void {
    const buf = this.buf;
    if (buf === null || this.done) return;
    const end = buf.indexOf(CRLFCRLF);
    const head = end === -1 || end > this.fp.o.maxHeaderSize ? null : parseRequestHead(buf.toString('latin1', 0, end), this.client.remoteAddress ?? '');
    if (head === null || this.isAdmin(head.path)) {
      this.done = true;
      this.handedOver = this.adopted;
      this.buf = null;
      this.leave();
      this.fp.handOver(this.client, this.fp.owned(buf));
      return;
    }
    this.bodyLeft = head.bodyLength;
    this.exchange = new Exchange(this, head.method, head.upstreamHead, head.bodyLength > 0);
    // the body bytes already here are queued before the attempt, so an answer the proxy gives at once
    // (503, 502) knows whether the body is complete; what follows them waits in buf, where an answer
    // that ends at once (finished() -> next()) finds it
    const rest = end + 4 === buf.length ? null : buf.subarray(end + 4);
    const after = rest === null ? null : this.bodyLeft > 0 ? this.body(rest) : rest;
    this.buf = after !== null && after.length > 0 ? after : null;
    this.fp.o.busy(this.client, true);
    this.exchange.attempt(this.fp.ctx.upstreams.pick());
  }

  /** Passes the body bytes at the start of `d` to the exchange (a copy: `d` may be the shared read buffer); returns what follows them. */
  private body(d: Buffer): Buffer {
    const take = Math.min(this.bodyLeft, d.length);
    this.bodyLeft -= take;
    const ex = this.exchange;
    if (ex !== null && !ex.requestBody(Buffer.from(d.subarray(0, take)), this.bodyLeft === 0)) { this.pausedForBody = true; this.client.pause(); }
    return take === d.length ? d.subarray(d.length) : d.subarray(take);
  }

  /** The upstream takes body bytes again. */
  bodyDrained(): void {
    if (!this.pausedForBody) return; // paused for pipelining, or not at all: finished() resumes that
    this.pausedForBody = false;
    this.client.resume();
  }

  /** Compared by length first: a Set lookup would hash every request's path. */
  private isAdmin(path: string): boolean {
    for (const p of this.fp.o.adminPaths) if (p.length === path.length && p === path) return true;
    return false;
  }

  /** The exchange's answer is fully written; `keepOpen` false ends the connection. */
  finished(keepOpen: boolean): void {
    this.endExchange();
    this.stamp = this.fp.clock.stamp();
    if (!keepOpen) {
      // still in the sweep and still read (read() drops it all): the client's FIN ends it, or LINGER_MS does
      this.done = true;
      this.lingering = true;
      this.client.end();
      this.pausedForBody = false;
      if (this.client.isPaused()) this.client.resume();
      return;
    }
    this.pausedForBody = false;
    if (this.client.isPaused()) this.client.resume();
    this.next();
  }

  /** The worker's bookkeeping sees each request end once, whether its answer was written or the client left. */
  private endExchange(): void {
    if (this.exchange === null) return;
    this.exchange = null;
    this.fp.o.busy(this.client, false);
  }

  private leave(): void {
    this.fp.forget(this);
    if (!this.adopted) this.client.off('data', this.onData);
    this.client.off('close', this.onClose);
  }
}
