/**
 * The full-featured HTTP engine on undici 7's Pool: https, bodies made fresh per request, and
 * anything else the fast engine's prebuilt request cannot express. One Pool per workload, sized
 * to its concurrency, keep-alive, no pipelining, so it loads a server the way real clients do.
 * `UndiciClient` sends and records one request at a time; `UndiciHttpDriver` is the one-request
 * iteration on top of it, and http-flow.ts builds mixes and steps on it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { getMaxListeners, setMaxListeners } from 'node:events';
import { Pool } from 'undici';
import type { Clock } from '../executors/clock.ts';
import type { Driver, IterationContext } from './driver.ts';
import { bodyBytes, type RequestBody } from './http-body.ts';
import { ABORTED, transportErrorCode } from './http-error-code.ts';
import type { HttpMetrics } from './http-metrics.ts';
import type { TemplateScope } from './template.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** One request as the client sends it; the body is given separately, per send. */
export interface OutgoingRequest {
  path: string;
  method: Method;
  headers: Readonly<Record<string, string>>;
  /** bytes of the request line and headers (for data_sent; undici does not report what it wrote) */
  headBytes: number;
  metrics: HttpMetrics;
  /** keep the response body for the caller (captures), even when no check reads it */
  keepBody: boolean;
  /** renders templated check values */
  scope?: TemplateScope | undefined;
}

/** A response that arrived, after its checks were judged. */
export interface ExchangeResult {
  failed: boolean;
  status: number;
  headers: IncomingHttpHeaders;
  /** kept when checks or the caller need it */
  body: Buffer | null;
}

export interface UndiciClientOptions {
  /** scheme://host:port */
  origin: string;
  timeoutMs: number;
  maxConnections: number;
  clock: Clock;
}

export class UndiciClient {
  private readonly pool: Pool;
  private readonly watched = new WeakSet<AbortSignal>();
  // Requests in flight, at most maxConnections: the rest wait here rather than in undici's queue,
  // so their raw latency can start when they are actually sent.
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: UndiciClientOptions) {
    this.pool = new Pool(options.origin, {
      connections: options.maxConnections,
      pipelining: 1,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
    });
  }

  /**
   * Sends one request once a connection is free and records it, with latency from `intendedTime`.
   * Resolves with the response, or null when there was none (a transport error, recorded) or the
   * run was interrupted (not recorded). Never rejects.
   */
  async exchange(req: OutgoingRequest, body: Buffer | null, intendedTime: number, signal: AbortSignal): Promise<ExchangeResult | null> {
    if (this.closed || signal.aborted) return null;
    if (!this.watched.has(signal)) this.allowListeners(signal);
    if (this.inFlight < this.options.maxConnections) {
      this.inFlight++;
    } else {
      // Woken by release() with a slot already taken for us, so no newcomer can jump the queue.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.closed || signal.aborted) {
        this.inFlight--;
        this.release();
        return null;
      }
    }
    try {
      return await this.send(req, body, intendedTime, signal);
    } finally {
      this.inFlight--;
      this.release();
    }
  }

  private async send(req: OutgoingRequest, body: Buffer | null, intendedTime: number, signal: AbortSignal): Promise<ExchangeResult | null> {
    const { clock } = this.options;
    const sent = req.headBytes + (body?.length ?? 0);
    let received = 0;
    const sentAt = clock.now();
    try {
      const res = await this.pool.request({ path: req.path, method: req.method, headers: req.headers, body, signal });
      received = responseHeadBytes(res.statusCode, res.headers);
      let kept: Buffer | null = null;
      if (req.metrics.needsBody || req.keepBody) {
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
      const now = clock.now();
      const failed = req.metrics.response(res.statusCode, kept, now - intendedTime, now - sentAt, sent, received, req.scope);
      return { failed, status: res.statusCode, headers: res.headers, body: kept };
    } catch (err) {
      const code = transportErrorCode(err);
      // Cut off by the hard stop or by close(): interrupted, not a failure of the target.
      if (this.closed || (code === ABORTED && signal.aborted)) return null;
      const now = clock.now();
      req.metrics.transportError(code, now - intendedTime, now - sentAt, sent, received);
      return null;
    }
  }

  /** Whether close() was called: requests that end now were interrupted, not failed. */
  get isClosed(): boolean {
    return this.closed;
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

  /** Hands a free slot to the longest-waiting request, if any. */
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

/** One request per iteration whose only variation is a random body. */
export class UndiciHttpDriver implements Driver {
  private readonly client: UndiciClient;
  private readonly request: OutgoingRequest;

  constructor(private readonly options: UndiciDriverOptions) {
    this.client = new UndiciClient({ origin: options.origin, timeoutMs: options.timeoutMs, maxConnections: options.maxConnections, clock: options.clock });
    const headers: Record<string, string> = { ...options.headers };
    const hasContentType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
    if (options.body.kind === 'static' && options.body.contentType !== undefined && !hasContentType) {
      headers['content-type'] = options.body.contentType;
    }
    this.request = { path: options.path, method: options.method as Method, headers, headBytes: options.headBytes, metrics: options.metrics, keepBody: false };
  }

  /** Sends one request; resolves when its response (or failure) is recorded. Never rejects. */
  async iterate(ctx: IterationContext): Promise<void> {
    await this.client.exchange(this.request, bodyBytes(this.options.body), ctx.intendedTime, ctx.signal);
  }

  close(): Promise<void> {
    return this.client.close();
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
