/**
 * Decides whether the load generator was the bottleneck. Its CPU (event-loop utilisation per
 * generating thread), event-loop delay and open-model schedule lag are judged against the
 * scenario's `generator:` limits; any one over its limit makes the run `invalid`.
 */
import type { GeneratorHealth, TrendSummary } from '../../reports/run-result.ts';
import type { MetricsAggregate } from '../metrics/aggregate.ts';
import { M } from '../metrics/metric-names.ts';
import type { Plan } from '../plan/plan.ts';

export function generatorHealth(agg: MetricsAggregate, limits: Plan['generator'], workers: number): GeneratorHealth {
  const trend = (name: string): TrendSummary | null => {
    const s = agg.summary(name);
    return s && s.type === 'trend' && s.count > 0 ? s : null;
  };
  const cpu = trend(M.generatorCpu);
  const eventLoopLag = trend(M.generatorEventLoopLag);
  const scheduleLag = trend(M.generatorScheduleLag);
  const reasons: string[] = [];
  if (cpu && cpu.p95 > limits.maxCpu) {
    reasons.push(`generator CPU p95 ${cpu.p95.toFixed(0)}% > ${limits.maxCpu}% of a core: add workers or lower the load`);
  }
  if (eventLoopLag && eventLoopLag.p99 > limits.maxEventLoopLagP99) {
    reasons.push(`generator event-loop delay p99 ${eventLoopLag.p99.toFixed(1)} ms > ${limits.maxEventLoopLagP99} ms`);
  }
  if (scheduleLag && scheduleLag.p99 > limits.maxScheduleLagP99) {
    reasons.push(`iterations started late: schedule lag p99 ${scheduleLag.p99.toFixed(1)} ms > ${limits.maxScheduleLagP99} ms, so corrected latency includes the generator's own delay`);
  }
  return { cpu, eventLoopLag, scheduleLag, workers, bottleneck: reasons.length > 0, reasons };
}
