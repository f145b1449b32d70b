/**
 * The load generator checks itself (design.md "Measuring honestly"): per generating thread it
 * records how busy its event loop was (event-loop utilisation, the CPU a JS thread can use) and
 * how late timers fired. A run whose generator was saturated measured the generator, not the
 * system under test, and is marked invalid.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { M } from './metric-names.ts';
import type { MetricsRecorder, Tags, TrendHandle } from './recorder.ts';

export class GeneratorMonitor {
  private readonly delay: IntervalHistogram;
  private lastElu: EventLoopUtilization;
  private readonly cpu: TrendHandle;
  private readonly lag: TrendHandle;

  constructor(recorder: MetricsRecorder, tags: Tags) {
    this.delay = monitorEventLoopDelay({ resolution: 10 });
    this.delay.enable();
    this.lastElu = performance.eventLoopUtilization();
    this.cpu = recorder.trend(M.generatorCpu, tags);
    this.lag = recorder.trend(M.generatorEventLoopLag, tags);
  }

  /** Records one sample of each since the previous call; call once per window (second). */
  sample(): void {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, this.lastElu);
    this.lastElu = now;
    this.cpu.add(d.utilization * 100);
    if (this.delay.count > 0) {
      // The histogram counts from the resolution tick; subtracting it leaves the lateness.
      this.lag.add(Math.max(0, this.delay.percentile(99) / 1e6 - 10));
    }
    this.delay.reset();
  }

  stop(): void {
    this.delay.disable();
  }
}
