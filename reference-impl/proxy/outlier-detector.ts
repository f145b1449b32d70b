/**
 * Passive health checking as Envoy's outlier detection does it: an upstream that fails
 * `consecutiveFailures` requests in a row is ejected from the pool for `baseEjectionTimeMs` times
 * the number of times it has been ejected (capped at `maxEjectionTimeMs`), and comes back on its
 * own when that time is up. The multiplier decays by one for every base time an upstream spends in
 * the pool without being ejected. At most `maxEjectionPercent` of the upstreams are ejected at once,
 * but at least one may always be (Envoy's rule), so a lone bad upstream is always taken out.
 */
import type { Clock } from './circuit-breaker.ts';

export interface OutlierOptions {
  consecutiveFailures: number;
  baseEjectionTimeMs: number;
  maxEjectionTimeMs: number;
  maxEjectionPercent: number;
}

interface HostState {
  consecutive: number;
  /** ejected until this time; 0 = in the pool */
  ejectedUntil: number;
  /** multiplier of the next ejection time, decayed while the host stays in */
  multiplier: number;
  /** when it last came back (or started), to decay the multiplier */
  inSince: number;
  ejections: number;
}

export class OutlierDetector {
  private readonly hosts = new Map<string, HostState>();

  constructor(upstreams: readonly string[], private readonly options: OutlierOptions, private readonly clock: Clock) {
    const now = clock();
    for (const u of upstreams) this.hosts.set(u, { consecutive: 0, ejectedUntil: 0, multiplier: 0, inSince: now, ejections: 0 });
  }

  /** Records one request's outcome on `upstream`; returns true if this failure ejected it. */
  record(upstream: string, success: boolean): boolean {
    const h = this.hosts.get(upstream);
    if (h === undefined) return false;
    if (success) { h.consecutive = 0; return false; }
    h.consecutive++;
    if (h.consecutive < this.options.consecutiveFailures || this.isEjected(upstream)) return false;
    if (this.ejectedCount() >= this.maxEjected()) return false;
    const now = this.clock();
    const decay = Math.floor((now - h.inSince) / this.options.baseEjectionTimeMs);
    h.multiplier = Math.max(0, h.multiplier - decay) + 1;
    h.ejectedUntil = now + Math.min(this.options.baseEjectionTimeMs * h.multiplier, this.options.maxEjectionTimeMs);
    h.consecutive = 0;
    h.ejections++;
    return true;
  }

  /** Is the upstream out of the pool now? An ejection whose time is up ends here. */
  isEjected(upstream: string): boolean {
    const h = this.hosts.get(upstream);
    if (h === undefined || h.ejectedUntil === 0) return false;
    const now = this.clock();
    if (now < h.ejectedUntil) return true;
    h.ejectedUntil = 0;
    h.inSince = now;
    return false;
  }

  /** how many times the upstream has been ejected */
  ejections(upstream: string): number {
    return this.hosts.get(upstream)?.ejections ?? 0;
  }

  ejectedCount(): number {
    let n = 0;
    for (const u of this.hosts.keys()) if (this.isEjected(u)) n++;
    return n;
  }

  private maxEjected(): number {
    return Math.max(1, Math.floor((this.hosts.size * this.options.maxEjectionPercent) / 100));
  }
}
