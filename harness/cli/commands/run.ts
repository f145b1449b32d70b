/**
 * `caplab run scenario.yaml`: validate, run on the chosen cluster, write result.json,
 * summary.md and junit.xml into runs/<timestamp>-<scenario>/ (or --out), print the summary,
 * and exit with the verdict's code.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { renderConsole } from '../../../reports/render/console.ts';
import { renderJson } from '../../../reports/render/json.ts';
import { runDirName, writeRunOutputs } from '../../../reports/run-dir.ts';
import type { RunResult } from '../../../reports/run-result.ts';
import { loadAnyPlanOrThrow } from '../../authoring/load-any-scenario.ts';
import { CaplabError } from '../../errors.ts';
import { scalePlanTime } from '../../plan/time-scale.ts';
import { checkLoadGenerators } from '../../run/load-generators.ts';
import { silentProgress } from '../../run/progress.ts';
import { runScenario } from '../../run/run-scenario.ts';
import { progressDisplay } from '../progress-display.ts';
import { exitCodeFor, type FailOn } from '../verdict-exit.ts';

export interface RunCliOptions {
  cluster?: string;
  context?: string;
  out?: string;
  runsDir: string;
  failOn: FailOn;
  quiet: boolean;
  json: boolean;
  allowRemoteTarget: boolean;
  verbose: boolean;
  color: boolean;
  timeScale: number;
  loadGenerators?: number;
}

/** Runs one scenario file as the CLI does; returns the exit code. */
export async function runCli(file: string, o: RunCliOptions): Promise<number> {
  const plan = scalePlanTime(await loadAnyPlanOrThrow(file), o.timeScale);
  if (o.loadGenerators !== undefined) checkLoadGenerators(o.loadGenerators);
  const stderr = process.stderr;
  const progress = o.quiet || o.json ? silentProgress : progressDisplay({ stream: stderr, tty: stderr.isTTY === true, plainEverySeconds: 5 });

  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      stderr.write(`\n${sig}: stopping the run, tearing down and writing a partial result (send again to quit at once)\n`);
      interrupt.abort(sig);
    } else {
      // Children are killed by the provider's exit hook.
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let result: RunResult;
  try {
    result = await runScenario(plan, {
      provider: o.cluster ?? plan.cluster,
      allowRemoteTarget: o.allowRemoteTarget,
      ...(o.context !== undefined ? { context: o.context } : {}),
      signal: interrupt.signal,
      progress,
      log: o.verbose ? (line) => stderr.write(`${line}\n`) : () => {},
      ...(o.loadGenerators !== undefined ? { loadGenerators: o.loadGenerators } : {}),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const dir = o.out ?? path.join(o.runsDir, runDirName(result, new Date(result.startedAt)));
  let written: string[];
  try {
    written = await writeRunOutputs(dir, result, { failOn: o.failOn });
  } catch (err) {
    throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${dir}: ${(err as Error).message}`, { cause: err });
  }
  if (o.json) process.stdout.write(renderJson(result));
  else if (!o.quiet) {
    process.stdout.write(renderConsole(result, { color: o.color && process.stdout.isTTY === true, failOn: o.failOn }));
    process.stdout.write(`\nresults: ${written.join(', ')}\n`);
  } else {
    process.stdout.write(`${result.verdict} ${dir}\n`);
  }
  return exitCodeFor(result, o.failOn);
}

function parseTimeScale(v: string): number {
  const f = Number(v);
  if (!(f > 0) || !Number.isFinite(f)) throw new CaplabError('CAPLAB_ERR_USAGE', `--time-scale ${v} is not a positive number`, { hint: 'use e.g. --time-scale 0.1' });
  return f;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a scenario and judge its thresholds; exit 0 good, 3 critical, 5 invalid (generator-bound), 130 interrupted')
    .argument('<scenario>', 'scenario file (YAML, or a TypeScript module whose default export is defineScenario({...}))')
    .addOption(new Option('--cluster <provider>', 'where components run (default: the scenario\'s cluster:, else local)').choices(['local', 'kind', 'k3s', 'kubeconfig']))
    .option('--context <name>', 'with --cluster kubeconfig: the kubeconfig context to deploy into (required: the current context is never used unnamed)')
    .option('--out <dir>', 'write outputs into this directory instead of runs/<timestamp>-<scenario>/')
    .option('--runs-dir <dir>', 'parent directory of run directories', 'runs')
    .addOption(new Option('--fail-on <level>', 'lowest verdict that fails with exit 3').choices(['critical', 'warning']).default('critical'))
    .option('--quiet', 'no progress and no summary; one line with the verdict and the run directory', false)
    .option('--json', 'print result.json to stdout instead of the summary (no progress)', false)
    .option('--allow-remote-target', 'allow targets outside 127.0.0.0/8 and ::1', false)
    .option('--verbose', 'show component logs', false)
    .option('--no-color', 'no ANSI colours')
    .option('--load-generators <n>', 'run every workload (but a capacity-sweep) as n load-generator processes, each with its shard (on kind, k3s, kubeconfig: pods of an Indexed Job); histograms merged exactly', Number)
    .option('--time-scale <factor>', 'run the same load shape in factor times the time (0.1: a 300 s scenario in 30 s)', parseTimeScale, 1)
    .action(async (file: string, o: RunCliOptions) => {
      process.exitCode = await runCli(file, o);
    });
}
