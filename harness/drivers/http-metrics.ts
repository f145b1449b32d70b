/**
 * Everything one HTTP request records, shared by both engines. Recorder handles are resolved once
 * per status code (and per transport error code) and kept, so recording a response on the hot
 * path allocates nothing. Checks are evaluated here so both engines judge requests the same way.
 */
import { M } from '../metrics/metric-names.ts';
import type { CounterHandle, MetricsRecorder, RateHandle, Tags, TrendHandle } from '../metrics/recorder.ts';
import type { CompiledChecks } from './http-checks.ts';
import type { TemplateScope } from './template.ts';

interface SeriesHandles {
  reqs: CounterHandle;
  duration: TrendHandle;
  durationRaw: TrendHandle;
  failed: RateHandle;
}

/** Tags every sample of an HTTP workload carries: the workload's, plus `name` and `method`. */
export function httpBaseTags(workloadTags: Tags, name: string | undefined, method: string): Tags {
  return { ...workloadTags, name: name ?? workloadTags['workload'] ?? 'http', method };
}

export class HttpMetrics {
  private readonly byStatus: (SeriesHandles | undefined)[] = [];
  private readonly byError = new Map<string, SeriesHandles>();
  private readonly sent: CounterHandle;
  private readonly received: CounterHandle;
  private readonly checkRates: RateHandle[];
  // Reused for every evaluation: checks run synchronously, so one array serves all requests.
  private readonly results: boolean[];

  constructor(private readonly recorder: MetricsRecorder, private readonly tags: Tags, private readonly checks: CompiledChecks) {
    this.sent = recorder.counter(M.dataSent, tags);
    this.received = recorder.counter(M.dataReceived, tags);
    this.checkRates = checks.descriptions.map((check) => recorder.rate(M.checks, { ...tags, check }));
    this.results = checks.descriptions.map(() => false);
  }

  /** Whether the checks need the response body. */
  get needsBody(): boolean {
    return this.checks.needsBody;
  }

  /**
   * Records a response that arrived: durations in ms from the intended and from the actual send
   * time. `body` is read only during the call. `scope` renders templated check values (requests
   * built per iteration). Returns whether the request counted as failed.
   */
  response(status: number, body: Buffer | null, durationMs: number, rawMs: number, bytesSent: number, bytesReceived: number, scope?: TemplateScope): boolean {
    const failed = this.checks.evaluate(status, body, this.results, scope);
    for (let i = 0; i < this.checkRates.length; i++) this.checkRates[i]!.add(this.results[i]!);
    const h = this.byStatus[status] ?? this.resolveStatus(status);
    h.reqs.add(1);
    h.duration.add(durationMs);
    h.durationRaw.add(rawMs);
    h.failed.add(failed);
    this.sent.add(bytesSent);
    this.received.add(bytesReceived);
    return failed;
  }

  /**
   * Records a request that got no response (refused, reset, timed out): failed, status 0, tagged with
   * `code`. Durations are null when the engine that sent it gives no time for it (autocannon): then
   * it counts without a latency sample.
   */
  transportError(code: string, durationMs: number | null, rawMs: number | null, bytesSent: number, bytesReceived: number): void {
    // Checks could not pass without a response; counting them failed keeps the checks rate honest.
    for (let i = 0; i < this.checkRates.length; i++) this.checkRates[i]!.add(false);
    const h = this.byError.get(code) ?? this.resolveError(code);
    h.reqs.add(1);
    if (durationMs !== null) h.duration.add(durationMs);
    if (rawMs !== null) h.durationRaw.add(rawMs);
    h.failed.add(true);
    this.sent.add(bytesSent);
    this.received.add(bytesReceived);
  }

  private resolveStatus(status: number): SeriesHandles {
    const h = this.handles({ ...this.tags, status: String(status) });
    this.byStatus[status] = h;
    return h;
  }

  private resolveError(code: string): SeriesHandles {
    const h = this.handles({ ...this.tags, status: '0', error: code });
    this.byError.set(code, h);
    return h;
  }

  private handles(tags: Tags): SeriesHandles {
    return {
      reqs: this.recorder.counter(M.httpReqs, tags),
      duration: this.recorder.trend(M.httpReqDuration, tags),
      durationRaw: this.recorder.trend(M.httpReqDurationRaw, tags),
      failed: this.recorder.rate(M.httpReqFailed, tags),
    };
  }
}
