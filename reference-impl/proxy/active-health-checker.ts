/**
 * Active health checks, run once in the proxy's primary process (not once per worker): every
 * `interval` each upstream gets a fresh connection and `GET <path>`; a status in `healthyStatuses`
 * within `timeout` passes. Rise/fall counting (health-state.ts) turns checks into health, and a
 * change is handed to `onChange` (which tells the workers).
 */
import { request } from 'node:http';
import type { ProxyConfig } from './proxy-config.ts';
import { HealthState } from './health-state.ts';

export class ActiveHealthChecker {
  private readonly states = new Map<string, HealthState>();
  private readonly timers: NodeJS.Timeout[] = [];
  readonly checks = new Map<string, { passed: number; failed: number }>();

  constructor(private readonly config: ProxyConfig, private readonly onChange: (healthy: Record<string, boolean>) => void, previous?: ActiveHealthChecker) {
    const hc = config.healthCheck;
    for (const u of config.upstreams) {
      // an upstream kept across a reload keeps its health; a new one starts healthy
      const old = previous?.states.get(u);
      this.states.set(u, old ?? new HealthState(hc.rise, hc.fall));
      this.checks.set(u, previous?.checks.get(u) ?? { passed: 0, failed: 0 });
      if (hc.enabled) this.timers.push(setInterval(() => void this.check(u), hc.interval));
    }
  }

  healthy(): Record<string, boolean> {
    return Object.fromEntries([...this.states].map(([u, s]) => [u, s.healthy]));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  private async check(upstream: string): Promise<void> {
    const passed = await probe(upstream, this.config.healthCheck);
    const counts = this.checks.get(upstream)!;
    if (passed) counts.passed++; else counts.failed++;
    if (this.timers.length > 0 && this.states.get(upstream)!.record(passed)) this.onChange(this.healthy());
  }
}

/** One check: resolves true when the upstream answered a healthy status in time; never rejects. */
export function probe(origin: string, hc: ProxyConfig['healthCheck']): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${origin}${hc.path}`, { agent: false, timeout: hc.timeout }, (res) => {
      res.resume();
      resolve(hc.healthyStatuses.includes(res.statusCode ?? 0));
    });
    const timer = setTimeout(() => { req.destroy(); resolve(false); }, hc.timeout);
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.on('close', () => clearTimeout(timer));
    req.end();
  });
}
