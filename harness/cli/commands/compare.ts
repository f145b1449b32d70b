/**
 * `caplab compare new.json --baseline main`: the PR gate. Judges the new run(s) against a stored
 * baseline (reports/compare/): exit 4 when a metric regressed past --max-regression with the
 * whole confidence interval, 0 otherwise (an inconclusive comparison is printed as such).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { DEFAULT_BASELINE_DIR, loadBaseline } from '../../../reports/compare/baseline-store.ts';
import { CompareError } from '../../../reports/compare/compare-error.ts';
import { compareRuns, type Comparison } from '../../../reports/compare/compare-runs.ts';
import type { MetricSpec } from '../../../reports/compare/metric-samples.ts';
import { COMPARISON_HEADER, comparisonFacts, comparisonRow } from '../../../reports/compare/comparison-rows.ts';
import { gateFails, GATE_DEFAULTS, parseGateFlags, type GateFlags } from '../../../reports/compare/gate-options.ts';
import { renderHtmlReport } from '../../../reports/render/html/html-report.ts';
import { overallVerdict, renderComparisonMarkdown } from '../../../reports/compare/markdown-comparison.ts';
import { readRunResult, RunResultError } from '../../../reports/read-run-result.ts';
import type { RunResult } from '../../../reports/run-result.ts';
import { textTable } from '../../../reports/render/text-table.ts';
import { CaplabError } from '../../errors.ts';
import { ExitCode } from '../exit-codes.ts';

interface CompareOpts extends GateFlags { baseline: string; dir: string; markdown?: string; json?: boolean; failOnInconclusive?: boolean; html?: string }

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev === GATE_DEFAULTS.metric || prev === undefined ? [] : prev), v];

/** Adds the gate's flags (shared with `caplab ab`). */
export function withGateOptions(c: Command): Command {
  return c
    .option('--metric <trend:stat>', 'what to compare, repeatable: <trend>:p50|p95|p99|max of the per-second series', collect, GATE_DEFAULTS.metric)
    .option('--max-regression <percent>', 'allowed slowdown: a regression needs the whole interval of new/baseline above 1 + this', GATE_DEFAULTS.maxRegression)
    .option('--confidence <percent>', 'two-sided confidence of the bootstrap interval', GATE_DEFAULTS.confidence)
    .option('--seed <n>', 'seed of the bootstrap (the same inputs and seed always give the same interval)', GATE_DEFAULTS.seed)
    .option('--min-samples <n>', 'fewest usable seconds each side needs; fewer is inconclusive', GATE_DEFAULTS.minSamples)
    .option('--markdown <file>', 'also write the comparison as Markdown (a PR comment) to this file')
    .option('--json', 'print the comparisons as JSON');
}

export function compareCommand(): Command {
  return withGateOptions(
    new Command('compare')
      .description('judge new run(s) against a stored baseline; exit 4 on a regression, 0 otherwise')
      .argument('<new...>', 'result.json file(s) of the new build (several: runs of the same scenario)')
      .requiredOption('--baseline <name|result.json>', 'a baseline saved with `caplab baseline save`, or a result.json')
      .option('--dir <dir>', 'directory of saved baselines', DEFAULT_BASELINE_DIR)
      .option('--fail-on-inconclusive', 'exit 4 also when a comparison is inconclusive (the gate then needs proof of "not slower", not only of "slower")')
      .option('--html <file>', 'also write report.html of the (first) new run with the trend across the baseline\'s stored runs, this run marked'),
  ).action(async (files: string[], o: CompareOpts) => {
    const { specs, options } = await gateOrUsage(() => parseGateFlags(o));
    const fresh = await Promise.all(files.map(readOrUsage));
    const base = o.baseline.endsWith('.json') ? [await readOrUsage(o.baseline)] : await gateOrUsage(() => loadBaseline(o.dir, o.baseline));
    const comparisons = await Promise.all(specs.map((s) => gateOrUsage(() => compareRuns(base, fresh, s, options))));
    const title = `caplab compare: ${fresh[0]!.scenario} against ${o.baseline.endsWith('.json') ? o.baseline : `baseline ${o.baseline}`}`;
    await printComparisons(title, comparisons, o);
    const verdict = overallVerdict(comparisons);
    if (o.html !== undefined) await writeTrendReport(o.html, fresh[0]!, base, o.baseline, o.baseline.endsWith('.json') ? '.' : o.dir, specs, o.json !== true);
    if (verdict === 'inconclusive' && o.failOnInconclusive && !o.json) process.stdout.write('fails: inconclusive under --fail-on-inconclusive (exit 4)\n');
    process.exitCode = gateFails(verdict, o.failOnInconclusive) ? ExitCode.Regression : ExitCode.Good;
  });
}

/** Console table (or JSON) and the optional Markdown file; shared with `caplab ab`. */
export async function printComparisons(title: string, cs: Comparison[], o: { markdown?: string; json?: boolean }): Promise<void> {
  if (o.markdown !== undefined) {
    await writeFile(o.markdown, renderComparisonMarkdown(title, cs)).catch((err: unknown) => {
      throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${o.markdown}: ${(err as Error).message}`, { cause: err });
    });
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ verdict: overallVerdict(cs), comparisons: cs }, null, 2)}\n`);
    return;
  }
  const lines = [
    `${title}: ${overallVerdict(cs).toUpperCase()}`,
    '',
    ...textTable(COMPARISON_HEADER, cs.map(comparisonRow), { align: ['left', 'right', 'right', 'right', 'right', 'left'] }),
    '',
    ...comparisonFacts(cs).map((f) => `- ${f}`),
    ...(o.markdown !== undefined ? ['', `wrote ${o.markdown}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs f, turning a CompareError into a usage error (exit 2) with its hint. */
export async function gateOrUsage<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof CompareError) throw new CaplabError('CAPLAB_ERR_USAGE', err.message, { hint: err.hint });
    if (err instanceof RunResultError) throw new CaplabError(err.code, err.detail, { hint: err.hint });
    throw err;
  }
}

/** report.html of `run` with the trend across the baseline's runs (the compared metrics' statistics). */
async function writeTrendReport(file: string, run: RunResult, baseRuns: RunResult[], baseline: string, dir: string, metrics: MetricSpec[], say: boolean): Promise<void> {
  const html = await renderHtmlReport(run, { failOn: 'critical', trend: { baseline, dir, runs: baseRuns, metrics } });
  await writeFile(file, html).catch((err: unknown) => {
    throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${file}: ${(err as Error).message}`, { cause: err });
  });
  if (say) process.stdout.write(`wrote ${file}\n`);
}

async function readOrUsage(file: string): Promise<RunResult> {
  return gateOrUsage(() => readRunResult(file));
}
