/** `caplab report result.json`: re-renders a stored RunResult (renderers read nothing else). */
import path from 'node:path';
import { Command, Option } from 'commander';
import { baselineRunsOrNone, DEFAULT_BASELINE_DIR } from '../../../reports/compare/baseline-store.ts';
import { parseMetricSpec } from '../../../reports/compare/metric-samples.ts';
import type { TrendInput } from '../../../reports/render/html/trend-points.ts';
import { DEFAULT_PRICING, loadPricingProfile, PricingProfileError, type PricingProfile } from '../../../reports/cost/pricing-profile.ts';
import { readRunResult, RunResultError } from '../../../reports/read-run-result.ts';
import { renderConsole } from '../../../reports/render/console.ts';
import { writeRunOutputs } from '../../../reports/run-dir.ts';
import { CaplabError } from '../../errors.ts';
import { gateOrUsage } from './compare.ts';
import { exitCodeFor, type FailOn } from '../verdict-exit.ts';

interface ReportOpts { out?: string; failOn: FailOn; color: boolean; pricing: string; staticHtml?: boolean; trend?: string; baselineDir: string; trendMetric?: string[] }

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render a result.json: console summary, and summary.md, junit.xml and report.html written beside it (or into --out)')
    .argument('<result>', 'result.json written by caplab run')
    .option('--out <dir>', 'directory for the rendered files (default: the result file\'s directory)')
    .addOption(new Option('--fail-on <level>', 'lowest verdict that fails (exit 3)').choices(['critical', 'warning']).default('critical'))
    .option('--pricing <profile>', 'pricing profile for the cost per tier in report.html (runs with a capacity sweep): opencost-default, aws-us-east-1, gcp-us-central1, or <name>-spot', DEFAULT_PRICING)
    .option('--static-html', 'report.html without the inlined vega libraries: static SVG charts only, about a tenth of the size')
    .option('--trend <baseline>', 'add to report.html the trend across the stored runs of this baseline (p95 latency and throughput per run, this run marked)')
    .option('--baseline-dir <dir>', 'directory of saved baselines, for --trend', DEFAULT_BASELINE_DIR)
    .option('--trend-metric <trend:stat>', 'latency statistic to trend, repeatable (default http_req_duration:p95; stats p50, p95, p99, max)', collect)
    .option('--no-color', 'no ANSI colours')
    .action(async (file: string, o: ReportOpts) => {
      const result = await readRunResult(file).catch((err: unknown) => {
        if (err instanceof RunResultError) throw new CaplabError(err.code, err.detail, { hint: err.hint });
        throw err;
      });
      const pricing = pricingProfile(o.pricing);
      const dir = o.out ?? path.dirname(path.resolve(file));
      const trend = o.trend !== undefined ? await trendInput(o.trend, o.baselineDir, o.trendMetric) : undefined;
      const written = await writeRunOutputs(dir, result, { failOn: o.failOn, capacity: { pricing }, interactive: o.staticHtml !== true, ...(trend ? { trend } : {}) });
      if (trend) process.stdout.write(`trend: baseline ${trend.baseline} (${trend.dir}) holds ${trend.runs.filter((r) => r.scenario === result.scenario).length} run(s) of ${result.scenario}\n`);
      process.stdout.write(renderConsole(result, { color: o.color && process.stdout.isTTY === true, failOn: o.failOn }));
      process.stdout.write(`\nwrote ${written.join(', ')}\n`);
      process.exitCode = exitCodeFor(result, o.failOn);
    });
}

function pricingProfile(name: string): PricingProfile {
  try {
    return loadPricingProfile(name);
  } catch (err) {
    if (err instanceof PricingProfileError) throw new CaplabError('CAPLAB_ERR_USAGE', err.message, { hint: 'pass --pricing with one of the profiles named above' });
    throw err;
  }
}

/** A baseline's stored runs for the trend section; a baseline that does not exist yet gives none (the page says so). */
export async function trendInput(baseline: string, dir: string, metrics: string[] | undefined): Promise<TrendInput> {
  return gateOrUsage(async () => ({
    baseline,
    dir,
    runs: await baselineRunsOrNone(dir, baseline),
    ...(metrics && metrics.length > 0 ? { metrics: metrics.map(parseMetricSpec) } : {}),
  }));
}
