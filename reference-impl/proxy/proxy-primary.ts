/**
 * The proxy's primary process. Node 20 has no `reusePort` listen option (added in Node 22.12 /
 * 23.1), so workers share the port through node:cluster: the primary holds the listening socket
 * and hands connections to the workers round robin. It owns the config, the active health checks
 * and /metrics, and it reloads on SIGHUP as seed 002 describes: validate the new config first
 * (invalid -> log why, keep serving), fork a new generation of workers and wait until all of them
 * listen, only then tell the old ones to drain; old workers finish in-flight requests up to the
 * drain deadline and are killed if they outlive it by a grace period.
 */
import cluster, { type Worker } from 'node:cluster';
import type { ComponentOptions, DrainReport, RunningComponent } from '../common/component.ts';
import type { Logger } from '../common/logger.ts';
import { UsageError } from '../common/usage-error.ts';
import { ActiveHealthChecker } from './active-health-checker.ts';
import { loadProxyConfig, ProxyConfigError, type ConfigSources, type ProxyConfig } from './proxy-config.ts';
import type { proxyFlags } from './proxy-component.ts';
import { OUTCOMES, RELOAD_IDLE_CLOSE_MS, SHUTDOWN_IDLE_CLOSE_MS, WORKER_ENV, emptyRequests, type ToPrimary, type ToWorker, type WorkerSetup, type WorkerSnapshot } from './proxy-ipc.ts';
import { renderProxyMetrics } from './proxy-metrics.ts';
import { workerEntry } from './worker-bundle.ts';

/** How long a new generation may take to listen before the reload is abandoned. */
const READY_TIMEOUT_MS = 15_000;
/** Past the drain deadline, how long an old worker may take to exit before SIGKILL. */
const EXIT_GRACE_MS = 2_000;
const SNAPSHOT_TIMEOUT_MS = 500;

interface Generation { id: number; config: ProxyConfig; workers: Worker[] }

/**
 * Sends to a worker that may be exiting: its IPC pipe can close between isConnected() and the
 * write, and an unhandled EPIPE on the Worker would take the primary (and the port) down.
 */
function sendTo(w: Worker, msg: ToWorker): boolean {
  if (!w.isConnected()) return false;
  try {
    // with a callback, a failed write is handed to it instead of being thrown or emitted
    w.send(msg, undefined, () => {});
    return true;
  } catch {
    return false;
  }
}

/** Starts the primary and its first generation of workers; resolves once they all listen. */
export async function startProxy(options: ComponentOptions<typeof proxyFlags>, logger: Logger): Promise<RunningComponent> {
  const sources: ConfigSources = { file: options.config, json: options.configJson, upstreams: options.upstreams };
  let config: ProxyConfig;
  try {
    config = loadProxyConfig(sources);
  } catch (err) {
    if (err instanceof ProxyConfigError) throw new UsageError('bad-flag', `component proxy: ${err.message}`);
    throw err;
  }
  if (!cluster.isPrimary) throw new Error('the proxy component must run in a primary process');
  const entry = await workerEntry(logger);
  cluster.setupPrimary({ exec: entry.exec, execArgv: entry.execArgv, silent: false });

  const host = options.host;
  const state = {
    reloads: { applied: 0, rejected: 0 },
    retired: emptyRequests(),
    abandoned: 0,
  };
  const alive = new Set<Worker>();
  /** workers that listen: /metrics asks only these, since one still starting answers only once it has loaded (a scrape during a reload waited for it and timed out) */
  const listening = new Set<Worker>();
  let checker: ActiveHealthChecker;
  let current: Generation;
  let closing: Promise<DrainReport> | undefined;
  let reloading: Promise<void> = Promise.resolve();
  let nextSnapshotId = 0;
  const snapshotWaiters = new Map<number, (snap: WorkerSnapshot) => void>();

  const broadcast = (msg: ToWorker): void => { for (const w of alive) sendTo(w, msg); };

  const collect = async (): Promise<WorkerSnapshot[]> => {
    const asks = [...listening].filter((w) => w.isConnected()).map((w) => new Promise<WorkerSnapshot | null>((resolve) => {
      const id = nextSnapshotId++;
      const timer = setTimeout(() => { snapshotWaiters.delete(id); resolve(null); }, SNAPSHOT_TIMEOUT_MS);
      snapshotWaiters.set(id, (snap) => { clearTimeout(timer); snapshotWaiters.delete(id); resolve(snap); });
      if (!sendTo(w, { t: 'snapshot', id })) { clearTimeout(timer); snapshotWaiters.delete(id); resolve(null); }
    }));
    return (await Promise.all(asks)).filter((s): s is WorkerSnapshot => s !== null);
  };

  const onMessage = (w: Worker, msg: ToPrimary): void => {
    switch (msg.t) {
      case 'snapshot': snapshotWaiters.get(msg.id)?.(msg.snap); break;
      case 'metrics':
        void collect().then((snaps) => {
          const text = renderProxyMetrics({
            generation: current.id, workers: alive.size, upstreams: current.config.upstreams, healthy: checker.healthy(),
            checks: checker.checks, reloads: state.reloads, retired: state.retired, abandoned: state.abandoned,
          }, snaps);
          sendTo(w, { t: 'metrics-text', id: msg.id, text });
        });
        break;
      case 'final':
        for (const o of OUTCOMES) state.retired[o] += msg.snap.requests[o];
        state.abandoned += msg.abandoned;
        break;
      case 'ready': listening.add(w); break;
    }
  };

  /** Forks one worker of generation `gen` (its setup fixed at the generation's start). */
  const forkWorker = (setup: WorkerSetup, workers: Worker[]): Worker => {
    const w = cluster.fork({ [WORKER_ENV]: JSON.stringify(setup) });
    workers.push(w);
    alive.add(w);
    w.on('message', (msg: ToPrimary) => onMessage(w, msg));
    w.on('error', (err) => logger.warn({ worker: w.process.pid, err: err.message }, 'IPC with a worker failed (it is probably exiting)'));
    w.once('exit', (code, signal) => {
      alive.delete(w);
      listening.delete(w);
      const i = current?.workers.indexOf(w) ?? -1;
      if (closing !== undefined || i === -1) return;
      // a serving worker crashed: replace it, as nginx's master does, so capacity comes back
      logger.error({ worker: w.process.pid, code, signal, generation: current.id }, 'a serving worker exited; starting a replacement');
      current.workers.splice(i, 1);
      forkWorker({ ...setup, healthy: checker.healthy() }, current.workers);
    });
    return w;
  };

  /** Forks one generation and resolves once every worker listens; kills them all if one fails. */
  const spawnGeneration = async (id: number, cfg: ProxyConfig, port: number): Promise<{ gen: Generation; port: number }> => {
    const setup: WorkerSetup = { config: cfg, host, port, generation: id, healthy: checker?.healthy() ?? {} };
    const workers: Worker[] = [];
    const ready = Array.from({ length: cfg.workers }, () => {
      const w = forkWorker(setup, workers);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`a worker did not listen within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        w.on('message', (msg: ToPrimary) => { if (msg.t === 'ready') { clearTimeout(timer); resolve(msg.port); } });
        w.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`a worker exited before listening (${signal ?? `exit code ${code}`})`)); });
      });
    });
    try {
      const ports = await Promise.all(ready);
      return { gen: { id, config: cfg, workers }, port: ports[0]! };
    } catch (err) {
      for (const w of workers) w.process.kill('SIGKILL');
      throw err;
    }
  };

  /** Tells a generation's workers to drain; resolves once all have exited (SIGKILL past deadline + grace). */
  const retire = (gen: Generation, deadlineMs: number): Promise<void> => Promise.all(gen.workers.map((w) => new Promise<void>((resolve) => {
    if (w.isDead()) { resolve(); return; }
    const kill = setTimeout(() => {
      logger.warn({ worker: w.process.pid }, 'worker outlived its drain deadline; killing it');
      w.process.kill('SIGKILL');
    }, deadlineMs + EXIT_GRACE_MS);
    w.once('exit', () => { clearTimeout(kill); resolve(); });
    if (!sendTo(w, { t: 'drain', plan: { deadlineMs, spreadMs: gen.config.drainSpread, idleCloseMs: RELOAD_IDLE_CLOSE_MS } })) w.process.kill('SIGKILL');
  }))).then(() => {});

  checker = new ActiveHealthChecker(config, (healthy) => broadcast({ t: 'health', healthy }));
  // port 0 stays the listen key: a later generation listening on 0 shares the primary's socket
  const first = await spawnGeneration(1, config, options.port);
  current = first.gen;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${first.port}`;
  logger.info({ url, workers: config.workers, upstreams: config.upstreams, sharing: 'node:cluster (round robin)', workerLoader: entry.loader }, 'proxy listening');

  const reload = async (): Promise<void> => {
    if (closing !== undefined) return;
    let next: ProxyConfig;
    try {
      next = loadProxyConfig({ ...sources, overlay: options.reloadJson });
    } catch (err) {
      state.reloads.rejected++;
      logger.error({ problems: err instanceof ProxyConfigError ? err.problems : [(err as Error).message] }, 'SIGHUP: new config rejected; still serving the previous config');
      return;
    }
    const old = current;
    let spawned: { gen: Generation };
    const nextChecker = new ActiveHealthChecker(next, (healthy) => broadcast({ t: 'health', healthy }), checker);
    try {
      spawned = await spawnGeneration(old.id + 1, next, options.port);
    } catch (err) {
      nextChecker.stop();
      state.reloads.rejected++;
      logger.error({ err: (err as Error).message }, 'SIGHUP: new workers did not start; still serving the previous config');
      return;
    }
    checker.stop();
    checker = nextChecker;
    current = spawned.gen;
    state.reloads.applied++;
    logger.info({ generation: current.id, workers: next.workers }, 'SIGHUP: new workers listening; draining the previous ones');
    await retire(old, old.config.drainTimeout);
    logger.info({ generation: current.id }, 'SIGHUP: reload complete');
  };
  const onSighup = (): void => { reloading = reloading.then(reload, reload); };
  process.on('SIGHUP', onSighup);

  return {
    component: 'proxy',
    url,
    close(deadlineMs?: number): Promise<DrainReport> {
      closing ??= (async () => {
        process.off('SIGHUP', onSighup);
        checker.stop();
        const deadline = deadlineMs ?? current.config.drainTimeout;
        const before = state.abandoned;
        await Promise.all([...alive].map((w) => new Promise<void>((resolve) => {
          if (w.isDead()) { resolve(); return; }
          const kill = setTimeout(() => w.process.kill('SIGKILL'), deadline + EXIT_GRACE_MS);
          w.once('exit', () => { clearTimeout(kill); resolve(); });
          if (!sendTo(w, { t: 'drain', plan: { deadlineMs: deadline, spreadMs: 0, idleCloseMs: SHUTDOWN_IDLE_CLOSE_MS } })) w.process.kill('SIGKILL');
        })));
        return { abandoned: state.abandoned - before };
      })();
      return closing;
    },
  };
}
