/**
 * The run's side of a capacity sweep: when a step starts it tracks the step's measured window in
 * the aggregate; when the run has closed that window it judges every threshold over it alone and
 * tells the executor the level, which picks the next load. The judged steps become the
 * RunResult's `sweeps` entry for the workload. A connection step's ramp is left out of its
 * window, except for the connect metrics: connection_success and connect times are what the ramp
 * did, so they are judged from the ramp's start to the window's end.
 */
import type { Level, SweepResult, SweepStep } from '../../reports/run-result.ts';
import type { SweepSink, SweepStepPlan } from '../executors/executor.ts';
import type { MetricsAggregate, SpanViews } from '../metrics/aggregate.ts';
import { M } from '../metrics/metric-names.ts';
import { resolveThresholds, type ResolveOptions } from '../thresholds/default-profile.ts';
import { evaluate, hasData, overallLevel } from '../thresholds/evaluate.ts';
import type { ThresholdSpec } from '../thresholds/threshold-spec.ts';
import { metricSummaries } from './metric-summaries.ts';

interface Pending { plan: SweepStepPlan; span: SpanViews; ramp: SpanViews | null; resolve: (level: Level) => void }

/** Metrics a connection step judges from its ramp's start: how opening its connections went. */
export const CONNECT_METRICS: ReadonlySet<string> = new Set([M.connectionSuccess, M.connecting, M.wsConnecting]);

export interface SweepRecorderOptions {
  workload: string;
  /** the workload's startTime: executor time 0 is this many ms into the run */
  startTimeMs: number;
  /** the sweep's settle time per step (ms), so progress shows a step's rate from its start */
  settleMs?: number;
  aggregate: MetricsAggregate;
  specs: readonly ThresholdSpec[];
  profile: ResolveOptions['profile'];
  components: readonly string[];
  /** told once per judged step, for progress */
  onStep?: (step: SweepStep) => void;
}

export class SweepRecorder {
  private readonly pending: Pending[] = [];
  /** when each step started (run seconds, settle included) and its rate */
  private readonly started: { at: number; rate: number }[] = [];
  private readonly steps: SweepStep[] = [];
  private mode: SweepResult['mode'] = 'steps';
  private connections = false;
  /** connection steps' ramp spans, by step index, tracked from the ramp's start (see ramp()) */
  private readonly ramps = new Map<number, SpanViews>();
  private stopReason = 'the run ended before the sweep did';

  constructor(private readonly o: SweepRecorderOptions) {}

  /** What the executor reports into. */
  readonly sink: SweepSink = {
    step: (plan) => new Promise<Level>((resolve) => {
      const from = (this.o.startTimeMs + plan.fromMs) / 1000;
      const to = (this.o.startTimeMs + plan.toMs) / 1000;
      if (plan.targetConnections !== undefined) this.connections = true;
      this.started.push({ at: from - (this.o.settleMs ?? 0) / 1000, rate: plan.targetRate });
      const announced = this.ramps.get(plan.index);
      this.ramps.delete(plan.index);
      const ramp = announced ?? (plan.rampFromMs === undefined ? null : this.o.aggregate.trackSpan(this.rampStart(plan.rampFromMs), to));
      this.pending.push({ plan, span: this.o.aggregate.trackSpan(from, to), ramp, resolve });
    }),
    // The ramp's length is not known when it starts, so its span is tracked to a bound past any
    // window the step can have; it is judged when the step's window closes, with the windows so far.
    ramp: (r) => {
      this.ramps.set(r.index, this.o.aggregate.trackSpan(this.rampStart(r.fromMs), (this.o.startTimeMs + r.untilMs) / 1000));
    },
    ended: (summary) => {
      this.mode = summary.mode;
      this.stopReason = summary.stopReason;
    },
  };

  /**
   * Where a ramp starting at executor ms `fromMs` is judged from, in run seconds. A window is drained
   * a few ms after its boundary (the tick samples resources first), so the first connections of a
   * ramp that starts on a boundary can land in the window before it: the connect metrics are judged
   * from that window on (it follows the previous step's verdict, so holds nothing of that step's ramp).
   */
  private rampStart(fromMs: number): number {
    return (this.o.startTimeMs + fromMs) / 1000 - 1;
  }

  /** The load offered at `t` seconds into the run (the latest step started by then), for progress; undefined before the first. */
  currentRate(t: number): number | undefined {
    let rate: number | undefined;
    for (const s of this.started) if (s.at <= t) rate = s.rate;
    return rate;
  }

  /** Judges every step whose window the run has closed; call after each aggregate.closeWindow. */
  afterWindow(): void {
    for (let i = 0; i < this.pending.length;) {
      const p = this.pending[i]!;
      if (!p.span.complete) { i++; continue; }
      this.pending.splice(i, 1);
      const step = this.judge(p);
      this.steps.push(step);
      this.o.onStep?.(step);
      p.resolve(step.level);
    }
  }

  /** Ends steps still waiting (the run stopped): they are not judged and not kept. */
  finish(): void {
    for (const p of this.pending.splice(0)) p.resolve('no-data');
  }

  result(): SweepResult {
    return {
      workload: this.o.workload, mode: this.mode, ...(this.connections ? { load: 'connections' as const } : {}),
      stopReason: this.stopReason, steps: [...this.steps].sort((a, b) => a.index - b.index),
    };
  }

  private judge(p: Pending): SweepStep {
    const { span, ramp } = p;
    const over = (metric: string): SpanViews => (ramp !== null && CONNECT_METRICS.has(metric) ? ramp : span);
    const specs = resolveThresholds(this.o.specs, {
      profile: this.o.profile,
      components: this.o.components,
      hasData: (metric, filter) => hasData(over(metric).view(metric, filter)),
    });
    const thresholds = specs.map((s) => evaluate(s, over(s.metric)));
    const seconds = span.to - span.from;
    const mine = { workload: this.o.workload };
    const iterations = span.view(M.iterations, mine)?.count ?? 0;
    const metrics = metricSummaries(span, thresholds);
    if (ramp !== null) {
      for (const name of CONNECT_METRICS) {
        const summary = ramp.summary(name);
        if (summary) metrics[name] = summary;
      }
      for (const t of thresholds) {
        const summary = CONNECT_METRICS.has(t.metric) && Object.keys(t.filter).length > 0 ? ramp.summary(t.metric, t.filter) : null;
        if (summary) metrics[t.key] = summary;
      }
    }
    const held = p.plan.targetConnections;
    // A connection step may start nothing while it holds steady: it measured something if it reported held connections.
    const measured = held === undefined ? iterations > 0 : (span.view(M.connectionsOpen, mine)?.max ?? 0) > 0;
    return {
      index: p.plan.index,
      targetRate: p.plan.targetRate,
      ...(held !== undefined ? { targetConnections: held } : {}),
      achievedRate: iterations / seconds,
      from: span.from,
      to: span.to,
      level: measured ? overallLevel(thresholds) : 'no-data',
      thresholds,
      metrics,
      droppedIterations: span.view(M.droppedIterations, mine)?.count ?? 0,
    };
  }
}
