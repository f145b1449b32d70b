/** The `caplab` command line. */
import { Command, CommanderError } from 'commander';
import { caplabVersion } from '../run/environment.ts';
import { abCommand } from './commands/ab.ts';
import { baselineCommand } from './commands/baseline.ts';
import { compareCommand } from './commands/compare.ts';
import { exportCommand } from './commands/export.ts';
import { importCommand } from './commands/import.ts';
import { initCommand } from './commands/init.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { sizeCommand } from './commands/size.ts';
import { tunnelCommand } from './commands/tunnel.ts';
import { validateCommand } from './commands/validate.ts';
import { ExitCode } from './exit-codes.ts';
import { printError } from './print-error.ts';

export function buildProgram(): Command {
  const program = new Command('caplab')
    .description('capacity lab: drive load at real services, judge Good/Warning/Critical thresholds, write reports')
    .version(caplabVersion())
    .exitOverride()
    .showSuggestionAfterError();
  program.addCommand(runCommand());
  program.addCommand(validateCommand());
  program.addCommand(reportCommand());
  program.addCommand(serveCommand());
  program.addCommand(sizeCommand());
  program.addCommand(tunnelCommand());
  program.addCommand(baselineCommand());
  program.addCommand(compareCommand());
  program.addCommand(abCommand());
  program.addCommand(exportCommand());
  program.addCommand(importCommand());
  program.addCommand(initCommand());
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      process.exitCode = err.exitCode === 0 ? ExitCode.Good : ExitCode.Usage;
      return;
    }
    process.exitCode = printError(err);
  }
}

await main(process.argv);
