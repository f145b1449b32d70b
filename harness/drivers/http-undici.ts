/**
 * The full-featured HTTP engine on undici 7's Pool: https, bodies made fresh per request, and
 * anything else the fast engine's prebuilt request cannot express. One Pool per workload, sized
 * to its concurrency, keep-alive, no pipelining, so it loads a server the way real clients do.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { Pool } from 'undici';
import type { Clock } from '../executors/clock.ts';
import type { Driver, IterationContext } from './driver.ts';
import { bodyBytes, type RequestBody } from './http-body.ts';
import { ABORTED, transportErrorCode } from './http-error-code.ts';
import type { HttpMetrics } from './http-metrics.ts';

export interface UndiciDriverOptions {
  /** scheme://host:port */
  origin: string;
  /** path and query */
  path: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body: RequestBody;
  timeoutMs: number;
  maxConnections: number;
  /** bytes of the request line and headers (for data_sent; undici does not report what it wrote) */
  headBytes: number;
  metrics: HttpMetrics;
  clock: Clock;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export class UndiciHttpDriver implements Driver {
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;
  private readonly watched = new WeakSet<AbortSignal>();
  // Requests in flight, at most maxConnections: the rest wait here rather than in undici's queue,
  // so their raw latency can start when they are actually sent.
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: UndiciDriverOptions) {
    this.pool = new Pool(options.origin, {
      connections: options.maxConnections,
      pipelining: 1,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
    });
    this.headers = { ...options.headers };
    const hasContentType = Object.keys(this.headers).some((h) => h.toLowerCase() === 'content-type');
    if (options.body.kind === 'static' && options.body.contentType !== undefined && !hasContentType) {
      this.headers['content-type'] = options.body.contentType;
    }
  }

  /** Sends one request; resolves when its response (or failure) is recorded. Never rejects. */
  async iterate(ctx: IterationContext): Promise<void> {
    if (this.closed || ctx.signal.aborted) return;
    const o = this.options;
    if (!this.watched.has(ctx.signal)) this.allowListeners(ctx.signal);
    if (this.inFlight < o.maxConnections) {
      this.inFlight++;
    } else {
      // Woken by release() with a slot already taken for us, so no newcomer can jump the queue.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.closed || ctx.signal.aborted) {
        this.inFlight--;
        this.release();
        return;
      }
    }
    try {
      await this.send(ctx);
    } finally {
      this.inFlight--;
      this.release();
    }
  }

  private async send(ctx: IterationContext): Promise<void> {
    const o = this.options;
    const body = bodyBytes(o.body);
    const sent = o.headBytes + (body?.length ?? 0);
    let received = 0;
    const sentAt = o.clock.now();
    try {
      const res = await this.pool.request({ path: o.path, method: o.method as Method, headers: this.headers, body, signal: ctx.signal });
      received = responseHeadBytes(res.statusCode, res.headers);
      let kept: Buffer | null = null;
      if (o.metrics.needsBody) {
        const chunks: Buffer[] = [];
        for await (const chunk of res.body) {
          chunks.push(chunk as Buffer);
          received += (chunk as Buffer).length;
        }
        kept = Buffer.concat(chunks);
      } else {
        // Read to the end rather than dump(): dump() gives up on large bodies, and data_received must count them.
        for await (const chunk of res.body) received += (chunk as Buffer).length;
      }
      const now = o.clock.now();
      o.metrics.response(res.statusCode, kept, now - ctx.intendedTime, now - sentAt, sent, received);
    } catch (err) {
      const code = transportErrorCode(err);
      // Cut off by the hard stop or by close(): interrupted, not a failure of the target.
      if (this.closed || (code === ABORTED && ctx.signal.aborted)) return;
      const now = o.clock.now();
      o.metrics.transportError(code, now - ctx.intendedTime, now - sentAt, sent, received);
    }
  }

  /**
   * undici adds one abort listener per request in flight; when executors share one signal
   * across VUs that is up to maxConnections listeners, which is expected, not a leak.
   */
  private allowListeners(signal: AbortSignal): void {
    this.watched.add(signal);
    const wanted = this.options.maxConnections + 10;
    if (getMaxListeners(signal) < wanted) setMaxListeners(wanted, signal);
  }

  /** Hands a free slot to the longest-waiting iteration, if any. */
  private release(): void {
    if (this.inFlight >= this.options.maxConnections) return;
    const wake = this.waiting.shift();
    if (wake === undefined) return;
    this.inFlight++;
    wake();
  }

  /** Destroys the pool; requests still in flight end unrecorded, waiting ones are let go. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) {
      this.inFlight++;
      wake();
    }
    await this.pool.destroy();
  }
}

/** Approximate wire size of a response head: undici hands over parsed headers, not the bytes. */
function responseHeadBytes(status: number, headers: Record<string, string | string[] | undefined>): number {
  let n = `HTTP/1.1 ${status} \r\n`.length + 2;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) n += name.length + v.length + 4;
    else n += name.length + value.length + 4;
  }
  return n;
}
