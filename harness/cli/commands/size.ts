/**
 * `caplab size result.json`: re-computes sizing (knee, per-replica capacity, requests, tiers,
 * replicas for a target, cost) from a stored run with a capacity sweep, without re-running it,
 * so one sweep can be priced under other targets, tiers and pricing profiles.
 */
import { Command } from 'commander';
import { capacityReport, type CapacityOptions, type CapacityReport, type LoadUnit } from '../../../reports/capacity/capacity-report.ts';
import { CapacityOptionError } from '../../../reports/capacity/capacity-option-error.ts';
import { benchmarkRows } from '../../../reports/capacity/benchmark-table.ts';
import { costRows, fitRows, sizingFacts, stepRows, tierRows, type Rows } from '../../../reports/capacity/sizing-rows.ts';
import { parseLoad, parseTiers } from '../../../reports/capacity/tiers.ts';
import { detectUnit } from '../../../reports/capacity/step-load.ts';
import { DEFAULT_PRICING, loadPricingProfile, PricingProfileError } from '../../../reports/cost/pricing-profile.ts';
import { readRunResult, RunResultError } from '../../../reports/read-run-result.ts';
import type { RunResult } from '../../../reports/run-result.ts';
import { textTable } from '../../../reports/render/text-table.ts';
import { CaplabError } from '../../errors.ts';
import { ExitCode } from '../exit-codes.ts';

interface SizeOpts {
  target?: string;
  unit?: string;
  pricing: string;
  tiers?: string;
  hpaTarget: string;
  headroom: string;
  cpuLimit: string;
  component?: string;
  workload?: string;
  json?: boolean;
}

export function sizeCommand(): Command {
  return new Command('size')
    .description('size replicas, requests and cost from a result.json with a capacity sweep (no re-run)')
    .argument('<result>', 'result.json written by caplab run')
    .option('--target <load>', 'a load to size for: 10000/s (requests/s) or 100k/conn (connections; also 100000 connections)')
    .option('--unit <unit>', 'what load counts: connections or requests/s (default: what the sweep offered; a --target with /s or /conn says it too)')
    .option('--pricing <profile>', 'pricing profile: opencost-default, aws-us-east-1, gcp-us-central1, or <name>-spot', DEFAULT_PRICING)
    .option('--tiers <list>', 'tiers to size: names of defaults (small,medium,large) or name=load pairs (edge=500,core=20k)')
    .option('--hpa-target <percent>', 'HPA target CPU utilisation of the CPU a replica may use', '70%')
    .option('--headroom <n+k>', 'spare replicas: n+1 (default), n+0, n+2', 'n+1')
    .option('--cpu-limit <none|Nx>', 'CPU limit: none (KRR) or a multiple of the request, e.g. 2x', 'none')
    .option('--component <name>', 'component to size (default: the one using the most CPU during the sweep)')
    .option('--workload <name>', 'which capacity sweep, when the run had several')
    .option('--json', 'print the CapacityReport as JSON')
    .action(async (file: string, o: SizeOpts) => {
      const result = await readRunResult(file).catch((err: unknown) => {
        if (err instanceof RunResultError) throw new CaplabError(err.code, err.detail, { hint: err.hint });
        throw err;
      });
      const report = sizeResult(result, o, file);
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : renderSizing(report));
      process.exitCode = ExitCode.Good;
    });
}

/** Turns the flags into CapacityOptions and computes the report; every bad flag is a usage error. */
export function sizeResult(result: RunResult, o: SizeOpts, file: string): CapacityReport {
  const sweeps = result.sweeps ?? [];
  if (sweeps.length === 0) {
    throw new CaplabError('CAPLAB_ERR_USAGE', `${file} has no capacity sweep to size`, {
      hint: 'run a scenario with a capacity-sweep workload (executor: capacity-sweep), then pass its result.json',
    });
  }
  const target = o.target === undefined ? undefined : parseTarget(o.target);
  const sweep = (o.workload === undefined ? sweeps[0] : sweeps.find((s) => s.workload === o.workload)) ?? sweeps[0]!;
  const asked = o.unit === undefined ? undefined : parseUnit(o.unit);
  if (asked !== undefined && target?.unit !== undefined && asked !== target.unit) {
    throw new CaplabError('CAPLAB_ERR_USAGE', `--target ${o.target} is in ${target.unit} but --unit says ${asked}`, { hint: `drop one of them, or write e.g. --target 100k/conn --unit connections` });
  }
  const unit: LoadUnit = asked ?? target?.unit ?? detectUnit(result, sweep);
  const options: CapacityOptions = {
    unit,
    hpaTarget: parseHpaTarget(o.hpaTarget),
    headroom: parseHeadroom(o.headroom),
    cpuLimit: parseCpuLimit(o.cpuLimit),
    pricing: usage(() => loadPricingProfile(o.pricing), 'see reports/cost/pricing/ for the profiles and their sources'),
    ...(o.tiers !== undefined ? { tiers: usage(() => parseTiers(o.tiers!, unit), 'e.g. --tiers small,medium,large or --tiers edge=500,core=20k') } : {}),
    ...(target ? { target: target.load } : {}),
    ...(o.component !== undefined ? { component: o.component } : {}),
    ...(o.workload !== undefined ? { workload: o.workload } : {}),
  };
  return usage(() => capacityReport(result, options)!, 'pass --component and --workload names from the result');
}

function usage<T>(f: () => T, hint: string): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof PricingProfileError || err instanceof CapacityOptionError) {
      throw new CaplabError('CAPLAB_ERR_USAGE', err.message, { hint });
    }
    throw err;
  }
}

/** `10000/s` (requests/s), `100k/conn`, `50000 connections`, `50k conn`; a bare number takes --unit or the result's unit. */
function parseTarget(text: string): { load: number; unit?: LoadUnit } {
  const load = parseLoad(text);
  if (load === null) throw new CaplabError('CAPLAB_ERR_USAGE', `--target ${text} is not a load`, { hint: 'write e.g. --target 10000/s or --target 100k/conn' });
  if (/\/s\s*$/.test(text)) return { load, unit: 'requests/s' };
  if (/conn(ections)?\s*$/.test(text)) return { load, unit: 'connections' };
  return { load };
}

function parseUnit(text: string): LoadUnit {
  const t = text.trim().toLowerCase();
  if (t === 'connections' || t === 'conn') return 'connections';
  if (t === 'requests/s' || t === 'requests' || t === 'rps') return 'requests/s';
  throw new CaplabError('CAPLAB_ERR_USAGE', `--unit ${text} is not a load unit`, { hint: 'write --unit connections or --unit requests/s' });
}

function parseHpaTarget(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const v = m ? Number(m[1]) / (m[2] === '%' || Number(m[1]) > 1 ? 100 : 1) : NaN;
  if (!(v > 0 && v <= 1)) throw new CaplabError('CAPLAB_ERR_USAGE', `--hpa-target ${text} is not a utilisation between 0% and 100%`, { hint: 'write e.g. --hpa-target 70%' });
  return v;
}

function parseHeadroom(text: string): number {
  const m = /^\s*(?:n\s*\+\s*)?(\d+)\s*$/i.exec(text);
  if (!m || Number(m[1]) > 100) throw new CaplabError('CAPLAB_ERR_USAGE', `--headroom ${text} is not n+k`, { hint: 'write e.g. --headroom n+1 (one spare replica) or n+0' });
  return Number(m[1]);
}

function parseCpuLimit(text: string): CapacityOptions['cpuLimit'] {
  if (text === 'none') return 'none';
  const m = /^\s*(\d+(?:\.\d+)?)\s*x\s*$/i.exec(text);
  if (!m || !(Number(m[1]) >= 1)) throw new CaplabError('CAPLAB_ERR_USAGE', `--cpu-limit ${text} is neither none nor a multiple like 2x`, { hint: 'write --cpu-limit none (KRR) or --cpu-limit 2x' });
  return { ratio: Number(m[1]) };
}

/** The console form: step, fit, tier and cost tables, then the facts and notes. */
export function renderSizing(r: CapacityReport): string {
  const table = (title: string, t: Rows | null): string[] => (t === null || t.rows.length === 0 ? [] : ['', title, ...textTable(t.header, t.rows, { align: t.align })]);
  const lines = [
    `caplab size: ${r.scenario} · sweep ${r.workload} · component ${r.component || '(none)'} · load in ${r.unit}`,
    ...table('Sweep steps', stepRows(r)),
    ...table('Resource fits (per replica)', fitRows(r)),
    ...table(`Tiers (N+${r.headroom}${r.cost ? `, ${r.cost.profile.name}` : ''})`, tierRows(r)),
    ...table('Cost (OpenCost allocation, per month)', costRows(r)),
    ...table(`Benchmark table (seed 004 shape: predicted use per instance, p95 of the nearest Good step at or above its load; † measured at that step, the fit being poor${r.unit === 'connections' ? '; ✓/✗ against seed 004\'s cost bar; the seed\'s own row beside it' : ''})`, benchmarkRows(r)),
    '',
    ...sizingFacts(r).map((f) => `- ${f}`),
    ...(r.notes.length > 0 ? ['', 'Notes:', ...r.notes.map((n) => `- ${n}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
