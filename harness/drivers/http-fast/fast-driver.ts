/**
 * The fast engine: a pool of keep-alive connections, grown on demand up to the workload's
 * concurrency, each writing the same prebuilt request. It exists because undici's request()
 * tops out near half of what a bare node:net loop reaches on this hardware, and a load generator
 * that is slower than the system under test measures itself.
 *
 * Requests are written in batches: iterations started during one turn of the event loop are
 * written together in its check phase (setImmediate), after every ready response has been read.
 * Writing each request the moment its VU asks wakes the server once per request; batching lets
 * it find several requests per wake-up, which raised throughput on loopback nginx by about 30%.
 * The wait is part of the measured latency, since the VU asked at its intended time.
 */
import type { Clock } from '../../executors/clock.ts';
import type { Driver, IterationContext } from '../driver.ts';
import { ABORTED } from '../http-error-code.ts';
import type { HttpMetrics } from '../http-metrics.ts';
import { Connection, type ConnectionOwner } from './connection.ts';

export interface FastDriverOptions {
  host: string;
  port: number;
  /** the whole request, built once by request-bytes.ts */
  request: Buffer;
  method: string;
  timeoutMs: number;
  /** the most connections, and so requests in flight */
  maxConnections: number;
  metrics: HttpMetrics;
  clock: Clock;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RESOLVED = Promise.resolve();

export class FastHttpDriver implements Driver, ConnectionOwner {
  private readonly all: Connection[] = [];
  private readonly idle: Connection[] = [];
  // Only used when more iterations arrive than maxConnections allows.
  private readonly waiting: ((conn: Connection | null) => void)[] = [];
  private readonly watched = new WeakSet<AbortSignal>();
  private readonly onAbort: (event: Event) => void;
  private readonly sweeper: NodeJS.Timeout;
  // Connections with a request accepted but not yet written, and the one flush that writes them.
  private readonly unsent: Connection[] = [];
  private flushScheduled = false;
  private readonly flush: () => void;
  private closed = false;

  constructor(private readonly options: FastDriverOptions) {
    this.onAbort = (event) => this.abortFor(event.target as AbortSignal);
    this.flush = () => this.writeUnsent();
    // One timer for all connections: timeouts land within a tenth of the timeout (at most 100 ms) late.
    const interval = Math.max(1, Math.min(100, Math.floor(options.timeoutMs / 10)));
    this.sweeper = setInterval(() => {
      for (const c of this.all) c.sweep(interval);
    }, interval);
    this.sweeper.unref();
  }

  /** Sends one request on a free connection; resolves when its response or failure is recorded. */
  iterate(ctx: IterationContext): Promise<void> {
    if (this.closed || ctx.signal.aborted) return RESOLVED;
    const signal = ctx.signal;
    if (!this.watched.has(signal)) {
      this.watched.add(signal);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    const conn = this.idle.pop() ?? this.grow();
    if (conn === null) return this.queue(ctx);
    return this.start(conn, ctx);
  }

  /** Closes every connection; requests in flight end unrecorded, as interrupted. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const w of this.waiting.splice(0)) w(null);
    for (const c of this.all) c.close();
  }

  /** ConnectionOwner: a response arrived. */
  onResponse(conn: Connection, status: number, body: Buffer | null, received: number): void {
    const now = this.options.clock.now();
    this.options.metrics.response(status, body, now - conn.intendedTime, now - conn.sentAt, this.options.request.length, received);
    this.finish(conn);
  }

  /** ConnectionOwner: the request failed in transport (or was aborted, which is not recorded). */
  onFailure(conn: Connection, code: string, received: number): void {
    if (code !== ABORTED) {
      const now = this.options.clock.now();
      this.options.metrics.transportError(code, now - conn.intendedTime, now - conn.sentAt, this.options.request.length, received);
    }
    this.finish(conn);
  }

  private start(conn: Connection, ctx: IterationContext): Promise<void> {
    conn.intendedTime = ctx.intendedTime;
    conn.signal = ctx.signal;
    const done = new Promise<void>(conn.capture);
    conn.send();
    this.unsent.push(conn);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return done;
  }

  private writeUnsent(): void {
    this.flushScheduled = false;
    const clock = this.options.clock;
    // Indexed: a connection appended while writing is written in this pass too.
    for (let i = 0; i < this.unsent.length; i++) {
      const conn = this.unsent[i]!;
      conn.sentAt = clock.now();
      conn.flush();
    }
    this.unsent.length = 0;
  }

  private finish(conn: Connection): void {
    const resolve = conn.resolve!;
    conn.resolve = null;
    conn.signal = null;
    this.release(conn);
    resolve();
  }

  private release(conn: Connection): void {
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next !== undefined) next(conn);
    else this.idle.push(conn);
  }

  private grow(): Connection | null {
    if (this.all.length >= this.options.maxConnections) return null;
    const o = this.options;
    const conn = new Connection(
      { host: o.host, port: o.port, request: o.request, noBody: o.method === 'HEAD', keepBody: o.metrics.needsBody, timeoutMs: o.timeoutMs, idempotent: IDEMPOTENT.has(o.method) },
      this,
    );
    this.all.push(conn);
    return conn;
  }

  private queue(ctx: IterationContext): Promise<void> {
    return new Promise<Connection | null>((resolve) => this.waiting.push(resolve)).then((conn) => {
      if (conn === null) return undefined;
      if (ctx.signal.aborted) {
        this.release(conn);
        return undefined;
      }
      return this.start(conn, ctx);
    });
  }

  private abortFor(signal: AbortSignal): void {
    for (const c of this.all) if (c.busy && c.signal === signal) c.abort();
  }
}
