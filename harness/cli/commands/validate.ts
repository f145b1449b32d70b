/** `caplab validate FILE...`: checks scenario files without running them; exit 2 if any is invalid. */
import { Command } from 'commander';
import { loadScenarioFile } from '../../plan/load-scenario.ts';
import { formatIssue } from '../../plan/plan.ts';
import { ExitCode } from '../exit-codes.ts';

/** Validates each file, printing every problem with file:line:col; returns the exit code. */
export async function validateFiles(files: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let bad = 0;
  for (const file of files) {
    const res = await loadScenarioFile(file);
    if (res.ok) {
      const p = res.plan;
      const thresholds = Object.values(p.thresholds).reduce((a, l) => a + l.length, 0);
      out.write(`${file}: ok (scenario ${p.name}, ${Object.keys(p.workloads).length} workload(s), ${Object.keys(p.components).length} component(s), ${thresholds} threshold(s))\n`);
    } else {
      bad++;
      for (const i of res.issues) err.write(`${formatIssue(i)}\n`);
      err.write(`${file}: ${res.issues.length} problem${res.issues.length === 1 ? '' : 's'}\n`);
    }
  }
  return bad > 0 ? ExitCode.Usage : ExitCode.Good;
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('check scenario files against the schema; every problem is printed with file:line:col')
    .argument('<files...>', 'scenario files')
    .action(async (files: string[]) => {
      process.exitCode = await validateFiles(files);
    });
}
