/**
 * scenarios/operator/churn.yaml on the local provider, time-scaled and with fewer agents: the
 * embedded control plane with its kubelet and the operator as components, the reconcile-churn
 * workload creating RDEAgents, waiting for Ready, holding and deleting them all by label.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../harness/plan/time-scale.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { RateSummary, TrendSummary } from '../../reports/run-result.ts';
import { alive } from '../support/scenario-text.ts';

const CHURN = fileURLToPath(new URL('../../scenarios/operator/churn.yaml', import.meta.url));
const AGENTS = 20;

describe('operator churn scenario on the local provider', function () {
  this.timeout(120_000);

  it('churn.yaml with 20 agents, time-scaled: every agent Ready then deleted, lag percentiles and queue depth recorded', async () => {
    // x0.1: the 30 s hold is 3 s; 20 creates at 10/s take 2 s; readyTimeout (a timeout) stays 2 m as a bound
    const loaded = scalePlanTime(await loadPlanOrThrow(CHURN), 0.1);
    const plan = structuredClone(loaded) as { -readonly [K in keyof typeof loaded]: (typeof loaded)[K] };
    (plan.workloads['churn'] as { count: number }).count = AGENTS;
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const lag = r.metrics['reconcile_lag'] as TrendSummary | undefined;
    assert.ok(lag && lag.count === AGENTS, `a reconcile lag per agent: ${JSON.stringify(lag)}`);
    for (const p of [lag.p50, lag.p95, lag.p99]) assert.ok(typeof p === 'number' && p > 0 && p < 120_000, `lag percentiles ${lag.p50}/${lag.p95}/${lag.p99}`);
    assert.ok(lag.p50 <= lag.p95 && lag.p95 <= lag.p99);
    const ready = r.metrics['reconcile_ready'] as RateSummary;
    assert.deepEqual([ready.passes, ready.total], [AGENTS, AGENTS], 'every agent reached Ready');
    const deleted = r.metrics['reconcile_deleted'] as RateSummary;
    assert.deepEqual([deleted.passes, deleted.total], [AGENTS, AGENTS], 'every agent was seen deleted');
    assert.equal((r.metrics['k8s_req_failed'] as RateSummary).passes, 0);
    // the operator's queue was scraped once a second and held work at some point
    const depth = r.series['operator.workqueue_depth'] ?? [];
    assert.ok(depth.length >= 3, `workqueue_depth sampled over the run: ${depth.length} points`);
    const peak = r.metrics['operator.kuberde_operator_workqueue_peak_depth'];
    assert.ok(peak && peak.type === 'gauge' && peak.max >= 1, `peak queue depth scraped: ${JSON.stringify(peak)}`);
    assert.deepEqual(r.scrape?.components.map((c) => [c.component, c.failures, c.missing]), [['operator', 0, []]]);
    const lagLines = r.thresholds.filter((t) => t.metric === 'reconcile_lag').map((t) => t.stat);
    assert.deepEqual(lagLines, ['p(95)', 'p(99)']);
    assert.deepEqual(r.resources.map((c) => c.component).sort(), ['control-plane', 'operator']);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });
});
