/**
 * The whole pipeline in one readable function: plan -> cluster -> workloads -> metrics ->
 * verdicts -> RunResult. Whatever happens (success, Critical abort, SIGINT, a harness error),
 * the cluster is torn down and a RunResult is returned, partial if need be.
 */
import type { Cluster } from '../../clusters/cluster.ts';
import { getProvider } from '../../clusters/providers/index.ts';
import { checkTargetUrl } from '../../clusters/providers/loopback.ts';
import type { HarnessError, RunResult } from '../../reports/run-result.ts';
import { withEngineResults } from '../engines/engine-results.ts';
import { isCaplabError } from '../errors.ts';
import { realClock, type Clock } from '../executors/clock.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import { getExecutor } from '../executors/index.ts';
import { FaultScheduler, type FaultDraft } from '../faults/fault-scheduler.ts';
import { MetricsAggregate } from '../metrics/aggregate.ts';
import { GeneratorMonitor } from '../metrics/generator-monitor.ts';
import { M } from '../metrics/metric-names.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import type { Plan } from '../plan/plan.ts';
import { LiveEvaluator } from '../thresholds/live-evaluator.ts';
import { toThresholdSpecs } from '../thresholds/threshold-schema.ts';
import { assembleResult, type WorkloadRun } from './assemble-result.ts';
import { ComponentScraper, withScrapeReport } from './component-scraper.ts';
import { componentSpecs } from './component-specs.ts';
import { makeDatasets } from './datasets.ts';
import type { ProgressSink } from './progress.ts';
import { ResourceTracker } from './resource-tracker.ts';
import { scheduledMs } from './scheduled-duration.ts';
import { stepTimes, type CapacitySweepConfig } from '../executors/capacity-sweep.ts';
import { SweepRecorder } from './sweep-recorder.ts';
import { startWorkload, type WorkloadHandle } from './workload-runner.ts';

export interface RunOptions {
  /** cluster provider name (the scenario's `cluster:` unless --cluster overrides it) */
  provider: string;
  allowRemoteTarget: boolean;
  /** aborted on SIGINT/SIGTERM: the run stops, tears down, and returns a result marked aborted */
  signal: AbortSignal;
  progress: ProgressSink;
  /** component log lines and provider messages */
  log: (line: string) => void;
  /** kubeconfig provider: the context named by --context */
  context?: string;
  clock?: Clock;
  /** --load-generators: every workload but a capacity-sweep runs in this many processes (load-generators.ts) */
  loadGenerators?: number;
}

export async function runScenario(plan: Plan, opts: RunOptions): Promise<RunResult> {
  const clock = opts.clock ?? realClock;
  const startedAt = new Date();
  const registry = new MetricsRegistry();
  const specs = toThresholdSpecs(plan.thresholds);
  const aggregate = new MetricsAggregate(Math.max(60, ...specs.map((s) => Math.ceil(s.windowSeconds ?? 0) + 1)));
  const live = new LiveEvaluator(specs);
  const components = componentSpecs(plan);
  const stop = new AbortController();
  const errors: HarnessError[] = [];
  const runs: WorkloadRun[] = [];
  let interrupted: string | null = null;
  let thresholdAbort: string | null = null;
  let cluster: Cluster | null = null;
  let tracker: ResourceTracker | null = null;
  let scraper: ComponentScraper | null = null;
  let faults: FaultScheduler | null = null;
  let faultDrafts: FaultDraft[] | undefined;

  const onSignal = (): void => {
    interrupted = String(opts.signal.reason ?? 'signal');
    stop.abort();
  };
  if (opts.signal.aborted) onSignal();
  opts.signal.addEventListener('abort', onSignal, { once: true });

  let runStart = clock.now();
  let ticking = false;
  let tickLoop: Promise<void> = Promise.resolve();
  let handles: WorkloadHandle[] = [];
  const monitor = new GeneratorMonitor(registry, { thread: 'main' });
  const sweeps = new Map(Object.entries(plan.workloads).filter(([, w]) => w.executor === 'capacity-sweep').map(([name, w]) => [name, new SweepRecorder({
    workload: name, startTimeMs: w.startTime, settleMs: stepTimes(w as CapacitySweepConfig).settleMs, aggregate, specs, profile: plan.thresholdProfile,
    components: components.filter((c) => !c.url).map((c) => c.name),
    onStep: (st) => opts.progress.note(`${name} step ${st.index}: ${st.targetConnections !== undefined ? `${st.targetConnections} connections held, ${st.targetRate.toFixed(0)}/s published` : `${st.targetRate.toFixed(0)}/s offered, ${st.achievedRate.toFixed(0)}/s achieved`}: ${st.level.toUpperCase()}`),
  })]));

  const plannedSeconds = Math.max(...Object.values(plan.workloads).map((w) => (w.startTime + scheduledMs(w)) / 1000));

  /** One window: gather every thread's metrics, judge thresholds live, show progress. */
  const tick = async (t: number): Promise<void> => {
    monitor.sample();
    if (tracker && (t * 1000) % plan.sampleInterval < 1000) await tracker.sample(t);
    if (scraper) aggregate.ingest(await scraper.scrape(t));
    aggregate.ingest(registry.drain());
    for (const h of handles) for (const snap of await h.drain()) aggregate.ingest(snap);
    aggregate.closeWindow(t);
    for (const r of sweeps.values()) r.afterWindow();
    const verdicts = live.tick(aggregate, t);
    if (verdicts.abort && !thresholdAbort && !stop.signal.aborted) {
      thresholdAbort = verdicts.abort.reason;
      opts.progress.note(`aborting: ${thresholdAbort}`);
      stop.abort();
    }
    opts.progress.update(progressAt(t));
  };

  const progressAt = (t: number) => {
    const last = (name: string) => aggregate.series()[name]?.at(-1);
    const it = last(M.iterations);
    const p95 = last(M.httpReqDuration);
    const failed = last(M.httpReqFailed);
    let target: number | null = null;
    for (const [name, w] of Object.entries(plan.workloads)) {
      const ex = getExecutor(w.executor);
      // The middle of the window just closed: at its end the schedule may already be over.
      const tr = sweeps.get(name)?.currentRate(t - 0.5) ?? ex.targetRate?.(w as never, t * 1000 - 500 - w.startTime);
      if (tr !== undefined && t * 1000 >= w.startTime) target = (target ?? 0) + tr;
    }
    return {
      elapsedSeconds: t, plannedSeconds,
      rate: it && it.t === t ? it.count : 0,
      targetRate: target,
      p95: p95 && p95.t === t && p95.count > 0 ? p95.p95 ?? null : null,
      errors: failed && failed.t === t ? failed.passes ?? 0 : 0,
      vus: handles.reduce((a, h) => a + h.vus(), 0),
    };
  };

  try {
    // A workload may name a URL directly; the same loopback rule as for url: components applies.
    for (const [name, w] of Object.entries(plan.workloads)) {
      if (w.http && /^https?:\/\//.test(w.http.target)) checkTargetUrl(`workload ${name}`, w.http.target, opts.allowRemoteTarget);
      if (w.tcp && /^tcp:\/\//.test(w.tcp.target)) checkTargetUrl(`workload ${name}`, w.tcp.target, opts.allowRemoteTarget);
      for (const t of w.ws ? [w.ws.target].flat() : []) if (/^wss?:\/\//.test(t)) checkTargetUrl(`workload ${name}`, t, opts.allowRemoteTarget);
      for (const t of [w.autocannon?.target, w.artillery?.target]) if (t !== undefined && /^https?:\/\//.test(t)) checkTargetUrl(`workload ${name}`, t, opts.allowRemoteTarget);
    }
    for (const [name, d] of Object.entries(plan.datasets)) {
      if (/^https?:\/\//.test(d.http.target)) checkTargetUrl(`dataset ${name}`, d.http.target, opts.allowRemoteTarget);
    }
    cluster = await getProvider(opts.provider).up({ provider: opts.provider, allowRemoteTarget: opts.allowRemoteTarget, log: opts.log, ...(opts.context !== undefined ? { context: opts.context } : {}) }, stop.signal);
    if (components.length > 0) opts.progress.note(`starting ${components.length} component(s) on ${cluster.provider}`);
    const endpoints = await cluster.deploy(components);
    tracker = new ResourceTracker(cluster.sampler(), components, registry);
    scraper = ComponentScraper.fromPlan(plan, endpoints, (line) => opts.progress.note(line));
    // The first sample only sets the CPU baseline, so start-up work is not counted as load.
    await cluster.sampler().sample();
    if (stop.signal.aborted) throw new Error('interrupted before the load started');
    const datasetNames = Object.keys(plan.datasets);
    if (datasetNames.length > 0) opts.progress.note(`making dataset${datasetNames.length > 1 ? 's' : ''} ${datasetNames.join(', ')} (setup requests, not measured)`);
    const datasets = await makeDatasets(plan, endpoints, stop.signal);
    if (opts.loadGenerators) opts.progress.note(`${opts.loadGenerators} load generator(s) per workload: ${cluster.loadGenerators?.where ?? 'local processes'}`);
    handles = Object.entries(plan.workloads).map(([name, workload]) =>
      startWorkload({ name, workload, endpoints, baseDir: plan.baseDir, clock, signal: stop.signal, recorder: registry, warmupMs: plan.warmup, datasets, seed: plan.seed, ...(opts.loadGenerators ? { loadGenerators: opts.loadGenerators } : {}), ...(cluster?.loadGenerators ? { generatorLauncher: cluster.loadGenerators } : {}), ...(sweeps.has(name) ? { sweep: sweeps.get(name)!.sink } : {}) }));
    if (plan.warmup > 0) opts.progress.note(`warming up for ${plan.warmup / 1000} s (not measured)`);
    await Promise.all(handles.map((h) => h.ready));
    // Anything recorded so far (generator samples during warm-up) is not part of the run.
    registry.drain();
    for (const h of handles) await h.drain();
    opts.progress.note(`driving ${Object.keys(plan.workloads).join(', ')} for ${plannedSeconds.toFixed(0)} s`);
    runStart = clock.now();
    for (const h of handles) h.go();
    if (plan.faults.length > 0) faults = new FaultScheduler(plan.faults, { cluster, endpoints, clock, runStart, signal: stop.signal, note: (line) => opts.progress.note(line) });
    ticking = true;
    tickLoop = (async () => {
      for (let k = 1; ticking; k++) {
        await clock.sleepUntil(runStart + k * 1000);
        if (!ticking) break;
        await tick(k);
      }
    })();
    const settled = await Promise.allSettled(handles.map((h) => h.done));
    const endedAt = clock.now();
    settled.forEach((s, i) => {
      const name = handles[i]!.name;
      const w = plan.workloads[name]!;
      const outcome: ExecutorOutcome = s.status === 'fulfilled' ? s.value : { iterations: 0, dropped: 0, interrupted: 0 };
      if (s.status === 'rejected') errors.push(toHarnessError(s.reason));
      // Achieved rate is over the time iterations were being started: the schedule, or less when
      // the run stopped early; waiting for the last responses is not part of it.
      const ran = endedAt - runStart - w.startTime;
      const planned = outcome.activeMs ?? scheduledMs(w);
      const seconds = (stop.signal.aborted ? Math.min(ran, planned) : planned) / 1000;
      runs.push({ name, workload: w, outcome, seconds: Math.max(0.001, seconds) });
    });
  } catch (err) {
    if (!interrupted) errors.push(toHarnessError(err));
  } finally {
    ticking = false;
    await tickLoop.catch((err: unknown) => errors.push(toHarnessError(err)));
    // The last, partial window: whatever happened since the last tick.
    const t = Math.max(aggregate.elapsedSeconds, (clock.now() - runStart) / 1000);
    aggregate.ingest(registry.drain());
    for (const h of handles) for (const snap of await h.drain().catch(() => [])) aggregate.ingest(snap);
    if (t > aggregate.elapsedSeconds) aggregate.closeWindow(t);
    for (const r of sweeps.values()) { r.afterWindow(); r.finish(); }
    monitor.stop();
    opts.signal.removeEventListener('abort', onSignal);
    opts.progress.done();
    faultDrafts = await faults?.stop();
    if (cluster) await cluster.down().catch((err: unknown) => errors.push(toHarnessError(err)));
  }

  return withScrapeReport(withEngineResults(assembleResult({
    plan, startedAt, endedAt: new Date(), aggregate, specs, runs, errors, interrupted, thresholdAbort,
    provider: cluster?.provider ?? opts.provider, resources: tracker?.result() ?? [],
    components: components.filter((c) => !c.url).map((c) => c.name),
    faults: faultDrafts,
    workers: Object.values(plan.workloads).reduce((a, w) => a + w.workers, 0),
    sweeps: [...sweeps.values()].map((r) => r.result()),
  }), runs), scraper);
}

function toHarnessError(err: unknown): HarnessError {
  if (isCaplabError(err)) return { code: err.code, message: [err.message, ...err.details].join('\n'), hint: err.hint };
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: 'CAPLAB_ERR_INTERNAL', message: e.stack ?? e.message };
}
