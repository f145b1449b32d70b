/**
 * Reads the JSON report `artillery run --output report.json` writes and restates it in caplab's
 * metric names, so an Artillery run gets caplab's threshold verdicts. The report's shape
 * (Artillery 2.x): `aggregate` and `intermediate[]` periods, each with `counters`
 * (`http.requests`, `http.codes.200`, `errors.ETIMEDOUT`, `vusers.failed`, ...), `rates`
 * (`http.request_rate`), `summaries` (`http.response_time`: min, max, mean, median, p50 ... p999,
 * count) and first/last timestamps in ms since the epoch.
 *
 * Artillery keeps no raw histogram in the report, so a percentile is known only where Artillery
 * printed one (p50, p75, p90, p95, p99, p999); a threshold on another percentile is no-data.
 */
import { z } from 'zod';
import { CaplabError } from '../errors.ts';

const summarySchema = z.looseObject({
  min: z.number(), max: z.number(), count: z.number(), mean: z.number(),
  p50: z.number().optional(), median: z.number().optional(), p75: z.number().optional(), p90: z.number().optional(),
  p95: z.number().optional(), p99: z.number().optional(), p999: z.number().optional(),
});

const periodSchema = z.looseObject({
  counters: z.record(z.string(), z.number()).default({}),
  rates: z.record(z.string(), z.number()).default({}),
  summaries: z.record(z.string(), summarySchema).default({}),
  firstMetricAt: z.number().optional(),
  lastMetricAt: z.number().optional(),
  firstCounterAt: z.number().optional(),
  lastCounterAt: z.number().optional(),
});

const reportSchema = z.looseObject({ aggregate: periodSchema, intermediate: z.array(periodSchema).default([]) });

export type ArtillerySummary = z.output<typeof summarySchema>;

/** A latency distribution as Artillery summarised it, in ms. */
export interface IngestedTrend { count: number; min: number; max: number; mean: number; percentiles: Record<number, number> }

/** An Artillery run in caplab's terms. */
export interface IngestedRun {
  startedAt: string;
  /** from the first to the last request Artillery counted */
  durationSeconds: number;
  /** http_reqs: requests sent */
  requests: number;
  /** http_reqs rate: requests a second over durationSeconds */
  throughput: number;
  /** Artillery's own mean of its per-second request rate */
  artilleryRequestRate: number | null;
  /** http_req_failed: requests without a response (errors.*) or with a status >= 400, over requests */
  failed: number;
  httpReqFailedRate: number;
  /** http_req_duration as Artillery measured it (from the send) */
  duration: IngestedTrend | null;
  /** iterations: virtual users that completed their flow; iterations_failed: those that failed */
  iterations: number;
  iterationsFailed: number;
  /** checks from the expect plugin, when the script used it */
  checks: { passes: number; fails: number } | null;
  dataReceived: number;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
}

/** One of the report's intermediate periods (Artillery's are 10 s wide, aligned to the clock), ms since the epoch. */
export interface IngestedPeriod { fromMs: number; toMs: number; run: IngestedRun }

/** Parses report text; throws CAPLAB_ERR_IMPORT for anything that is not an Artillery JSON report. */
export function parseArtilleryReport(text: string, file: string): IngestedRun {
  return readArtilleryReport(text, file).run;
}

/** The whole run and its intermediate periods, in time order (periods without timestamps are left out). */
export function readArtilleryReport(text: string, file: string): { run: IngestedRun; periods: IngestedPeriod[] } {
  const report = parseReport(text, file);
  const periods: IngestedPeriod[] = [];
  for (const p of report.intermediate) {
    const fromMs = p.firstMetricAt ?? p.firstCounterAt;
    const toMs = p.lastMetricAt ?? p.lastCounterAt;
    if (fromMs !== undefined && toMs !== undefined) periods.push({ fromMs, toMs, run: ingest(p) });
  }
  periods.sort((a, b) => a.fromMs - b.fromMs);
  return { run: ingest(report.aggregate), periods };
}

function parseReport(text: string, file: string): z.output<typeof reportSchema> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CaplabError('CAPLAB_ERR_IMPORT', `${file}: not JSON (${(err as Error).message})`, { hint: 'pass the file `artillery run --output report.json` wrote' });
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new CaplabError('CAPLAB_ERR_IMPORT', `${file}: not an Artillery report (${first.path.join('.') || 'top level'}: ${first.message})`, { hint: 'pass the file `artillery run --output report.json` wrote (Artillery 2.x)' });
  }
  return parsed.data;
}

function ingest(a: z.output<typeof periodSchema>): IngestedRun {
  const c = a.counters;
  const sum = (prefix: string): Record<string, number> =>
    Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const statusCodes = sum('http.codes.');
  const errors = sum('errors.');
  const requests = c['http.requests'] ?? 0;
  const bad = Object.entries(statusCodes).filter(([code]) => Number(code) >= 400).reduce((n, [, v]) => n + v, 0);
  // The expect plugin reports failed expectations as errors too (reportFailuresAsErrors): those
  // requests did get a response, already counted by status or not failed by it.
  const transport = Object.entries(errors).filter(([k]) => !k.startsWith('Failed expectations')).reduce((n, [, v]) => n + v, 0);
  const failed = Math.min(requests, bad + transport);
  const first = a.firstCounterAt ?? a.firstMetricAt;
  const last = a.lastCounterAt ?? a.lastMetricAt;
  const durationSeconds = first !== undefined && last !== undefined ? Math.max(0, (last - first) / 1000) : 0;
  const rt = a.summaries['http.response_time'];
  const expectOk = c['plugins.expect.ok'];
  const expectFailed = c['plugins.expect.failed'];
  return {
    startedAt: first !== undefined ? new Date(first).toISOString() : '',
    durationSeconds,
    requests,
    throughput: durationSeconds > 0 ? requests / durationSeconds : 0,
    artilleryRequestRate: a.rates['http.request_rate'] ?? null,
    failed,
    httpReqFailedRate: requests > 0 ? failed / requests : 0,
    duration: rt ? trendOf(rt) : null,
    iterations: c['vusers.completed'] ?? 0,
    iterationsFailed: c['vusers.failed'] ?? 0,
    checks: expectOk !== undefined || expectFailed !== undefined ? { passes: expectOk ?? 0, fails: expectFailed ?? 0 } : null,
    dataReceived: c['http.downloaded_bytes'] ?? 0,
    statusCodes,
    errors,
  };
}

function trendOf(s: ArtillerySummary): IngestedTrend {
  const percentiles: Record<number, number> = {};
  const known: [number, number | undefined][] = [[50, s.p50 ?? s.median], [75, s.p75], [90, s.p90], [95, s.p95], [99, s.p99], [99.9, s.p999]];
  for (const [p, v] of known) if (v !== undefined) percentiles[p] = v;
  return { count: s.count, min: s.min, max: s.max, mean: s.mean, percentiles };
}
