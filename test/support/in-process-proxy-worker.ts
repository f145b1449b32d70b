/**
 * One proxy worker started in the test process (no primary, no fork) in front of `origin`, with
 * health checks, outlier detection and breakers off unless `config` turns them on; `stop()`
 * drains it as the primary would and waits for its final report.
 */
import { createLogger } from '../../reference-impl/common/logger.ts';
import type { ToPrimary } from '../../reference-impl/proxy/proxy-ipc.ts';
import { validateProxyConfig } from '../../reference-impl/proxy/proxy-config.ts';
import { startProxyWorker, type WorkerHandle } from '../../reference-impl/proxy/proxy-worker.ts';

export interface TestProxyWorker {
  worker: WorkerHandle;
  /** every message the worker sent its primary */
  sent: ToPrimary[];
  stop(): Promise<void>;
}

/** Starts the worker on a free loopback port. */
export async function startTestProxyWorker(origin: string, config: Record<string, unknown> = {}): Promise<TestProxyWorker> {
  const sent: ToPrimary[] = [];
  const valid = validateProxyConfig({ upstreams: [origin], fastPath: true, healthCheck: { enabled: false }, outlierDetection: { enabled: false }, circuitBreaker: { enabled: false }, ...config });
  const worker = await startProxyWorker({ config: valid, host: '127.0.0.1', port: 0, generation: 1, healthy: {} }, (m, done) => { sent.push(m); done?.(); }, createLogger('test', 'silent'), () => {});
  return {
    worker, sent,
    async stop() {
      const exited = new Promise<void>((r) => { const t = setInterval(() => { if (sent.some((m) => m.t === 'final')) { clearInterval(t); r(); } }, 10); });
      worker.onMessage({ t: 'drain', plan: { deadlineMs: 1_000, spreadMs: 0, idleCloseMs: 0 } });
      await exited;
    },
  };
}
