/**
 * `caplab import artillery.yml`: an Artillery script as a caplab scenario (YAML on stdout or
 * --out). `caplab import --report report.json [--scenario s.yaml]`: an Artillery run's JSON
 * report in caplab's metric names, judged against the scenario's thresholds; the exit code
 * follows the verdict as `caplab run`'s does (0 good, 3 critical).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { ThresholdResult } from '../../../reports/run-result.ts';
import { writeRunOutputs } from '../../../reports/run-dir.ts';
import { parseArtilleryReport, type IngestedRun } from '../../authoring/artillery-report.ts';
import { artilleryRunResult } from '../../authoring/artillery-result.ts';
import { judgeArtilleryRun } from '../../authoring/artillery-verdict.ts';
import { importArtillery } from '../../authoring/import-artillery.ts';
import { loadAnyPlanOrThrow } from '../../authoring/load-any-scenario.ts';
import { CaplabError } from '../../errors.ts';
import { toThresholdSpecs } from '../../thresholds/threshold-schema.ts';
import { ExitCode } from '../exit-codes.ts';

const SCHEMA = fileURLToPath(new URL('../../../scenarios/scenario.schema.json', import.meta.url));

export interface ImportCliOptions { out?: string; name?: string; report: boolean; scenario?: string; json: boolean; runDir?: string }

/** Converts a script or ingests a report; returns the exit code. */
export async function importCli(file: string, o: ImportCliOptions, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CaplabError('CAPLAB_ERR_IMPORT', `${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  if (o.report) return importReport(parseArtilleryReport(text, file), file, o, stdout);
  const name = o.name ?? (path.basename(file).replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'imported');
  const where = o.out !== undefined ? path.dirname(path.resolve(o.out)) : process.cwd();
  const out = importArtillery(text, file, { name, schemaRef: path.relative(where, SCHEMA) });
  if (o.out !== undefined) {
    try {
      await writeFile(o.out, out.text);
    } catch (err) {
      throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${o.out}: ${(err as Error).message}`, { cause: err });
    }
  } else {
    stdout.write(out.text);
  }
  if (out.notes.length > 0) stderr.write(`${out.notes.length} thing${out.notes.length === 1 ? '' : 's'} did not map:\n${out.notes.map((n) => `  - ${n}\n`).join('')}`);
  return ExitCode.Good;
}

async function importReport(run: IngestedRun, file: string, o: ImportCliOptions, stdout: NodeJS.WritableStream): Promise<number> {
  const plan = o.scenario !== undefined ? await loadAnyPlanOrThrow(o.scenario) : null;
  const judged = plan !== null ? judgeArtilleryRun(run, toThresholdSpecs(plan.thresholds)) : null;
  if (o.runDir !== undefined) {
    try {
      const written = await writeRunOutputs(o.runDir, artilleryRunResult(run, file, plan), { failOn: 'critical' });
      stdout.write(`results: ${written.join(', ')}\n`);
    } catch (err) {
      throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${o.runDir}: ${(err as Error).message}`, { cause: err });
    }
  }
  const doc = { source: 'artillery', ...run, ...(judged ? { thresholds: judged.results, level: judged.level } : {}) };
  if (o.out !== undefined) await writeFile(o.out, `${JSON.stringify(doc, null, 2)}\n`);
  if (o.json) stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else stdout.write(renderRun(run, judged?.results ?? null, judged?.level ?? null));
  return judged?.level === 'critical' ? ExitCode.Critical : ExitCode.Good;
}

function renderRun(run: IngestedRun, thresholds: ThresholdResult[] | null, level: string | null): string {
  const d = run.duration;
  const lines = [
    `Artillery run from ${run.startedAt}, ${run.durationSeconds.toFixed(1)} s`,
    `  http_reqs          ${run.requests}  (${run.throughput.toFixed(1)}/s)`,
    `  http_req_failed    ${(run.httpReqFailedRate * 100).toFixed(2)}%  (${run.failed} of ${run.requests})`,
    d ? `  http_req_duration  avg ${d.mean} ms, p50 ${d.percentiles[50] ?? '-'} ms, p95 ${d.percentiles[95] ?? '-'} ms, p99 ${d.percentiles[99] ?? '-'} ms, max ${d.max} ms (from the send)` : '  http_req_duration  no responses',
    `  iterations         ${run.iterations} completed, ${run.iterationsFailed} failed`,
    ...(run.checks ? [`  checks             ${run.checks.passes} passed, ${run.checks.fails} failed`] : []),
    `  status codes       ${Object.entries(run.statusCodes).map(([c, n]) => `${c}: ${n}`).join(', ') || '-'}`,
    ...(Object.keys(run.errors).length > 0 ? [`  errors             ${Object.entries(run.errors).map(([c, n]) => `${c}: ${n}`).join(', ')}`] : []),
  ];
  if (thresholds !== null) {
    lines.push('', 'Thresholds');
    for (const t of thresholds) lines.push(`  ${t.key} ${t.stat}  ${valueText(t)}  good ${t.good}${t.warning ? `, warning ${t.warning}` : ''}  ${t.level.toUpperCase()}`);
    lines.push('', `level ${level?.toUpperCase()}`);
  }
  return `${lines.join('\n')}\n`;
}

function valueText(t: ThresholdResult): string {
  if (t.value === null) return 'no data';
  if (t.unit === 'fraction') return `${+(t.value * 100).toPrecision(4)}%`;
  return `${+t.value.toPrecision(4)}${t.unit === 'ms' ? ' ms' : ''}`;
}

export function importCommand(): Command {
  return new Command('import')
    .description('convert an Artillery script to a caplab scenario, or (--report) read an Artillery JSON report into caplab metrics and judge a scenario\'s thresholds on it')
    .argument('<file>', 'Artillery script (YAML), or with --report the JSON `artillery run --output` wrote')
    .option('--out <file>', 'write the scenario (or, with --report, the ingested metrics as JSON) here')
    .option('--name <name>', 'scenario name (default: from the file name)')
    .option('--report', 'the file is an Artillery JSON report', false)
    .option('--scenario <file>', 'with --report: judge this scenario\'s thresholds on the report; exit 3 when one is critical')
    .option('--json', 'with --report: print the ingested metrics as JSON', false)
    .option('--run-dir <dir>', 'with --report: also write result.json, summary.md, junit.xml and report.html there, as caplab run does')
    .action(async (file: string, o: ImportCliOptions) => {
      process.exitCode = await importCli(file, o);
    });
}
