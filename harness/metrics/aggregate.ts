/**
 * The main thread's view of every metric: totals per series, the per-second series, and a ring of
 * recent windows for thresholds judged `over 30s`. It ingests Snapshots from any number of
 * generating threads; histograms merge exactly.
 */
import type { MetricSummary, MetricUnit, SeriesPoint } from '../../reports/run-result.ts';
import { createHistogram, decodeHistogram, scaleFor, summarize, type Hdr } from './histogram.ts';
import type { MetricType } from './metric-names.ts';
import { seriesKey, type Tags } from './recorder.ts';
import type { SeriesDelta, Snapshot } from './registry.ts';

/** A merged view of one metric over a tag filter and a time span, from which any statistic is taken. */
export interface MetricView {
  type: MetricType;
  unit: MetricUnit;
  /** trend values in HDR integer scale (see hdrScale) */
  histogram: Hdr | null;
  hdrScale: number;
  count: number;
  passes: number;
  value: number;
  min: number;
  max: number;
  /** seconds the view covers, for counter rates */
  seconds: number;
}

interface Acc { name: string; tags: Tags; type: MetricType; unit: MetricUnit; hist: Hdr | null; count: number; passes: number; value: number; min: number; max: number }

function emptyAcc(d: { name: string; tags: Tags; type: MetricType; unit: MetricUnit }): Acc {
  return { name: d.name, tags: d.tags, type: d.type, unit: d.unit, hist: d.type === 'trend' ? createHistogram() : null, count: 0, passes: 0, value: 0, min: Infinity, max: -Infinity };
}

function addDelta(acc: Acc, d: SeriesDelta | Acc, hist: Hdr | null): void {
  if (acc.hist && hist) acc.hist.add(hist);
  acc.count += d.count;
  acc.passes += d.passes;
  // Gauges keep the latest value; several sources reporting one gauge is not supported (see docs).
  acc.value = d.value;
  acc.min = Math.min(acc.min, d.min);
  acc.max = Math.max(acc.max, d.max);
}

function matches(tags: Tags, filter: Tags): boolean {
  for (const k of Object.keys(filter)) if (tags[k] !== filter[k]) return false;
  return true;
}

/** One closed window (normally one second): every series' delta, merged across sources. */
type Window = Map<string, Acc>;

/** Anything a threshold can be judged against: the whole run, its last windows, or one span of it. */
export interface MetricViews {
  view(metric: string, filter?: Tags, windowSeconds?: number): MetricView | null;
}

/** The windows of one stretch of the run (a capacity-sweep step), merged as they close. */
export interface SpanViews extends MetricViews {
  readonly from: number;
  readonly to: number;
  /** whether the window ending at `to` has been closed */
  readonly complete: boolean;
  metricNames(): string[];
  summary(metric: string, filter?: Tags): MetricSummary | null;
}

class Span implements SpanViews {
  readonly totals: Window = new Map();
  complete = false;
  /** @param runTotals the whole run's series, so a counter that stayed at 0 in the span reads 0, not no-data */
  constructor(readonly from: number, readonly to: number, private readonly runTotals: ReadonlyMap<string, Acc>) {}

  add(window: Window): void {
    for (const [key, acc] of window) {
      let total = this.totals.get(key);
      if (!total) this.totals.set(key, (total = emptyAcc(acc)));
      addDelta(total, acc, acc.hist);
    }
  }

  // A sweep step judges its whole measured window, so a threshold's own `over` window is ignored here.
  view(metric: string, filter: Tags = {}): MetricView | null {
    const seconds = Math.max(this.to - this.from, 1e-9);
    const v = mergeView(this.totals.values(), metric, filter, seconds);
    if (v) return v;
    // `dropped_iterations` is recorded as 0 once at the start; a span after that saw no delta, which is a count of 0.
    for (const acc of this.runTotals.values()) {
      if (acc.name === metric && acc.type === 'counter' && matches(acc.tags, filter)) return mergeView([emptyAcc(acc)], metric, filter, seconds);
    }
    return null;
  }

  metricNames(): string[] {
    return [...new Set([...this.totals.values()].map((a) => a.name))].sort();
  }

  summary(metric: string, filter: Tags = {}): MetricSummary | null {
    const v = this.view(metric, filter);
    return v ? summaryOf(v) : null;
  }
}

function mergeView(sources: Iterable<Acc>, metric: string, filter: Tags, seconds: number): MetricView | null {
  let out: Acc | null = null;
  for (const acc of sources) {
    if (acc.name !== metric || !matches(acc.tags, filter)) continue;
    if (!out) out = emptyAcc({ ...acc, tags: filter });
    addDelta(out, acc, acc.hist);
  }
  if (!out) return null;
  return { type: out.type, unit: out.unit, histogram: out.hist, hdrScale: scaleFor(out.unit), count: out.count, passes: out.passes, value: out.value, min: out.min, max: out.max, seconds };
}

export class MetricsAggregate implements MetricViews {
  private readonly totals = new Map<string, Acc>();
  private readonly spans: Span[] = [];
  private pending: Window = new Map();
  private readonly ring: { t: number; window: Window }[] = [];
  private readonly seriesPoints = new Map<string, SeriesPoint[]>();
  private startSeconds = 0;
  private lastT = 0;

  /** @param keepWindows how many closed windows to keep for windowed thresholds */
  constructor(private readonly keepWindows = 60) {}

  /** Adds a snapshot from one source into the open window and the totals. */
  ingest(snapshot: Snapshot): void {
    for (const d of snapshot.deltas) {
      const key = seriesKey(d.name, d.tags);
      const hist = d.histogram ?? (d.hdr ? decodeHistogram(d.hdr) : null);
      let total = this.totals.get(key);
      if (!total) this.totals.set(key, (total = emptyAcc(d)));
      addDelta(total, d, hist);
      let w = this.pending.get(key);
      if (!w) this.pending.set(key, (w = emptyAcc(d)));
      addDelta(w, d, hist);
    }
  }

  /**
   * Closes the open window at `t` seconds since the run started, appending one point per metric
   * name (aggregated over tags) to the series.
   */
  closeWindow(t: number): void {
    const byName = new Map<string, Acc>();
    for (const acc of this.pending.values()) {
      let n = byName.get(acc.name);
      if (!n) byName.set(acc.name, (n = emptyAcc({ ...acc, tags: {} })));
      addDelta(n, acc, acc.hist);
    }
    for (const [name, acc] of byName) {
      let pts = this.seriesPoints.get(name);
      if (!pts) this.seriesPoints.set(name, (pts = []));
      pts.push(pointOf(t, acc));
    }
    // Windows end on whole seconds in a run, but a test may close at fractions: compare with slack.
    for (const span of this.spans) {
      if (t > span.from + 1e-6 && t <= span.to + 1e-6) span.add(this.pending);
      if (t >= span.to - 1e-6) span.complete = true;
    }
    this.ring.push({ t, window: this.pending });
    if (this.ring.length > this.keepWindows) this.ring.shift();
    this.pending = new Map();
    this.lastT = t;
  }

  /** Seconds covered so far (the end of the last closed window). */
  get elapsedSeconds(): number { return this.lastT - this.startSeconds; }

  /**
   * The merged view of `metric` over series whose tags include `filter`: all of the run, or only
   * the last `windowSeconds` closed windows. Null when nothing was ever recorded for it.
   */
  view(metric: string, filter: Tags = {}, windowSeconds?: number): MetricView | null {
    let sources: Iterable<Acc>;
    let seconds: number;
    if (windowSeconds === undefined) {
      sources = this.totals.values();
      seconds = Math.max(this.elapsedSeconds, 1e-9);
    } else {
      const recent = this.ring.filter((r) => r.t > this.lastT - windowSeconds);
      sources = recent.flatMap((r) => [...r.window.values()]);
      seconds = Math.min(windowSeconds, this.lastT) || 1e-9;
    }
    return mergeView(sources, metric, filter, seconds);
  }

  /**
   * Starts merging the windows that close in (from, to] seconds into a span, and returns its views.
   * Track it before `from` has passed: windows closed earlier are not kept for it.
   */
  trackSpan(from: number, to: number): SpanViews {
    const span = new Span(from, to, this.totals);
    this.spans.push(span);
    return span;
  }

  /** Names of every metric recorded so far. */
  metricNames(): string[] {
    return [...new Set([...this.totals.values()].map((a) => a.name))].sort();
  }

  /** Every tag value seen for a metric's tag, e.g. the status codes of http_reqs. */
  tagValues(metric: string, tag: string): string[] {
    const out = new Set<string>();
    for (const a of this.totals.values()) if (a.name === metric && a.tags[tag] !== undefined) out.add(a.tags[tag]!);
    return [...out].sort();
  }

  /** Summary of a metric over a tag filter, in the RunResult shape. */
  summary(metric: string, filter: Tags = {}): MetricSummary | null {
    const v = this.view(metric, filter);
    if (!v) return null;
    return summaryOf(v);
  }

  series(): Record<string, SeriesPoint[]> {
    return Object.fromEntries(this.seriesPoints);
  }
}

export function summaryOf(v: MetricView): MetricSummary {
  switch (v.type) {
    case 'trend':
      return summarize(v.histogram!, v.unit);
    case 'counter':
      return { type: 'counter', unit: v.unit, count: v.count, rate: v.count / v.seconds };
    case 'rate':
      return { type: 'rate', rate: v.count === 0 ? 0 : v.passes / v.count, passes: v.passes, total: v.count };
    default:
      return { type: 'gauge', unit: v.unit, value: v.value, min: v.min === Infinity ? 0 : v.min, max: v.max === -Infinity ? 0 : v.max };
  }
}

function pointOf(t: number, acc: Acc): SeriesPoint {
  switch (acc.type) {
    case 'trend': {
      const h = acc.hist!;
      const s = scaleFor(acc.unit);
      const q = (p: number): number => (h.totalCount === 0 ? 0 : Math.min(h.getValueAtPercentile(p), h.maxValue) / s);
      return { t, count: acc.count, p50: q(50), p95: q(95), p99: q(99), max: h.totalCount === 0 ? 0 : h.maxValue / s };
    }
    case 'rate':
      return { t, count: acc.count, passes: acc.passes };
    case 'gauge':
      return { t, count: acc.count, value: acc.value };
    default:
      return { t, count: acc.count };
  }
}
