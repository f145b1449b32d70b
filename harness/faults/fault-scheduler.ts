/**
 * Injects a scenario's faults at their planned times during the measured run, and notes what it
 * saw: when each was injected, when the component was back, and how long the gauges it watches
 * took to return to their value before the fault. Gap and recovery are computed later from the
 * per-second series (fault-outcome.ts), once the run's last window is closed.
 */
import type { Cluster, FaultSpec } from '../../clusters/cluster.ts';
import type { Endpoints } from '../drivers/driver.ts';
import type { Clock } from '../executors/clock.ts';
import type { Fault } from '../plan/fault-schema.ts';
import { readGauge } from './prometheus-gauge.ts';

/** How often a watched gauge is read while waiting for it to come back. */
const POLL_MS = 100;

/** What the scheduler saw of one fault; times in seconds since the run started. */
export interface FaultDraft {
  fault: Fault;
  injectedAt: number | null;
  /** restart: when the replica was ready again; delay, blackhole: when the fault was lifted; null if never */
  componentBackAt: number | null;
  /** `<as>Before`, `<as>Back`, `<as>BackSeconds` per watched gauge (see observe in fault-schema.ts) */
  observations: Record<string, number>;
  /** names (`as`) of the watched gauges that did not come back before the run ended */
  notBack: string[];
  error?: string;
}

export interface FaultContext {
  cluster: Cluster;
  endpoints: Endpoints;
  clock: Clock;
  /** the clock's time when the measured run started */
  runStart: number;
  /** the run's stop signal (SIGINT, abortOnCritical) */
  signal: AbortSignal;
  note: (line: string) => void;
}

export class FaultScheduler {
  private readonly own = new AbortController();
  private readonly tasks: Promise<FaultDraft>[];

  /** Starts one timer per fault; call at the moment the measured run starts. */
  constructor(faults: readonly Fault[], private readonly ctx: FaultContext) {
    const signal = AbortSignal.any([ctx.signal, this.own.signal]);
    this.tasks = faults.map((f) => this.run(f, signal));
  }

  /** Cuts every wait, poll and restart short and returns what each fault got to; never rejects. */
  async stop(): Promise<FaultDraft[]> {
    this.own.abort();
    return Promise.all(this.tasks);
  }

  private seconds(): number {
    return (this.ctx.clock.now() - this.ctx.runStart) / 1000;
  }

  private async run(fault: Fault, signal: AbortSignal): Promise<FaultDraft> {
    const draft: FaultDraft = { fault, injectedAt: null, componentBackAt: null, observations: {}, notBack: [] };
    const { clock, cluster } = this.ctx;
    await clock.sleepUntil(this.ctx.runStart + fault.at, signal);
    if (signal.aborted) {
      draft.error = `not injected: the run stopped at ${this.seconds().toFixed(1)} s, before the fault was due`;
      return draft;
    }
    const watched = await this.baselines(fault, signal, draft);
    const spec: FaultSpec = {
      action: fault.action, component: fault.component, replica: fault.replica, downForMs: fault.downFor, graceful: fault.graceful,
      durationMs: fault.duration, latencyMs: fault.latency,
    };
    draft.injectedAt = this.seconds();
    this.ctx.note(`fault at ${draft.injectedAt.toFixed(1)} s: ${describeFault(fault)}`);
    try {
      await cluster.inject(spec, signal);
    } catch (err) {
      draft.error = signal.aborted
        ? `cut short: the run ended while ${fault.component} was being ${fault.action === 'restart' ? 'restarted' : fault.action === 'drain' ? 'drained' : 'faulted'}`
        : (err as Error).message;
      draft.notBack = watched.map((w) => w.as);
      return draft;
    }
    const backAt = this.seconds();
    if (fault.action === 'restart' || fault.action === 'delay' || fault.action === 'blackhole') {
      // restart: ready again; delay and blackhole: lifted
      draft.componentBackAt = backAt;
      this.ctx.note(`fault: ${fault.component} is back after ${(backAt - draft.injectedAt).toFixed(1)} s`);
    }
    await Promise.all(watched.map((w) => this.waitBack(w, backAt, signal, draft)));
    return draft;
  }

  /** Reads each watched gauge before the fault: the value it must come back to. */
  private async baselines(fault: Fault, signal: AbortSignal, draft: FaultDraft): Promise<Watched[]> {
    const out: Watched[] = [];
    for (const o of fault.observe) {
      const as = o.as ?? o.metric;
      const base = this.ctx.endpoints[o.component ?? fault.component];
      const url = base === undefined ? undefined : new URL(o.path, base.replace(/^tcp:/, 'http:')).href;
      try {
        if (url === undefined) throw new Error(`no endpoint for ${o.component ?? fault.component}`);
        const before = await readGauge(url, o.metric, signal);
        draft.observations[`${as}Before`] = before;
        out.push({ as, url, metric: o.metric, before });
      } catch (err) {
        draft.notBack.push(as);
        draft.error = `cannot watch ${o.metric}: ${(err as Error).message}`;
      }
    }
    return out;
  }

  /** Polls a gauge until it is back at its value before the fault, or the run ends. */
  private async waitBack(w: Watched, from: number, signal: AbortSignal, draft: FaultDraft): Promise<void> {
    let last: number | null = null;
    while (!signal.aborted) {
      last = await readGauge(w.url, w.metric, signal).catch(() => last);
      if (last !== null && last >= w.before) {
        draft.observations[`${w.as}Back`] = last;
        draft.observations[`${w.as}BackSeconds`] = Math.max(0, this.seconds() - from);
        return;
      }
      await this.ctx.clock.sleepUntil(this.ctx.clock.now() + POLL_MS, signal);
    }
    if (last !== null) draft.observations[`${w.as}Back`] = last;
    draft.notBack.push(w.as);
  }
}

interface Watched { as: string; url: string; metric: string; before: number }

/** `restart tunnel (replica 0, down 2 s, SIGKILL)` */
export function describeFault(f: Fault): string {
  const parts = [`replica ${f.replica}`];
  switch (f.action) {
    case 'restart': parts.push(`down ${f.downFor / 1000} s`, f.graceful ? 'SIGTERM' : 'SIGKILL'); break;
    case 'kill': parts.push('SIGKILL'); break;
    case 'drain': parts.push('SIGTERM, stays down'); break;
    case 'sighup': parts.push('SIGHUP'); break;
    case 'delay': parts.push(`+${f.latency} ms for ${f.duration / 1000} s`); break;
    case 'blackhole': parts.push(`no answers for ${f.duration / 1000} s`); break;
  }
  return `${f.action} ${f.component} (${parts.join(', ')})`;
}
