/**
 * An Artillery run recorded into caplab's metrics, under the http driver's names, so the run's
 * thresholds, verdict, summary and reports judge it like any other workload. Counts are exact;
 * the latency histograms are rebuilt from the percentiles Artillery printed (it keeps no
 * histogram in its report), so a percentile between two printed ones is an interpolation.
 * Artillery times each request from its send: the same value goes to http_req_duration and
 * http_req_duration_raw, as for a closed-model run (Artillery starts a new virtual user per arrival
 * instead of waiting for a free one, so its latency is not held back by busy VUs, but it is not
 * corrected for its own event-loop delay either).
 */
import { M } from '../metrics/metric-names.ts';
import type { MetricsRecorder, Tags } from '../metrics/recorder.ts';
import type { IngestedRun } from './artillery-report.ts';
import { forEachRebuiltValue } from './artillery-result.ts';

/** Records the whole run at once; `tags` are the workload's (at least `workload`). */
export function recordArtilleryRun(run: IngestedRun, recorder: MetricsRecorder, tags: Tags): void {
  const base = { ...tags, name: tags['workload'] ?? 'artillery' };
  for (const [status, n] of Object.entries(run.statusCodes)) {
    const t = { ...base, status };
    recorder.counter(M.httpReqs, t).add(n);
    const failed = recorder.rate(M.httpReqFailed, t);
    for (let i = 0; i < n; i++) failed.add(Number(status) >= 400);
  }
  for (const [code, n] of Object.entries(run.errors)) {
    // Failed expectations got a response, already counted by its status.
    if (code.startsWith('Failed expectations')) continue;
    const t = { ...base, status: '0', error: code };
    recorder.counter(M.httpReqs, t).add(n);
    const failed = recorder.rate(M.httpReqFailed, t);
    for (let i = 0; i < n; i++) failed.add(true);
  }
  if (run.duration !== null && run.duration.count > 0) {
    const duration = recorder.trend(M.httpReqDuration, base);
    const raw = recorder.trend(M.httpReqDurationRaw, base);
    forEachRebuiltValue(run.duration, (ms) => {
      duration.add(ms);
      raw.add(ms);
    });
  }
  recorder.counter(M.iterations, tags).add(run.iterations + run.iterationsFailed);
  if (run.iterationsFailed > 0) recorder.counter(M.iterationsFailed, tags).add(run.iterationsFailed);
  recorder.counter(M.dataReceived, base).add(run.dataReceived);
  if (run.checks !== null) {
    const checks = recorder.rate(M.checks, { ...base, check: 'expect plugin' });
    for (let i = 0; i < run.checks.passes; i++) checks.add(true);
    for (let i = 0; i < run.checks.fails; i++) checks.add(false);
  }
}
