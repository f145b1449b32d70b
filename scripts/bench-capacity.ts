/**
 * npm run bench:capacity [-- --cpu-work 2000 --step 6 --repeats 1]
 *
 * Can caplab predict a knee from light load? On the echo component with a CPU-bound handler
 * (--cpu-work rounds of SHA-256 a request, 1-core limit), in one run of this script:
 *   1. measure: an auto capacity sweep finds the knee (highest load with every threshold Good,
 *      the default profile's CPU < 70% included) and the CPU used at it;
 *   2. predict: a second sweep only at 10..50% of that knee; the capacity model's CPU fit on those
 *      steps predicts the load at the HPA target (70% of the limit) and the CPU at the measured knee;
 *   3. confirm: constant-arrival-rate runs at the predicted knee and at 1.2x it, judged by the same
 *      thresholds: the verdict should change between them.
 * Errors are |predicted - measured| / measured (goal within 10%). The "peer" of each prediction is
 * the measurement of the same quantity in the same run. With --repeats N the figures are medians.
 * Every run's result is kept in a temporary directory (printed). Ends with one JSON line.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from 'simple-statistics';
import { parseScenario } from '../harness/plan/load-scenario.ts';
import type { ProgressSink } from '../harness/run/progress.ts';
import { runScenario } from '../harness/run/run-scenario.ts';
import { capacityReport } from '../reports/capacity/capacity-report.ts';
import { predict } from '../reports/capacity/linear-fit.ts';
import type { RunResult, Verdict } from '../reports/run-result.ts';
import { positiveOption } from './bench-support.ts';

const HPA_TARGET = 0.7;
const FIT_SHARES = [0.1, 0.2, 0.3, 0.4, 0.5];
const KEEP_DIR = join(tmpdir(), `caplab-bench-capacity-${process.pid}`);
let saved = 0;

interface Options { cpuWork: number; stepSeconds: number; repeats: number }
interface Round {
  kneeMeasured: number; kneePredicted: number; cpuMeasured: number; cpuPredicted: number;
  limitedBy: string[]; atKnee: Verdict; atOverload: Verdict; r2: number | null;
}

const say = (line: string): void => { process.stdout.write(`${line}\n`); };

function scenario(name: string, workload: string, cpuWork: number): string {
  return `name: ${name}
warmup: 2s
components:
  echo:
    component: echo
    flags: { response-size: 128, cpu-work: ${cpuWork} }
    limits: { cpu: 1, memory: 256Mi }
workloads:
  load:
${workload.replace(/^/gm, '    ')}
    preAllocatedVUs: 20
    maxVUs: 400
    http: { target: echo, path: /api/items, checks: [{ status: 200 }] }
thresholds:
  http_req_duration: [{ stat: p(95), good: "< 50ms", warning: "< 100ms" }]
  http_req_failed: ["rate < 0.1%"]
  dropped_iterations: ["count == 0"]
`;
}

async function run(name: string, workload: string, o: Options): Promise<RunResult> {
  const parsed = parseScenario(scenario(name, workload, o.cpuWork), `${name}.yaml`);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  const ac = new AbortController();
  const onSigint = (): void => ac.abort('SIGINT');
  process.once('SIGINT', onSigint);
  const progress: ProgressSink = { update: () => {}, note: (l) => say(`  ${l}`), done: () => {} };
  try {
    const r = await runScenario(parsed.plan, { provider: 'local', allowRemoteTarget: false, signal: ac.signal, progress, log: () => {} });
    if (r.verdict === 'aborted') throw new Error(`${name} was aborted: ${r.verdictReasons.join('; ')}`);
    // Kept so a surprising figure can be looked into (`caplab report` / `caplab size` on it).
    const file = join(KEEP_DIR, `${String(++saved).padStart(2, '0')}-${name}.json`);
    await mkdir(KEEP_DIR, { recursive: true });
    await writeFile(file, JSON.stringify(r));
    return r;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Mean CPU (cores) of echo over a step's window. */
function cpuOver(r: RunResult, from: number, to: number): number {
  const samples = r.resources.find((c) => c.component === 'echo')?.samples.filter((s) => s.t > from && s.t <= to) ?? [];
  if (samples.length === 0) throw new Error(`no CPU samples between ${from} s and ${to} s`);
  return samples.reduce((a, s) => a + s.cpuPercent, 0) / samples.length / 100;
}

async function round(o: Options, k: number): Promise<Round> {
  const timing = `settle: 2s\nstepDuration: ${o.stepSeconds}s`;
  say(`[${k}] 1/3 measure: auto sweep to the knee`);
  const measured = await run('bench-capacity-measure', `executor: capacity-sweep\nauto: { startRate: 25/s, growth: 2, maxRate: 5000/s, resolution: 5%, maxSteps: 14 }\n${timing}`, o);
  const mReport = capacityReport(measured)!;
  const knee = mReport.knee;
  if (knee.status !== 'found' || knee.load === null || knee.stepIndex === null) throw new Error(`no knee found: ${knee.explanation}`);
  const kneeStep = measured.sweeps![0]!.steps.find((s) => s.index === knee.stepIndex)!;
  const cpuMeasured = cpuOver(measured, kneeStep.from, kneeStep.to);
  say(`[${k}]   knee ${knee.load}/s, echo CPU there ${(cpuMeasured * 100).toFixed(1)}% of a core; limited by ${knee.limitedBy?.thresholds.join(', ') ?? '-'}`);

  say(`[${k}] 2/3 predict: sweep at ${FIT_SHARES.map((s) => `${s * 100}%`).join(', ')} of the knee only`);
  const rates = FIT_SHARES.map((s) => Math.max(1, Math.round(knee.load! * s)));
  const light = await run('bench-capacity-predict', `executor: capacity-sweep\nsteps: [${rates.map((r) => `${r}/s`).join(', ')}]\nstopAt: never\n${timing}`, o);
  const pReport = capacityReport(light, { hpaTarget: HPA_TARGET })!;
  const fit = pReport.fits.find((f) => f.component === 'echo')!.cpuCores;
  const kneePredicted = pReport.capacity.cpuAtHpaTarget;
  const cpuPredicted = predict(fit, knee.load);
  if (kneePredicted === null || cpuPredicted === null) throw new Error(`the CPU fit cannot predict: ${fit.note}`);
  say(`[${k}]   CPU fit on ${fit.points.length} steps: ${(fit.slope * 1e5).toFixed(3)} cores per 100k/s + ${fit.intercept.toFixed(3)}, R² ${fit.r2?.toFixed(3) ?? '-'}; predicted knee ${kneePredicted.toFixed(0)}/s, CPU at the measured knee ${(cpuPredicted * 100).toFixed(1)}%`);

  say(`[${k}] 3/3 confirm: constant rate at the predicted knee and at 1.2x`);
  const confirm = async (rate: number): Promise<Verdict> => {
    const r = await run('bench-capacity-confirm', `executor: constant-arrival-rate\nrate: ${Math.round(rate)}/s\nduration: ${o.stepSeconds + 2}s`, o);
    say(`[${k}]   ${Math.round(rate)}/s: ${r.verdict.toUpperCase()}${r.verdict === 'good' ? '' : ` (${r.verdictReasons.slice(0, 2).join('; ')})`}`);
    return r.verdict;
  };
  const atKnee = await confirm(kneePredicted);
  const atOverload = await confirm(kneePredicted * 1.2);
  return { kneeMeasured: knee.load, kneePredicted, cpuMeasured, cpuPredicted, limitedBy: knee.limitedBy?.thresholds ?? [], atKnee, atOverload, r2: fit.r2 };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o: Options = { cpuWork: positiveOption(argv, 'cpu-work', 2000), stepSeconds: positiveOption(argv, 'step', 6), repeats: positiveOption(argv, 'repeats', 1) };
  say(`bench:capacity: echo --cpu-work ${o.cpuWork} (1-core limit), steps of 2 s settle + ${o.stepSeconds} s judged, ${o.repeats} round(s)`);
  const rounds: Round[] = [];
  for (let k = 1; k <= o.repeats; k++) rounds.push(await round(o, k));
  const med = (f: (r: Round) => number): number => median(rounds.map(f));
  const err = (p: number, m: number): number => Math.abs(p - m) / m;
  const kneeError = med((r) => err(r.kneePredicted, r.kneeMeasured));
  const cpuError = med((r) => err(r.cpuPredicted, r.cpuMeasured));
  say('');
  say(`knee measured ${med((r) => r.kneeMeasured).toFixed(0)}/s, predicted from <= 50% of it ${med((r) => r.kneePredicted).toFixed(0)}/s: error ${(kneeError * 100).toFixed(1)}% (goal <= 10%)`);
  say(`CPU at the knee measured ${(med((r) => r.cpuMeasured) * 100).toFixed(1)}%, predicted ${(med((r) => r.cpuPredicted) * 100).toFixed(1)}%: error ${(cpuError * 100).toFixed(1)}% (goal <= 10%)`);
  say(`confirmation verdicts at the predicted knee / 1.2x: ${rounds.map((r) => `${r.atKnee}/${r.atOverload}`).join(', ')}`);
  say(`every run's result.json: ${KEEP_DIR}`);
  const r0 = rounds[rounds.length - 1]!;
  say(JSON.stringify({
    bench: 'capacity',
    knee_predicted: Math.round(med((r) => r.kneePredicted)),
    knee_measured: Math.round(med((r) => r.kneeMeasured)),
    knee_error: Number(kneeError.toFixed(3)),
    cpu_error: Number(cpuError.toFixed(3)),
    cpu_at_knee: Number(med((r) => r.cpuMeasured).toFixed(3)),
    fit_r2: r0.r2 === null ? null : Number(r0.r2.toFixed(3)),
    knee_limited_by: r0.limitedBy,
    verdict_at_knee: r0.atKnee,
    verdict_at_1_2x: r0.atOverload,
    rounds: rounds.length,
  }));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:capacity failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
