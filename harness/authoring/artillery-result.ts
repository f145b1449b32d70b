/**
 * An Artillery run as a RunResult, so `caplab import --report --run-dir` writes the same
 * result.json, summary.md, junit.xml and report.html as `caplab run`, with caplab's verdict.
 *
 * What is approximate, and why: Artillery's report keeps six percentiles (p50 ... p99.9), min,
 * max and mean, not a histogram. The summary carries those numbers as Artillery printed them;
 * the HDR histogram it also needs (for merging and comparisons) is rebuilt by spreading the
 * samples linearly between neighbouring percentiles, so a percentile between two printed ones
 * read from it is an interpolation. Per-second series are left empty: Artillery reports 10 s
 * periods, which charts of 1 s windows would misread. There is no generator health and no
 * component resources: Artillery measured neither.
 */
import path from 'node:path';
import type { MetricSummary, RunResult, TrendSummary } from '../../reports/run-result.ts';
import { RUN_RESULT_SCHEMA_VERSION } from '../../reports/run-result.ts';
import { createHistogram, scaleFor, summarize } from '../metrics/histogram.ts';
import type { Plan } from '../plan/plan.ts';
import { environment } from '../run/environment.ts';
import { decideVerdict } from '../run/verdict.ts';
import { toThresholdSpecs } from '../thresholds/threshold-schema.ts';
import type { IngestedRun, IngestedTrend } from './artillery-report.ts';
import { judgeArtilleryRun } from './artillery-verdict.ts';

/** The RunResult of an ingested Artillery run, judged by `plan`'s thresholds when given. */
export function artilleryRunResult(run: IngestedRun, reportFile: string, plan: Plan | null): RunResult {
  const thresholds = plan !== null ? judgeArtilleryRun(run, toThresholdSpecs(plan.thresholds)).results : [];
  const generator = { cpu: null, eventLoopLag: null, scheduleLag: null, workers: 0, bottleneck: false, reasons: [] };
  const { verdict, reasons } = decideVerdict({ thresholds, generator, interrupted: null, thresholdAbort: null, errors: [] });
  const metrics: Record<string, MetricSummary> = {
    http_reqs: { type: 'counter', unit: 'count', count: run.requests, rate: run.throughput },
    http_req_failed: { type: 'rate', rate: run.httpReqFailedRate, passes: run.failed, total: run.requests },
    iterations: { type: 'counter', unit: 'count', count: run.iterations, rate: perSecond(run.iterations, run) },
    iterations_failed: { type: 'counter', unit: 'count', count: run.iterationsFailed, rate: perSecond(run.iterationsFailed, run) },
    data_received: { type: 'counter', unit: 'bytes', count: run.dataReceived, rate: perSecond(run.dataReceived, run) },
  };
  // Artillery times from the send: that is caplab's raw latency. No corrected latency exists for
  // the run, so http_req_duration stays absent (thresholds on it were judged on this one).
  if (run.duration !== null && run.duration.count > 0) metrics['http_req_duration_raw'] = trendSummary(run.duration);
  if (run.checks !== null) {
    const total = run.checks.passes + run.checks.fails;
    metrics['checks'] = { type: 'rate', rate: total === 0 ? 0 : run.checks.passes / total, passes: run.checks.passes, total };
  }
  const started = run.startedAt !== '' ? new Date(run.startedAt) : new Date(0);
  const name = plan?.name ?? path.basename(reportFile).replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    scenario: name,
    scenarioFile: plan?.sourceFile ?? null,
    description: `Artillery run read from ${reportFile} by caplab import --report: its latency is from the send (http_req_duration_raw; thresholds on http_req_duration were judged on it), percentiles as Artillery printed them`,
    verdict,
    verdictReasons: reasons,
    startedAt: started.toISOString(),
    endedAt: new Date(started.getTime() + run.durationSeconds * 1000).toISOString(),
    durationSeconds: run.durationSeconds,
    environment: environment('artillery'),
    metrics,
    series: {},
    thresholds,
    checks: run.checks !== null ? [{ name: 'expect plugin', passes: run.checks.passes, fails: run.checks.fails }] : [],
    workloads: [{ name: 'artillery', executor: 'artillery', achievedRate: perSecond(run.iterations + run.iterationsFailed, run), iterations: run.iterations + run.iterationsFailed, droppedIterations: 0, durationSeconds: run.durationSeconds }],
    resources: [],
    generator,
    errors: [],
    plan: plan ?? null,
  };
}

function perSecond(n: number, run: IngestedRun): number {
  return run.durationSeconds > 0 ? n / run.durationSeconds : 0;
}

/** Artillery's numbers, with an HDR histogram rebuilt from them (linear between printed percentiles). */
export function trendSummary(t: IngestedTrend): TrendSummary {
  const h = createHistogram();
  const scale = scaleFor('ms');
  forEachRebuiltValue(t, (ms) => h.recordValue(Math.max(0, Math.round(ms * scale))));
  const rebuilt = summarize(h, 'ms');
  const p = t.percentiles;
  return {
    ...rebuilt,
    count: t.count,
    min: t.min,
    max: t.max,
    mean: t.mean,
    p50: p[50] ?? rebuilt.p50,
    p90: p[90] ?? rebuilt.p90,
    p95: p[95] ?? rebuilt.p95,
    p99: p[99] ?? rebuilt.p99,
    p999: p[99.9] ?? rebuilt.p999,
  };
}

/**
 * Calls `fn` with `t.count` latencies (ms) spread linearly between the percentiles Artillery
 * printed (min and max as p0 and p100): a stand-in for the histogram the report does not keep.
 */
export function forEachRebuiltValue(t: IngestedTrend, fn: (ms: number) => void): void {
  const points: [number, number][] = [[0, t.min], ...Object.entries(t.percentiles).map(([p, v]) => [Number(p), v] as [number, number]), [100, t.max]];
  points.sort((a, b) => a[0] - b[0]);
  let recorded = 0;
  for (let i = 1; i < points.length; i++) {
    const [, va] = points[i - 1]!;
    const [pb, vb] = points[i]!;
    const upTo = Math.round((t.count * pb) / 100);
    const n = upTo - recorded;
    for (let k = 1; k <= n; k++) fn(va + ((vb - va) * k) / n);
    recorded += Math.max(0, n);
  }
}
