/**
 * scenarios/operator/leader-failover.yaml on the local provider, time-scaled, with 30 agents and
 * a 2 s lease (instead of 15 s) so the follower takes over quickly: operator-a leads, is killed
 * mid-churn, operator-b takes the Lease and reconciles every agent; the lag carries the failover.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../harness/plan/time-scale.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { RateSummary, TrendSummary } from '../../reports/run-result.ts';
import { alive } from '../support/scenario-text.ts';

const FAILOVER = fileURLToPath(new URL('../../scenarios/operator/leader-failover.yaml', import.meta.url));
const AGENTS = 30;
const LEASE = { 'leader-election-lease-duration': '2s', 'leader-election-renew-deadline': '1500ms', 'leader-election-retry-period': '250ms' };

describe('operator leader-failover scenario on the local provider', function () {
  this.timeout(120_000);

  it('leader-failover.yaml with 30 agents and a 2 s lease: the follower takes over after the leader is killed and every agent gets Ready', async () => {
    // x0.5: the kill at 2.5 s falls in the 3 s of creates (30 at 10/s); the hold is 5 s
    const loaded = scalePlanTime(await loadPlanOrThrow(FAILOVER), 0.5);
    const plan = structuredClone(loaded) as { -readonly [K in keyof typeof loaded]: (typeof loaded)[K] };
    (plan.workloads['churn'] as { count: number }).count = AGENTS;
    for (const name of ['operator-a', 'operator-b']) Object.assign(plan.components[name]!.flags, LEASE);
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const leader = (name: string) => (r.series[`${name}.leader_election_master_status`] ?? []).map((p) => p.value ?? 0);
    assert.equal(leader('operator-a')[0], 1, 'operator-a led first');
    const b = leader('operator-b');
    assert.ok(b[0] === 0 && b.includes(1), `operator-b followed, then led: ${b.join(',')}`);
    assert.equal(r.faults?.length, 1);
    const ready = r.metrics['reconcile_ready'] as RateSummary;
    assert.deepEqual([ready.passes, ready.total], [AGENTS, AGENTS], 'every agent reached Ready through the failover');
    const deleted = r.metrics['reconcile_deleted'] as RateSummary;
    assert.deepEqual([deleted.passes, deleted.total], [AGENTS, AGENTS]);
    const lag = r.metrics['reconcile_lag'] as TrendSummary;
    // agents created after the kill wait for the lease to expire (2 s) before anyone reconciles them
    assert.ok(lag.max >= 2_000 && lag.max < 60_000, `the failover shows in the lag: max ${lag.max} ms`);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });
});
