/**
 * A component's `scrape:` block: Prometheus metrics read from its endpoint at every resource
 * sample (harness/run/component-scraper.ts), recorded as gauges named `<component>.<metric>`,
 * and optionally fitted against the component's RSS for memory per unit of load
 * (reports/capacity/resource-per-unit.ts), e.g. bytes per connected agent.
 */
import { z } from 'zod';
import { duration } from './zod-units.ts';

const PROM_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const promName = () => z.string().regex(PROM_NAME, 'a Prometheus metric name, like tunnel_agents_connected');

const perUnitEntry = z.union([
  z.string().min(1).transform((unit) => ({ unit })),
  z.strictObject({
    unit: z.string().min(1).describe('what one unit of the metric is, in the report: agent, stream, connection'),
    during: z.string().min(1).optional().describe('fit only over this workload\'s scheduled window (startTime to its end), e.g. the phase where only this metric moves; default: the whole run'),
  }),
]).describe('`agent`, or { unit: agent, during: <workload> }');

export const scrapeSchema = z.strictObject({
  path: z.string().startsWith('/').default('/metrics').describe('HTTP path of the Prometheus text page on the component\'s endpoint'),
  metrics: z.array(promName()).default([]).describe('metrics to record at each resource sample, summed over their label sets, as gauges named `<component>.<metric>`'),
  perUnit: z.record(promName(), perUnitEntry).default({}).describe('memory per unit: the component\'s RSS fitted (linear regression) against each metric named here, e.g. { tunnel_agents_connected: agent }; these are scraped too'),
  timeout: duration().default(500).describe('a scrape not answered within this is counted as failed (the gauge `<component>.scrape_failures`, which thresholds may judge), and the run goes on'),
}).refine((s) => s.metrics.length > 0 || Object.keys(s.perUnit).length > 0, 'name at least one metric in `metrics` or `perUnit`');

export type ScrapeConfig = z.output<typeof scrapeSchema>;

/** caplab's own gauge per scraped component, `<component>.scrape_failures`: how many of its scrapes have failed so far (not read from the page). */
export const SCRAPE_FAILURES = 'scrape_failures';
