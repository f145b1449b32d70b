/**
 * Reads the Prometheus metrics that components with `scrape:` export, at every resource sample,
 * and records each as a gauge named `<component>.<metric>` (summed over its label sets). Series
 * are kept per metric name, aggregated over tags, so the component is part of the name: two
 * tunnel servers scraped for `tunnel_agents_connected` give `tunnel.tunnel_agents_connected` and
 * `tunnel-b.tunnel_agents_connected`. (Prometheus names cannot contain `.`, and component names
 * can contain nothing else that is special, so the name splits one way only.)
 *
 * A scrape that fails (refused, timed out, not 2xx) or lacks a metric never fails the run: it is
 * counted, said once in the progress notes, reported in RunResult.scrape and recorded as the gauge
 * `<component>.scrape_failures` (failures so far; thresholds may judge it: a component whose
 * /metrics stops answering during a fault is a finding too); at the end each
 * `perUnit:` entry is fitted against the component's RSS (reports/capacity/resource-per-unit.ts).
 */
import { request } from 'undici';
import { fitResourcePerUnit } from '../../reports/capacity/resource-per-unit.ts';
import type { ResourcePerUnit, RunResult, ScrapeReport } from '../../reports/run-result.ts';
import type { Endpoints } from '../drivers/driver.ts';
import { CaplabError } from '../errors.ts';
import { parsePrometheusText, sumOf } from '../metrics/prometheus-text-parser.ts';
import { MetricsRegistry, type Snapshot } from '../metrics/registry.ts';
import type { Plan } from '../plan/plan.ts';
import { SCRAPE_FAILURES, type ScrapeConfig } from '../plan/scrape-schema.ts';
import { scheduledMs } from './scheduled-duration.ts';

/** A /metrics page larger than this is not read (a component's own page is a few KiB). */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

/** The gauge a scraped metric is recorded as. */
export function scrapedSeriesName(component: string, metric: string): string {
  return `${component}.${metric}`;
}


interface Target {
  component: string;
  url: string;
  config: ScrapeConfig;
  /** metrics + perUnit keys, each once */
  metrics: string[];
  scrapes: number;
  failures: number;
  lastFailure?: string;
  /** metrics found on at least one page */
  seen: Set<string>;
  /** metrics whose absence was already noted */
  noted: Set<string>;
  badLines: number;
}

export class ComponentScraper {
  private readonly registry: MetricsRegistry;

  private constructor(private readonly plan: Plan, private readonly targets: Target[], private readonly note: (line: string) => void) {
    const declared = Object.fromEntries(targets.flatMap((t) => [...t.metrics, SCRAPE_FAILURES].map((m) => [scrapedSeriesName(t.component, m), { type: 'gauge' as const, unit: 'count' as const }])));
    this.registry = new MetricsRegistry(declared);
  }

  /**
   * The scraper for the plan's `scrape:` components at their deployed endpoints, or null when no
   * component scrapes. Throws CAPLAB_ERR_SCENARIO_INVALID for a `perUnit.during` naming no workload.
   */
  static fromPlan(plan: Plan, endpoints: Endpoints, note: (line: string) => void): ComponentScraper | null {
    const targets: Target[] = [];
    for (const [component, c] of Object.entries(plan.components)) {
      if (!c.scrape) continue;
      for (const [metric, entry] of Object.entries(c.scrape.perUnit)) {
        if ('during' in entry && entry.during !== undefined && !(entry.during in plan.workloads)) {
          throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `components.${component}.scrape.perUnit.${metric}.during names workload "${entry.during}", which the scenario does not have`, {
            hint: `use one of: ${Object.keys(plan.workloads).join(', ')}`,
          });
        }
      }
      const metrics = [...new Set([...c.scrape.metrics, ...Object.keys(c.scrape.perUnit)])];
      targets.push({ component, url: new URL(c.scrape.path, endpoints[component] ?? 'http://invalid.').href, config: c.scrape, metrics, scrapes: 0, failures: 0, seen: new Set(), noted: new Set(), badLines: 0 });
    }
    return targets.length === 0 ? null : new ComponentScraper(plan, targets, note);
  }

  /** Scrapes every target when `t` (seconds into the run) is a resource sample; returns what to ingest. */
  async scrape(t: number): Promise<Snapshot> {
    if ((t * 1000) % this.plan.sampleInterval >= 1000) return { deltas: [] };
    await Promise.all(this.targets.map((target) => this.scrapeOne(target)));
    return this.registry.drain();
  }

  private async scrapeOne(target: Target): Promise<void> {
    target.scrapes++;
    let page: string;
    try {
      page = await fetchPage(target.url, target.config.timeout);
    } catch (err) {
      target.failures++;
      target.lastFailure = (err as Error).message;
      if (target.failures === 1) this.note(`scrape of ${target.component} (${target.url}) failed: ${target.lastFailure}; the run goes on, failures are counted in the result and as ${scrapedSeriesName(target.component, SCRAPE_FAILURES)}`);
      return;
    } finally {
      this.registry.gauge(scrapedSeriesName(target.component, SCRAPE_FAILURES), { component: target.component }).set(target.failures);
    }
    const parsed = parsePrometheusText(page);
    if (parsed.problems.length > 0 && target.badLines === 0) this.note(`${target.component}'s metrics page has lines that are not Prometheus text, e.g. ${parsed.problems[0]}`);
    target.badLines += parsed.problems.length;
    for (const metric of target.metrics) {
      const value = sumOf(parsed, metric);
      if (value === undefined || !Number.isFinite(value)) {
        if (!target.noted.has(metric)) this.note(`${target.component}'s metrics page has no ${value === undefined ? '' : 'finite '}${metric} at ${target.url}; its series has no point for this sample`);
        target.noted.add(metric);
        continue;
      }
      target.seen.add(metric);
      this.registry.gauge(scrapedSeriesName(target.component, metric), { component: target.component }).set(value);
    }
  }

  /** The scrape section of the RunResult: counts, and each perUnit fit over the run's samples. */
  report(result: RunResult): ScrapeReport {
    const perUnit: ResourcePerUnit[] = [];
    for (const target of this.targets) {
      const rss = result.resources.find((r) => r.component === target.component)?.samples ?? [];
      for (const [metric, entry] of Object.entries(target.config.perUnit)) {
        const during = 'during' in entry ? entry.during : undefined;
        const w = during !== undefined ? this.plan.workloads[during] : undefined;
        const window = w ? { from: w.startTime / 1000, to: (w.startTime + scheduledMs(w)) / 1000 } : { from: 0, to: Infinity };
        const fit = fitResourcePerUnit({
          component: target.component, metric, unit: entry.unit, ...(during !== undefined ? { during } : {}), ...window,
          rss, metricSeries: result.series[scrapedSeriesName(target.component, metric)] ?? [],
        });
        // JSON has no Infinity: an open-ended window ends at the run's last sample.
        perUnit.push(fit.to === Infinity ? { ...fit, to: rss.at(-1)?.t ?? 0 } : fit);
      }
    }
    return {
      components: this.targets.map((t) => ({
        component: t.component, scrapes: t.scrapes, failures: t.failures,
        ...(t.lastFailure !== undefined ? { lastFailure: t.lastFailure } : {}),
        missing: t.scrapes > t.failures ? t.metrics.filter((m) => !t.seen.has(m)) : [], badLines: t.badLines,
      })),
      perUnit,
    };
  }
}

/** The result with its `scrape` section, when a scraper ran. */
export function withScrapeReport(result: RunResult, scraper: ComponentScraper | null): RunResult {
  return scraper === null ? result : { ...result, scrape: scraper.report(result) };
}

async function fetchPage(url: string, timeoutMs: number): Promise<string> {
  if (!/^https?:/.test(url)) throw new Error(`the endpoint is not HTTP (${url})`);
  const res = await request(url, { signal: AbortSignal.timeout(timeoutMs), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  if (res.statusCode < 200 || res.statusCode > 299) {
    await res.body.dump();
    throw new Error(`status ${res.statusCode}`);
  }
  const length = Number(res.headers['content-length'] ?? 0);
  if (length > MAX_PAGE_BYTES) {
    await res.body.dump();
    throw new Error(`page of ${length} bytes is over ${MAX_PAGE_BYTES}`);
  }
  return res.body.text();
}
