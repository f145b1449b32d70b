/**
 * `caplab ab --a a.yaml --b b.yaml --rounds 4`: compares two builds honestly on a shared machine.
 * Runs alternate A B, B A, A B, ... in one invocation (the order flips each round so a steady
 * drift of the machine favours neither side), each round is a pair, and the ratio of the
 * per-second statistic comes with a bootstrap interval over rounds (reports/compare/). B may be
 * A's scenario with other component flags: `--set-b echo.delay=12ms`. Exit 4 on a regression.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { parseDocument, parse as parseYaml } from 'yaml';
import { compareRuns } from '../../../reports/compare/compare-runs.ts';
import { parseGateFlags, type GateFlags } from '../../../reports/compare/gate-options.ts';
import { overallVerdict } from '../../../reports/compare/markdown-comparison.ts';
import type { RunResult } from '../../../reports/run-result.ts';
import { CaplabError } from '../../errors.ts';
import { invalidScenarioError, parseScenario } from '../../plan/load-scenario.ts';
import type { Plan } from '../../plan/plan.ts';
import { silentProgress } from '../../run/progress.ts';
import { runScenario } from '../../run/run-scenario.ts';
import { ExitCode } from '../exit-codes.ts';
import { gateOrUsage, printComparisons, withGateOptions } from './compare.ts';

interface AbOpts extends GateFlags {
  a: string;
  b?: string;
  setA: string[];
  setB: string[];
  rounds: string;
  out?: string;
  markdown?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function abCommand(): Command {
  return withGateOptions(
    new Command('ab')
      .description('run two builds interleaved (A B, B A, ...) in one invocation and judge B against A; exit 4 on a regression')
      .requiredOption('--a <scenario>', 'scenario of build A (the baseline)')
      .option('--b <scenario>', 'scenario of build B (default: A\'s scenario, changed by --set-b)')
      .option('--set-a <component.flag=value>', 'override a component flag in A, repeatable', collect, [])
      .option('--set-b <component.flag=value>', 'override a component flag in B, repeatable', collect, [])
      .option('--rounds <n>', 'rounds; each runs A and B once', '4')
      .option('--out <dir>', 'also write each run\'s result.json here (a-1.json, b-1.json, ...)'),
  ).action(async (o: AbOpts) => {
    const { specs, options } = await gateOrUsage(() => parseGateFlags(o));
    const rounds = Number(o.rounds);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new CaplabError('CAPLAB_ERR_USAGE', `--rounds ${o.rounds} is not a whole number from 1 to 100`, { hint: 'write e.g. --rounds 4 (more rounds: a narrower interval)' });
    if (o.b === undefined && o.setB.length === 0 && o.setA.length === 0) {
      throw new CaplabError('CAPLAB_ERR_USAGE', 'A and B would be the same scenario', { hint: 'pass --b <scenario>, or --set-b component.flag=value to change B (an A/A run: pass --b with the same file)' });
    }
    const planA = await planWith(o.a, o.setA);
    const planB = await planWith(o.b ?? o.a, o.setB);
    const ac = new AbortController();
    const onSignal = (sig: NodeJS.Signals): void => ac.abort(sig);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const a: RunResult[] = [];
    const b: RunResult[] = [];
    try {
      for (let i = 1; i <= rounds; i++) {
        const order: Array<['A' | 'B', Plan, RunResult[]]> = [['A', planA, a], ['B', planB, b]];
        if (i % 2 === 0) order.reverse();
        for (const [label, plan, into] of order) {
          process.stderr.write(`round ${i}/${rounds}: ${label} (${plan.name})...`);
          const r = await runScenario(plan, { provider: plan.cluster, allowRemoteTarget: false, signal: ac.signal, progress: silentProgress, log: () => {} });
          process.stderr.write(` ${r.verdict}\n`);
          if (r.verdict === 'aborted') throw new CaplabError('CAPLAB_ERR_USAGE', `run ${label} of round ${i} was aborted: ${r.verdictReasons.join('; ')}`, { hint: 'an A/B comparison needs every run complete; fix the scenario or the interruption and run again' });
          into.push(r);
          if (o.out !== undefined) await writeResult(o.out, `${label.toLowerCase()}-${i}.json`, r);
        }
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const comparisons = await Promise.all(specs.map((s) => gateOrUsage(() => compareRuns(a, b, s, { ...options, pairing: 'rounds' }))));
    await printComparisons(`caplab ab: B (${describe(o.b ?? o.a, o.setB)}) against A (${describe(o.a, o.setA)}), ${rounds} interleaved round${rounds === 1 ? '' : 's'}`, comparisons, o);
    process.exitCode = overallVerdict(comparisons) === 'regression' ? ExitCode.Regression : ExitCode.Good;
  });
}

/** The scenario file with `component.flag=value` overrides applied to its `components:` flags. */
export async function planWith(file: string, sets: readonly string[]): Promise<Plan> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_READ', `${file}: ${(err as Error).message}`, { cause: err });
  });
  const doc = parseDocument(text);
  for (const set of sets) {
    const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)=(.*)$/.exec(set);
    if (!m) throw new CaplabError('CAPLAB_ERR_USAGE', `--set ${set} is not component.flag=value`, { hint: 'write e.g. --set-b echo.delay=12ms' });
    if (!doc.hasIn(['components', m[1]!])) {
      const names = Object.keys((doc.toJS() as { components?: object } | null)?.components ?? {});
      throw new CaplabError('CAPLAB_ERR_USAGE', `--set ${set}: ${file} has no component ${m[1]}`, { hint: `its components: ${names.join(', ') || '(none)'}` });
    }
    doc.setIn(['components', m[1]!, 'flags', m[2]!], parseYaml(m[3]!));
  }
  const out = parseScenario(doc.toString(), file);
  if (!out.ok) throw invalidScenarioError(out.issues);
  return out.plan;
}

function describe(file: string, sets: readonly string[]): string {
  return [path.basename(file), ...sets].join(' ');
}

async function writeResult(dir: string, name: string, r: RunResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), `${JSON.stringify(r, null, 2)}\n`);
}
