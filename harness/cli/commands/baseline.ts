/**
 * `caplab baseline save result.json --name main` and `caplab baseline list`: named baselines of
 * several runs each (reports/compare/baseline-store.ts), for `caplab compare --baseline main`.
 */
import { Command } from 'commander';
import { DEFAULT_BASELINE_DIR, DEFAULT_KEEP, listBaselines, saveBaseline } from '../../../reports/compare/baseline-store.ts';
import { readRunResult } from '../../../reports/read-run-result.ts';
import { textTable } from '../../../reports/render/text-table.ts';
import { CaplabError } from '../../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { gateOrUsage } from './compare.ts';

export function baselineCommand(): Command {
  const cmd = new Command('baseline').description('keep named baselines (several runs each) for `caplab compare`');
  cmd.addCommand(
    new Command('save')
      .description('add a result.json to a named baseline (created if new; the oldest runs past --keep are removed)')
      .argument('<result>', 'result.json written by caplab run')
      .requiredOption('--name <name>', 'baseline name, e.g. main')
      .option('--dir <dir>', 'directory of saved baselines', DEFAULT_BASELINE_DIR)
      .option('--keep <n>', 'runs kept in this baseline', String(DEFAULT_KEEP))
      .action(async (file: string, o: { name: string; dir: string; keep: string }) => {
        const result = await gateOrUsage(() => readRunResult(file));
        const keep = Number(o.keep);
        const written = await gateOrUsage(() => saveBaseline(o.dir, o.name, result, keep)).catch((err: unknown) => {
          if (err instanceof CaplabError) throw err;
          throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${o.dir}: ${(err as Error).message}`, { hint: 'check that --dir names a writable directory', cause: err });
        });
        const runs = (await listBaselines(o.dir)).find((b) => b.name === o.name)?.runs.length ?? 1;
        process.stdout.write(`saved ${written} (baseline ${o.name}: ${runs} run${runs === 1 ? '' : 's'})\n`);
        process.exitCode = ExitCode.Good;
      }),
  );
  cmd.addCommand(
    new Command('list')
      .description('list saved baselines and their runs')
      .option('--dir <dir>', 'directory of saved baselines', DEFAULT_BASELINE_DIR)
      .action(async (o: { dir: string }) => {
        const baselines = await gateOrUsage(() => listBaselines(o.dir));
        if (baselines.length === 0) {
          process.stdout.write(`no baselines in ${o.dir}; save one with: caplab baseline save result.json --name main\n`);
        } else {
          const rows = baselines.map((b) => [b.name, String(b.runs.length), [...new Set(b.runs.map((r) => r.scenario))].join(', '), b.runs[0]?.startedAt ?? '-', b.runs.at(-1)?.startedAt ?? '-']);
          process.stdout.write(`${textTable(['baseline', 'runs', 'scenario', 'oldest', 'newest'], rows, { align: ['left', 'right'] }).join('\n')}\n`);
        }
        process.exitCode = ExitCode.Good;
      }),
  );
  for (const c of cmd.commands) c.exitOverride();
  return cmd;
}
