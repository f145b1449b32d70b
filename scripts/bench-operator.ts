/**
 * npm run bench:operator [-- --crs 1000 --rate 10 --hold 5 --max-concurrent-reconciles 4 --simulated-start 1]
 *
 * Reconcile lag of the RDEAgent operator at seed 000's rate on the local default: the
 * scenarios/operator/churn.yaml run (embedded control plane with its local kubelet, the operator
 * as a component) with `crs` RDEAgents created at `rate`/s, held `hold` seconds once all are
 * Ready, then deleted by label. The agents' pods are simulated (KWOK-style, Ready `simulated-start`
 * seconds after they are scheduled; the operator's agent image is not the caplab reference image),
 * so 1000 agents fit on one machine: the lag is the operator's and the control plane's, plus
 * that simulated start, and no tunnel agent runs. Lag is create (intended time) -> Ready seen
 * through a watch. Peak queue depth is the operator's own high-water mark
 * (kuberde_operator_workqueue_peak_depth), so a peak between two 1 s scrapes is not missed.
 * Goal (issue 7): p99 < 2 s. Ends with one JSON line.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../harness/plan/load-scenario.ts';
import type { ProgressSink } from '../harness/run/progress.ts';
import { runScenario } from '../harness/run/run-scenario.ts';
import type { GaugeSummary, RateSummary, TrendSummary } from '../reports/run-result.ts';
import { positiveOption } from './bench-support.ts';

const CHURN = fileURLToPath(new URL('../scenarios/operator/churn.yaml', import.meta.url));
const KEEP = fileURLToPath(new URL('../runs/bench-operator.json', import.meta.url));
const GOAL_P99_MS = 2_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const crs = Math.round(positiveOption(argv, 'crs', 1000));
  const rate = positiveOption(argv, 'rate', 10);
  const holdS = positiveOption(argv, 'hold', 5);
  const workers = Math.round(positiveOption(argv, 'max-concurrent-reconciles', 4));
  const simulatedStartS = positiveOption(argv, 'simulated-start', 1);

  const loaded = await loadPlanOrThrow(CHURN);
  const plan = structuredClone(loaded) as { -readonly [K in keyof typeof loaded]: (typeof loaded)[K] };
  Object.assign(plan.workloads['churn']!, { count: crs, createRate: rate, holdFor: holdS * 1000, readyTimeout: 300_000, deleteTimeout: 120_000 });
  Object.assign(plan.components['operator']!.flags, { 'max-concurrent-reconciles': workers });
  Object.assign(plan.components['control-plane']!.flags, { 'simulated-start': `${simulatedStartS}s` });

  say(`bench:operator: ${crs} RDEAgents at ${rate}/s, hold ${holdS} s, ${workers} concurrent reconciles; control plane + kubelet (simulated pods, start ${simulatedStartS} s) and operator as local processes`);
  const ac = new AbortController();
  const onSigint = (): void => ac.abort('SIGINT');
  process.once('SIGINT', onSigint);
  const progress: ProgressSink = { update: () => {}, note: (l) => say(`  ${l}`), done: () => {} };
  const started = performance.now();
  let r;
  try {
    r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: ac.signal, progress, log: () => {} });
  } finally {
    process.off('SIGINT', onSigint);
  }
  await mkdir(join(KEEP, '..'), { recursive: true });
  await writeFile(KEEP, JSON.stringify(r));
  if (r.errors.length > 0) throw new Error(r.errors.map((e) => e.message).join('\n'));

  const lag = r.metrics['reconcile_lag'] as TrendSummary | undefined;
  if (!lag) throw new Error('no reconcile_lag was recorded: no agent became Ready');
  const ready = r.metrics['reconcile_ready'] as RateSummary;
  const deleted = r.metrics['reconcile_deleted'] as RateSummary | undefined;
  const peak = r.metrics['operator.kuberde_operator_workqueue_peak_depth'] as GaugeSummary | undefined;
  const depth = r.metrics['operator.workqueue_depth'] as GaugeSummary | undefined;
  const retries = r.metrics['operator.workqueue_retries_total'] as GaugeSummary | undefined;
  const create = r.metrics['k8s_req_duration'] as TrendSummary | undefined;
  const cpu = (name: string) => r.resources.find((c) => c.component === name);

  say('');
  say(`reconcile lag (create -> Ready): p50 ${seconds(lag.p50)}, p95 ${seconds(lag.p95)}, p99 ${seconds(lag.p99)}, max ${seconds(lag.max)} over ${lag.count} agents`);
  say(`Ready: ${ready.passes} / ${ready.total}; deleted: ${deleted ? `${deleted.passes} / ${deleted.total}` : '-'}; API create p50 ${create ? `${create.p50.toFixed(1)} ms` : '-'}, p99 ${create ? `${create.p99.toFixed(1)} ms` : '-'}`);
  say(`operator queue: peak depth ${peak?.max ?? '-'} (scraped each second: max ${depth?.max ?? '-'}), retries ${retries?.max ?? '-'}`);
  // Where a lag goes: waiting in the operator's queue, or inside reconciles (mostly API calls).
  const mean = (metric: string) => {
    const sum = (r.metrics[`operator.${metric}_sum`] as GaugeSummary | undefined)?.value;
    const count = (r.metrics[`operator.${metric}_count`] as GaugeSummary | undefined)?.value;
    return sum !== undefined && count ? `${((sum / count) * 1000).toFixed(0)} ms over ${count}` : '-';
  };
  say(`operator: mean reconcile ${mean('controller_runtime_reconcile_time_seconds')}; mean wait in queue ${mean('workqueue_queue_duration_seconds')}`);
  for (const name of ['control-plane', 'operator']) {
    const c = cpu(name);
    if (c?.cpu && c.memory) say(`${name}: CPU mean ${c.cpu.mean.toFixed(0)}% p95 ${c.cpu.p95.toFixed(0)}% of one core, RSS max ${(c.memory.max / 2 ** 20).toFixed(0)} MiB`);
  }
  say(`goal p99 < ${seconds(GOAL_P99_MS)}: ${lag.p99 < GOAL_P99_MS ? 'met' : 'NOT met'}; verdict ${r.verdict}; wall ${((performance.now() - started) / 1000).toFixed(0)} s; result kept in ${KEEP}`);
  say(JSON.stringify({ bench: 'operator', crs, lag_p50_ms: Math.round(lag.p50), lag_p99_ms: Math.round(lag.p99), peak_queue_depth: peak?.max ?? depth?.max ?? null }));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:operator failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
