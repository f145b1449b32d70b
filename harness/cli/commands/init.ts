/**
 * `caplab init [file]`: scaffolds a scenario. Answers come from flags; on a terminal, each one not
 * given is asked for (Enter keeps the default); with --yes or without a terminal the defaults
 * are taken, so CI can scaffold non-interactively. A `.ts` file gets a TypeScript scenario.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { DEFAULT_ANSWERS, scaffoldTs, scaffoldYaml, type ScaffoldAnswers } from '../../authoring/scaffold.ts';
import { isTsScenario } from '../../authoring/load-ts-scenario.ts';
import { CaplabError } from '../../errors.ts';
import { ExitCode } from '../exit-codes.ts';

const SCHEMA = fileURLToPath(new URL('../../../scenarios/scenario.schema.json', import.meta.url));

export interface InitCliOptions extends Partial<Omit<ScaffoldAnswers, 'vus'>> { vus?: string; yes: boolean; force: boolean }

const QUESTIONS: [keyof ScaffoldAnswers, string][] = [
  ['name', 'scenario name'],
  ['target', 'target: a reference component (echo, fsk) or an http:// URL'],
  ['executor', 'executor: constant-arrival-rate (open model) or constant-vus (closed model)'],
  ['rate', 'arrival rate'],
  ['vus', 'virtual users'],
  ['duration', 'duration'],
  ['method', 'HTTP method'],
  ['path', 'path'],
  ['p95', 'p95 latency that is Good'],
];

/** Writes the scaffold; `ask` answers a question (interactive), or null to take defaults. */
export async function initCli(file: string, o: InitCliOptions, ask: ((q: string, def: string) => Promise<string>) | null, stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (existsSync(file) && !o.force) throw new CaplabError('CAPLAB_ERR_USAGE', `${file} exists`, { hint: 'pass --force to overwrite it, or name another file' });
  const given: Record<string, unknown> = { ...o };
  const answers: Record<string, unknown> = { ...DEFAULT_ANSWERS, name: path.basename(file).replace(/\.[^.]+$/, '') };
  for (const [key, question] of QUESTIONS) {
    if (given[key] !== undefined) answers[key] = given[key];
    else if (ask !== null) {
      const skip = (key === 'rate' && answers['executor'] === 'constant-vus') || (key === 'vus' && answers['executor'] !== 'constant-vus');
      if (!skip) answers[key] = (await ask(question, String(answers[key]))).trim() || answers[key];
    }
  }
  answers['vus'] = Number(answers['vus']);
  answers['method'] = String(answers['method']).toUpperCase();
  if (!['constant-arrival-rate', 'constant-vus'].includes(String(answers['executor']))) throw new CaplabError('CAPLAB_ERR_USAGE', `executor ${String(answers['executor'])}: init writes constant-arrival-rate or constant-vus`, { hint: 'pick one; edit the file afterwards for the others (ramping-*, hold-connections, capacity-sweep)' });
  const a = answers as unknown as ScaffoldAnswers;
  const text = isTsScenario(file) ? scaffoldTs(a, 'caplab/scenario') : scaffoldYaml(a, path.relative(path.dirname(path.resolve(file)), SCHEMA));
  try {
    await writeFile(file, text);
  } catch (err) {
    throw new CaplabError('CAPLAB_ERR_OUTPUT_WRITE', `${file}: ${(err as Error).message}`, { cause: err });
  }
  stdout.write(`wrote ${file}; check it with: caplab validate ${file}\n`);
  return ExitCode.Good;
}

export function initCommand(): Command {
  return new Command('init')
    .description('scaffold a scenario (YAML with the JSON Schema hooked up for editors, or TypeScript for a .ts file); asks on a terminal, else takes flags and defaults')
    .argument('[file]', 'file to write', 'scenario.yaml')
    .option('--name <name>', 'scenario name (default: the file name)')
    .option('--target <target>', 'reference component (echo, fsk) or http:// URL')
    .addOption(new Option('--executor <executor>', 'open or closed model').choices(['constant-arrival-rate', 'constant-vus']))
    .option('--rate <rate>', 'arrival rate, e.g. 100/s')
    .option('--vus <n>', 'virtual users (constant-vus)')
    .option('--duration <d>', 'how long, e.g. 30s')
    .option('--method <method>', 'HTTP method')
    .option('--path <path>', 'request path')
    .option('--p95 <latency>', 'p95 latency that is Good, e.g. 200ms')
    .option('--yes', 'do not ask: take the defaults for what the flags do not give', false)
    .option('--force', 'overwrite the file if it exists', false)
    .action(async (file: string, o: InitCliOptions) => {
      const interactive = !o.yes && process.stdin.isTTY === true;
      const rl = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : null;
      try {
        process.exitCode = await initCli(file, o, rl ? (q, def) => rl.question(`${q} [${def}]: `) : null);
      } finally {
        rl?.close();
      }
    });
}
