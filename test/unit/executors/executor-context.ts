/** An ExecutorContext over a real MetricsRegistry, with the onVUs calls kept for inspection. */
import type { Driver } from '../../../harness/drivers/driver.ts';
import type { ExecutorContext } from '../../../harness/executors/executor.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';
import type { TestClock } from './test-clock.ts';

export interface TestContext {
  ctx: ExecutorContext;
  registry: MetricsRegistry;
  abort: AbortController;
  /** every onVUs call: virtual time and VU count */
  vus: { t: number; n: number }[];
  /** the VU count last reported at or before `t` */
  vusAt(t: number): number;
}

export function testContext(clock: TestClock, driver: Driver): TestContext {
  const registry = new MetricsRegistry();
  const abort = new AbortController();
  const vus: { t: number; n: number }[] = [];
  const ctx: ExecutorContext = {
    clock, driver, recorder: registry, signal: abort.signal, tags: { workload: 'w' },
    onVUs: (n) => vus.push({ t: clock.now(), n }),
  };
  const vusAt = (t: number): number => {
    let n = 0;
    for (const v of vus) if (v.t <= t) n = v.n;
    return n;
  };
  return { ctx, registry, abort, vus, vusAt };
}
