/**
 * `caplab export --format k6|artillery scenario`: the scenario as another tool's script, for
 * teams that keep k6 or Artillery. The script goes to stdout (or --out); what did not map goes
 * to stderr and into the script's header comment.
 */
import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { exportArtillery } from '../../authoring/export-artillery.ts';
import { exportK6 } from '../../authoring/export-k6.ts';
import { loadAnyPlanOrThrow } from '../../authoring/load-any-scenario.ts';
import { scriptOf } from '../../authoring/scripted-http.ts';
import { CaplabError } from '../../errors.ts';
import { ExitCode } from '../exit-codes.ts';

export interface ExportCliOptions { format: 'k6' | 'artillery'; out?: string; workload?: string; quiet: boolean }

/** Writes the exported script; returns the exit code. */
export async function exportCli(file: string, o: ExportCliOptions, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const plan = await loadAnyPlanOrThrow(file);
  const scripted = Object.entries(plan.workloads).filter(([, w]) => w.http !== undefined && scriptOf(w.http) !== undefined).map(([n]) => n);
  const out = o.format === 'k6' ? exportK6(plan, file) : exportArtillery(plan, file, o.workload);
  if (scripted.length > 0) out.notes.push(`workloads ${scripted.join(', ')}: request and check functions of a TypeScript scenario are not exported; the script sends the block's data request and checks`);
  if (o.out !== undefined) {
    try {
      await writeFile(o.out, out.text);
    } catch (err) {
      throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${o.out}: ${(err as Error).message}`, { cause: err });
    }
  } else {
    stdout.write(out.text);
  }
  if (!o.quiet && out.notes.length > 0) stderr.write(`${out.notes.length} thing${out.notes.length === 1 ? '' : 's'} did not map to ${o.format}:\n${out.notes.map((n) => `  - ${n}\n`).join('')}`);
  return ExitCode.Good;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write a scenario as a k6 script (TypeScript, checked against @types/k6) or an Artillery script; what does not map is listed')
    .argument('<scenario>', 'scenario file (YAML or TypeScript)')
    .addOption(new Option('--format <tool>', 'the tool to write for').choices(['k6', 'artillery']).makeOptionMandatory())
    .option('--out <file>', 'write the script here instead of stdout')
    .option('--workload <name>', 'artillery: the workload to export (an Artillery script has one load profile)')
    .option('--quiet', 'do not list what did not map on stderr', false)
    .action(async (file: string, o: ExportCliOptions) => {
      process.exitCode = await exportCli(file, o);
    });
}
