/**
 * A worker's view of its upstreams: one keep-alive undici Pool each, the active health the primary
 * broadcasts, passive outlier detection and a circuit breaker each. `pick()` takes upstreams round
 * robin, skipping the unhealthy, the ejected and those whose breaker is open.
 */
import { Pool } from 'undici';
import { CircuitBreaker, type Clock } from './circuit-breaker.ts';
import { OutlierDetector } from './outlier-detector.ts';
import type { ProxyConfig } from './proxy-config.ts';
import type { UpstreamSnapshot } from './proxy-ipc.ts';

export interface Upstream {
  readonly origin: string;
  readonly pool: Pool;
  readonly breaker: CircuitBreaker | null;
  healthy: boolean;
  requests: number;
  failures: number;
}

export class UpstreamSet {
  readonly list: Upstream[];
  private readonly outliers: OutlierDetector | null;
  private next = 0;

  constructor(config: ProxyConfig, healthy: Record<string, boolean>, clock: Clock = () => performance.now()) {
    const { pool, circuitBreaker: cb, outlierDetection: od, buffers } = config;
    this.list = config.upstreams.map((origin) => ({
      origin,
      pool: new Pool(origin, {
        connections: pool.connections,
        pipelining: 1,
        keepAliveTimeout: pool.keepAliveTimeout,
        connectTimeout: pool.connectTimeout,
        headersTimeout: pool.headersTimeout,
        bodyTimeout: pool.headersTimeout,
        maxResponseSize: -1,
        connect: { highWaterMark: buffers.highWaterMark, noDelay: true } as object,
      }),
      breaker: cb.enabled ? new CircuitBreaker({ failureThreshold: cb.failureThreshold, recoveryTimeoutMs: cb.recoveryTimeout }, clock) : null,
      healthy: healthy[origin] ?? true,
      requests: 0,
      failures: 0,
    }));
    this.outliers = od.enabled
      ? new OutlierDetector(config.upstreams, { consecutiveFailures: od.consecutiveFailures, baseEjectionTimeMs: od.baseEjectionTime, maxEjectionTimeMs: od.maxEjectionTime, maxEjectionPercent: od.maxEjectionPercent }, clock)
      : null;
  }

  setHealth(healthy: Record<string, boolean>): void {
    for (const u of this.list) u.healthy = healthy[u.origin] ?? u.healthy;
  }

  /** The next usable upstream other than those in `exclude`, or null; takes a half-open breaker's test slot. */
  pick(exclude?: Upstream): Upstream | null {
    const n = this.list.length;
    for (let i = 0; i < n; i++) {
      const u = this.list[(this.next + i) % n]!;
      if (u === exclude || !u.healthy || (this.outliers?.isEjected(u.origin) ?? false)) continue;
      if (u.breaker !== null && !u.breaker.allow()) continue;
      this.next = (this.next + i + 1) % n;
      return u;
    }
    return null;
  }

  /** Records one request's outcome on an upstream `pick()` returned; says whether it opened the breaker or ejected the upstream. */
  record(u: Upstream, success: boolean): { breakerOpened: boolean; ejected: boolean } | null {
    u.requests++;
    if (success) {
      u.breaker?.record(true);
      this.outliers?.record(u.origin, true);
      return null;
    }
    u.failures++;
    const opens = u.breaker?.openCount ?? 0;
    u.breaker?.record(false);
    const ejected = this.outliers?.record(u.origin, false) ?? false;
    const breakerOpened = (u.breaker?.openCount ?? 0) > opens;
    return breakerOpened || ejected ? { breakerOpened, ejected } : null;
  }

  /**
   * A request to `u` ended without a verdict on it: the client went away and the proxy aborted the
   * upstream request. Not a failure (counting it as one let a burst of client aborts open breakers
   * on healthy upstreams); it only frees a half-open breaker's test slot.
   */
  abandon(u: Upstream): void {
    u.breaker?.release();
  }

  snapshot(): Record<string, UpstreamSnapshot> {
    const out: Record<string, UpstreamSnapshot> = {};
    for (const u of this.list) {
      out[u.origin] = {
        requests: u.requests,
        failures: u.failures,
        ejected: this.outliers?.isEjected(u.origin) ?? false,
        ejections: this.outliers?.ejections(u.origin) ?? 0,
        breaker: u.breaker?.state ?? 'closed',
        breakerOpens: u.breaker?.openCount ?? 0,
        breakerOpenMs: u.breaker?.openMs() ?? 0,
      };
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.list.map((u) => u.pool.close().catch(() => {})));
  }
}
