/**
 * The recorder a load-generating thread writes into. It keeps only what happened since the last
 * `drain()`: the aggregator (main thread) owns totals and series, so worker threads and the main
 * thread produce the same Snapshot and merge the same way.
 */
import type { MetricUnit } from '../../reports/run-result.ts';
import { createHistogram, encodeHistogram, scaleFor, type Hdr } from './histogram.ts';
import { METRICS, type MetricType } from './metric-names.ts';
import { seriesKey, type CounterHandle, type GaugeHandle, type MetricsRecorder, type RateHandle, type Tags, type TrendHandle } from './recorder.ts';

/** What changed in one series during one window. */
export interface SeriesDelta {
  name: string;
  tags: Tags;
  type: MetricType;
  unit: MetricUnit;
  /** trend, across threads: encoded HDR of this window's values */
  hdr?: string;
  /** trend, within one thread: the window's histogram itself (no encoding cost) */
  histogram?: Hdr;
  /** trend: samples; counter: sum of increments; rate: total samples; gauge: times set */
  count: number;
  /** rate: true samples */
  passes: number;
  /** gauge: last value, and the extremes seen in the window */
  value: number;
  min: number;
  max: number;
}
export interface Snapshot { deltas: SeriesDelta[] }

/** Declares a metric a driver records that metric-names.ts does not list. */
export interface CustomMetric { type: MetricType; unit: MetricUnit }

class Sink implements TrendHandle, CounterHandle, RateHandle, GaugeHandle {
  hist: Hdr | null = null;
  count = 0;
  passes = 0;
  value = 0;
  min = Infinity;
  max = -Infinity;
  touched = false;
  private readonly scale: number;
  constructor(readonly name: string, readonly tags: Tags, readonly type: MetricType, readonly unit: MetricUnit) {
    this.scale = scaleFor(unit);
    if (type === 'trend') this.hist = createHistogram();
  }
  add(v: number | boolean): void {
    this.touched = true;
    switch (this.type) {
      case 'trend':
        this.hist!.recordValue(Math.max(0, Math.round((v as number) * this.scale)));
        this.count++;
        return;
      case 'counter':
        this.count += v as number;
        return;
      case 'rate':
        this.count++;
        if (v) this.passes++;
        return;
      default:
        this.set(v as number);
    }
  }
  set(v: number): void {
    this.touched = true;
    // For gauges `count` is the number of samples set, so "no data" means never set.
    this.count++;
    this.value = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  drain(encode: boolean): SeriesDelta | null {
    if (!this.touched) return null;
    const d: SeriesDelta = {
      name: this.name, tags: this.tags, type: this.type, unit: this.unit,
      count: this.count, passes: this.passes, value: this.value, min: this.min, max: this.max,
    };
    if (this.hist) {
      if (encode) {
        d.hdr = encodeHistogram(this.hist);
        this.hist.reset();
      } else {
        d.histogram = this.hist;
        this.hist = createHistogram();
      }
    }
    this.count = 0;
    this.passes = 0;
    this.touched = false;
    // A gauge keeps its value across windows; only its extremes restart.
    this.min = this.type === 'gauge' ? this.value : Infinity;
    this.max = this.type === 'gauge' ? this.value : -Infinity;
    return d;
  }
}

export class MetricsRegistry implements MetricsRecorder {
  private readonly sinks = new Map<string, Sink>();
  constructor(private readonly custom: Readonly<Record<string, CustomMetric>> = {}) {}

  trend(name: string, tags?: Tags): TrendHandle { return this.sink(name, 'trend', tags); }
  counter(name: string, tags?: Tags): CounterHandle { return this.sink(name, 'counter', tags); }
  rate(name: string, tags?: Tags): RateHandle { return this.sink(name, 'rate', tags); }
  gauge(name: string, tags?: Tags): GaugeHandle { return this.sink(name, 'gauge', tags); }

  /**
   * Everything recorded since the previous drain; sinks are reset, handles stay valid. `encode`
   * serialises histograms for another thread; within a thread they are handed over as objects.
   */
  drain(encode = false): Snapshot {
    const deltas: SeriesDelta[] = [];
    for (const s of this.sinks.values()) {
      const d = s.drain(encode);
      if (d) deltas.push(d);
    }
    return { deltas };
  }

  private sink(name: string, type: MetricType, tags: Tags = {}): Sink {
    const key = seriesKey(name, tags);
    let s = this.sinks.get(key);
    if (!s) {
      const def = (METRICS as Record<string, { type: MetricType; unit: MetricUnit }>)[name] ?? this.custom[name];
      if (!def) throw new Error(`metric ${name} is not declared in metric-names.ts nor by the driver`);
      if (def.type !== type) throw new Error(`metric ${name} is a ${def.type}, recorded as a ${type}`);
      s = new Sink(name, { ...tags }, type, def.unit);
      this.sinks.set(key, s);
    }
    return s;
  }
}
