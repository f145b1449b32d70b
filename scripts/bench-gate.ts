/**
 * npm run bench:gate [-- --runs 20 --seconds 10 --rate 400 --p95 10 --max-regression 5 --save DIR]
 *
 * Does the p95 regression gate (reports/compare/) hold up on this machine (2 cores shared with
 * other engineers' test suites)? Three echo processes run for the whole bench: A and A2 with the
 * same fixed --delay, B with Δ = --p95/10 ms more (default --p95 10: Δ = 1 ms, the finest slowdown
 * a Node timer can add). A's delay is calibrated so that Δ is 10% of A's p95 as the gate measures
 * it (median per-second ratio), under the bench's own conditions. A small --p95 makes the 10%
 * smaller than this machine's scheduling jitter under load; a larger one (50) stands for a service
 * whose p95 is service time rather than the OS scheduler. The realised slowdown is measured (the
 * gate's own ratio, and whole-run p95) and printed, not assumed.
 * Each comparison is two constant-rate runs made side by side (at the same time, one load
 * generator process): A against A2 for A/A, A against B for A/B, judged by compareRuns, the
 * function `caplab compare` and `caplab ab` use, with seconds paired (second t of one run beside
 * second t of the other: what the machine did to both cancels in the ratio). The gate is
 * --max-regression 5%: a regression is flagged only when the whole 95% interval of the p95 ratio
 * lies above 1.05, so a true 10% slowdown must be told apart from a 5% one.
 * Ends with one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median } from 'simple-statistics';
import { parseScenario } from '../harness/plan/load-scenario.ts';
import type { ProgressSink } from '../harness/run/progress.ts';
import { runScenario } from '../harness/run/run-scenario.ts';
import { compareRuns, DEFAULT_COMPARE, type Comparison } from '../reports/compare/compare-runs.ts';
import { runSamples } from '../reports/compare/metric-samples.ts';
import type { RunResult, TrendSummary } from '../reports/run-result.ts';
import { positiveOption, stopChild } from './bench-support.ts';

const REFERENCE_MAIN = fileURLToPath(new URL('../reference-impl/main.ts', import.meta.url));
const SPEC = { metric: 'http_req_duration', stat: 'p95' } as const;

interface Options { runs: number; seconds: number; rate: number; maxRegression: number; p95: number }

const say = (line: string): void => { process.stdout.write(`${line}\n`); };

async function startEcho(delayMs: number, children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', REFERENCE_MAIN, 'echo', '--delay', `${delayMs}ms`, '--response-size', '128', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, CAPLAB_EXIT_WITH_PARENT: '1', LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    const event = JSON.parse(line) as { event?: string; url?: string };
    if (event.event === 'listening' && event.url) return event.url;
  }
  throw new Error(`echo --delay ${delayMs}ms exited before listening`);
}

function scenario(name: string, url: string, o: Options): string {
  return `name: ${name}
warmup: 1s
components:
  echo: { url: "${url}" }
workloads:
  load:
    executor: constant-arrival-rate
    rate: ${o.rate}/s
    duration: ${o.seconds}s
    preAllocatedVUs: 20
    maxVUs: 200
    http: { target: echo, path: /api/items, checks: [{ status: 200 }] }
thresholds:
  http_req_duration: [{ stat: p(95), good: "< 1s" }]
`;
}

async function run(name: string, url: string, o: Options, signal: AbortSignal): Promise<RunResult> {
  const parsed = parseScenario(scenario(name, url, o), `${name}.yaml`);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  const progress: ProgressSink = { update: () => {}, note: () => {}, done: () => {} };
  const r = await runScenario(parsed.plan, { provider: 'local', allowRemoteTarget: false, signal, progress, log: () => {} });
  if (r.verdict === 'aborted') throw new Error(`${name} was aborted: ${r.verdictReasons.join('; ')}`);
  return r;
}

const p95 = (r: RunResult): number => (r.metrics['http_req_duration'] as TrendSummary).p95;
const medianSecondP95 = (r: RunResult): number => median(runSamples(r, SPEC, r.scenario));
const line = (c: Comparison): string => `${c.verdict.padEnd(12)} ${c.interval ? `${c.interval.ratio.toFixed(3)} [${c.interval.low.toFixed(3)}, ${c.interval.high.toFixed(3)}]` : c.reason}`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o: Options = {
    runs: positiveOption(argv, 'runs', 20),
    seconds: positiveOption(argv, 'seconds', 10),
    rate: positiveOption(argv, 'rate', 400),
    maxRegression: positiveOption(argv, 'max-regression', 5) / 100,
    p95: positiveOption(argv, 'p95', 10),
  };
  const saveDir = argv.includes('--save') ? argv[argv.indexOf('--save') + 1] ?? null : null;
  const ac = new AbortController();
  const onSigint = (): void => ac.abort('SIGINT');
  process.once('SIGINT', onSigint);
  const children: ChildProcess[] = [];
  try {
    // Calibrate under the bench's own conditions (two runs side by side), in the gate's own terms
    // (median per-second p95 ratio): a delay d gives p95 = d + overhead, but Δ more ms of delay
    // move p95 by S <= Δ (timers due within the same loop turn fire together). Measure S and the
    // overhead with X (--delay d) beside Y (d + Δ), then pick A's delay so that S is 10% of A's p95.
    const step = Math.max(1, Math.round(o.p95 / 10));
    const probeDelay = Math.max(1, Math.round(o.p95 * 0.75));
    const [urlX, urlY] = await Promise.all([startEcho(probeDelay, children), startEcho(probeDelay + step, children)]);
    const probes: Array<[RunResult, RunResult]> = [];
    for (let i = 0; i < 3; i++) probes.push(await Promise.all([run('bench-gate-calibrate-x', urlX, o, ac.signal), run('bench-gate-calibrate-y', urlY, o, ac.signal)]));
    for (const child of children.splice(0)) await stopChild(child);
    const pairing = { ...DEFAULT_COMPARE, pairing: 'seconds' as const };
    const probeP95 = median(probes.map(([x]) => medianSecondP95(x)));
    const probeRatio = median(probes.map(([x, y]) => compareRuns([x], [y], SPEC, pairing).interval?.ratio ?? NaN).filter(Number.isFinite));
    const shift = Math.max(0.2 * step, (probeRatio - 1) * probeP95);
    const overhead = probeP95 - probeDelay;
    const delayA = Math.min(Math.max(1, Math.round(shift / 0.1 - overhead)), 3 * o.p95);
    const delayB = delayA + step;
    say(`calibration: X --delay ${probeDelay}ms beside Y --delay ${probeDelay + step}ms, 3 pairs: X's median per-second p95 ${probeP95.toFixed(2)} ms (overhead ${overhead.toFixed(2)} ms), Y/X ${probeRatio.toFixed(3)}, so +${step} ms of delay moves p95 by ${shift.toFixed(2)} ms: A --delay ${delayA}ms, B --delay ${delayB}ms (aiming at p95 ${(shift / 0.1).toFixed(1)} ms and 1.10x)`);
    const [urlA, urlA2, urlB] = await Promise.all([startEcho(delayA, children), startEcho(delayA, children), startEcho(delayB, children)]);
    say(`bench:gate: ${o.runs} A/A and ${o.runs} A/B comparisons, each two ${o.seconds} s runs at ${o.rate}/s side by side (after 1 s warm-up); gate --max-regression ${(o.maxRegression * 100).toFixed(0)}% on ${SPEC.metric}:${SPEC.stat}, ${DEFAULT_COMPARE.confidence * 100}% block-bootstrap interval, seconds paired`);
    const options = { ...DEFAULT_COMPARE, maxRegression: o.maxRegression, pairing: 'seconds' as const };
    let saved = 0;
    const pair = async (name: string, baseUrl: string, newUrl: string): Promise<[RunResult, RunResult]> => {
      const runs = await Promise.all([run(`bench-gate-${name}-baseline`, baseUrl, o, ac.signal), run(`bench-gate-${name}-new`, newUrl, o, ac.signal)]);
      // --save DIR keeps every pair for re-judging offline (e.g. with caplab compare).
      if (saveDir !== null) {
        saved++;
        await mkdir(saveDir, { recursive: true });
        await Promise.all(runs.map((r, k) => writeFile(path.join(saveDir, `${String(saved).padStart(2, '0')}-${name}-${k === 0 ? 'baseline' : 'new'}.json`), JSON.stringify(r))));
      }
      return runs;
    };
    const aa: Comparison[] = [];
    const ab: Comparison[] = [];
    const realised: number[] = [];
    const wholeRun: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const [a1, a2] = await pair('aa', urlA, urlA2);
      const [a3, b1] = await pair('ab', urlA, urlB);
      aa.push(compareRuns([a1], [a2], SPEC, options));
      ab.push(compareRuns([a3], [b1], SPEC, options));
      realised.push(ab[i]!.interval?.ratio ?? NaN);
      wholeRun.push(p95(b1) / p95(a3));
      say(`[${String(i + 1).padStart(2)}] A/A p95 ${p95(a1).toFixed(2)}/${p95(a2).toFixed(2)} ms ${line(aa[i]!)} | A/B p95 ${p95(a3).toFixed(2)}/${p95(b1).toFixed(2)} ms ${line(ab[i]!)}`);
    }
    const flagged = (cs: Comparison[]): number => cs.filter((c) => c.verdict === 'regression').length;
    const tally = (cs: Comparison[]): string => [...new Set(cs.map((c) => c.verdict))].map((v) => `${v} ${cs.filter((c) => c.verdict === v).length}`).join(', ');
    const aaFlagged = flagged(aa);
    const abFlagged = flagged(ab);
    const slowdown = median(realised.filter(Number.isFinite));
    say('');
    say(`injected slowdown as measured: median per-second p95 ratio B/A ${slowdown.toFixed(3)}, whole-run p95 B/A ${median(wholeRun).toFixed(3)} (medians over ${o.runs} side-by-side pairs)`);
    const invalid = [...aa, ...ab].filter((c) => c.notes.some((n) => / is (invalid|aborted):/.test(n))).length;
    say(`comparisons with a run the harness judged invalid (the generator lagged): ${invalid} of ${2 * o.runs}`);
    say(`A/A: ${aaFlagged} of ${o.runs} flagged as regression (goal <= 1); verdicts: ${tally(aa)}`);
    say(`A/B: ${abFlagged} of ${o.runs} flagged as regression (goal >= ${o.runs - 1}); verdicts: ${tally(ab)}`);
    say(JSON.stringify({ bench: 'gate', runs: o.runs, aa_flagged: aaFlagged, ab_flagged: abFlagged, realised_slowdown: Number(slowdown.toFixed(3)), max_regression: o.maxRegression, seconds: o.seconds, rate: o.rate, delay_a_ms: delayA, delay_b_ms: delayB }));
  } finally {
    process.off('SIGINT', onSigint);
    for (const child of children) await stopChild(child);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:gate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
