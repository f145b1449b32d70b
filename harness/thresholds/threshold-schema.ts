/**
 * The zod schema of a scenario's top-level `thresholds:` block, for the plan schema to embed.
 * Shapes are checked field by field; meaning (the metric exists, the statistic fits its type, the
 * conditions parse, warning is looser than good) is checked once the key is known, with issues
 * carrying the path of the offending field so the plan loader can print file:line:col.
 *
 *   thresholds:
 *     http_req_duration: ["p(95) < 100ms"]                                        # Good, else Critical
 *     http_req_failed:   [{ stat: rate, good: "< 0.1%", warning: "< 1%", abortOnCritical: true }]
 *     component_cpu{component:echo}: [{ stat: avg, over: 30s, good: "< 70%", warning: "< 85%" }]
 */
import { z } from 'zod';
import { METRICS } from '../metrics/metric-names.ts';
import { duration } from '../plan/zod-units.ts';
import { parseMetricKey, type MetricCatalogue } from './metric-key.ts';
import { buildSpec, type ThresholdSpec } from './threshold-spec.ts';

const objectEntry = z
  .strictObject({
    stat: z.string().describe('statistic: p(95) (or p95, p(99.9)), avg, min, max, med, count for trends; count, rate (per second) for counters; rate for rate metrics; value, min, max for gauges'),
    good: z.string().describe('bare condition for Good, e.g. "< 100ms", "< 0.1%", "> 99.9%"; units convert to the metric\'s (us, ms, s, m; %; KiB, MiB, GB)'),
    warning: z.string().optional().describe('bare condition for Warning when Good fails, looser than good in the same direction, e.g. "< 500ms"; without it anything not Good is Critical'),
    over: duration().optional().describe('judge over the last N seconds only (a sliding window of whole seconds), e.g. 30s; without it the whole run'),
    abortOnCritical: z.boolean().optional().describe('stop the run as soon as this line is Critical (after gracePeriod)'),
    gracePeriod: duration().optional().describe('abortOnCritical does not fire before the run has run this long, e.g. 10s (default 0)'),
  })
  .describe('a threshold with levels: Good when good holds, else Warning when warning holds, else Critical');

const entry = z
  .union([
    z.string().describe('full expression, Good when it holds and Critical otherwise: "p(95) < 100ms", "p(99) over 30s < 250ms", "rate < 0.1%"'),
    objectEntry,
  ])
  .describe('one threshold: a full expression string, or an object with stat, good and warning conditions');

/** Builds the block schema over a metric catalogue (the built-ins, plus any metrics drivers declare). */
export function makeThresholdsSchema(metrics: MetricCatalogue = METRICS) {
  return z
    .record(
      z.string().describe('metric name with optional tag filter: http_req_duration, http_req_duration{name:encode}, component_cpu{component:echo}'),
      z.array(entry).min(1, 'write at least one threshold for this metric, or remove the key').describe('thresholds judged on this metric'),
    )
    .describe('thresholds by metric key; each line is judged Good, Warning or Critical (no data is never Good)')
    .transform((block, ctx) => {
      const out: Record<string, ThresholdSpec[]> = {};
      const writtenAs = new Map<string, string>();
      for (const [written, entries] of Object.entries(block)) {
        const mk = parseMetricKey(written, metrics);
        if (typeof mk === 'string') {
          ctx.addIssue({ code: 'custom', path: [written], message: mk });
          continue;
        }
        const earlier = writtenAs.get(mk.key);
        if (earlier !== undefined) {
          ctx.addIssue({ code: 'custom', path: [written], message: `"${written}" names the same series as "${earlier}": put all its thresholds under one key` });
          continue;
        }
        writtenAs.set(mk.key, written);
        const specs: ThresholdSpec[] = [];
        entries.forEach((e, i) => {
          const built = buildSpec(mk, e, 'scenario', metrics);
          if (Array.isArray(built)) for (const issue of built) ctx.addIssue({ code: 'custom', path: [written, i, ...issue.path], message: issue.message });
          else specs.push(built);
        });
        out[mk.key] = specs;
      }
      return out;
    });
}

/** The `thresholds:` block over the built-in metrics; its output maps canonical keys to specs. */
export const thresholdsSchema = makeThresholdsSchema();

export type ThresholdsInput = z.input<typeof thresholdsSchema>;
export type ThresholdsBlock = z.output<typeof thresholdsSchema>;

/** Flattens a parsed block into its specs, in the order the scenario wrote them. */
export function toThresholdSpecs(block: ThresholdsBlock): ThresholdSpec[] {
  return Object.values(block).flat();
}

export type { ThresholdSpec } from './threshold-spec.ts';
