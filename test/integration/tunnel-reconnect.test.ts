import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../../harness/plan/load-scenario.ts';
import type { Plan } from '../../harness/plan/plan.ts';
import { scalePlanTime } from '../../harness/plan/time-scale.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { alive } from '../support/scenario-text.ts';

const RECONNECT = fileURLToPath(new URL('../../scenarios/tunnel/reconnect.yaml', import.meta.url));

describe('tunnel reconnect scenario on the local provider', function () {
  this.timeout(90_000);

  it('reconnect.yaml, time-scaled: the server restarts on its port, users see a gap, every agent is back within its backoff cap', async () => {
    // 40 s x 0.4 = 16 s; the restart at 4 s with 0.8 s down. The agents' backoff is not time-scaled,
    // so the test caps it at 1 s: the bound is then fixed (every agent dials within 1 s of the server
    // being back), where the scenario's 1 s doubling to 5 min makes it depend on the refused dials.
    const plan = structuredClone(scalePlanTime(await loadPlanOrThrow(RECONNECT), 0.4)) as Plan;
    plan.components['fleet']!.flags['backoff-max'] = '1s';
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);

    assert.equal(r.faults?.length, 1);
    const f = r.faults![0]!;
    assert.equal(f.error, undefined);
    assert.ok(f.injectedAt !== null && Math.abs(f.injectedAt - 4) < 0.5, `injected at ${f.injectedAt} s, planned 4 s`);
    const down = f.componentBackAt! - f.injectedAt;
    assert.ok(down >= 0.8 && down < 5, `the server was down ${down} s (0.8 s downFor plus its start-up)`);

    assert.equal(f.observations?.['agentsBefore'], 20);
    assert.equal(f.observations?.['agentsBack'], 20);
    const agentsBack = f.observations?.['agentsBackSeconds'];
    assert.ok(agentsBack !== undefined && agentsBack < 1 + 1, `all 20 agents back ${agentsBack} s after the server: within the 1 s cap plus dial and poll time`);

    assert.ok(f.gap && f.gap.from >= f.injectedAt && f.gap.to > f.gap.from, `gap ${JSON.stringify(f.gap)}`);
    assert.ok(f.failedDuringFault > 0, 'requests failed while the server was down');
    assert.ok(f.recoverySeconds !== null, 'the error rate came back under Good');
    // whole-second windows: recovery is known to the next second boundary
    assert.ok(f.recoverySeconds >= down && f.recoverySeconds <= down + agentsBack + 2, `recovery ${f.recoverySeconds} s, down ${down} s, agents back ${agentsBack} s`);

    const level = (key: string): string | undefined => r.thresholds.find((t) => t.key === key)?.level;
    assert.equal(level('fault_recovered'), 'good');
    assert.equal(level('fault_observed_recovery{observation:agents}'), 'good');
    assert.equal(level('fault_recovery'), 'good');
    const tunnel = r.resources.find((c) => c.component === 'tunnel')!;
    assert.equal(tunnel.pids.length, 2, 'the server was sampled before and after its restart');
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });

  it('SIGINT while the server is down ends the restart, marks the run aborted and leaves no process behind', async () => {
    const plan = scalePlanTime(await loadPlanOrThrow(RECONNECT), 0.4);
    const sigint = new AbortController();
    const progress = { ...silentProgress, note: (line: string) => { if (line.startsWith('fault at')) setTimeout(() => sigint.abort('SIGINT'), 300); } };
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: sigint.signal, progress, log: () => {} });
    assert.equal(r.verdict, 'aborted');
    const f = r.faults![0]!;
    assert.ok(f.injectedAt !== null);
    assert.equal(f.componentBackAt, null, 'the server was not started again');
    assert.match(f.error!, /cut short: the run ended while tunnel was being restarted/);
    assert.equal(f.recoverySeconds, null);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });
});
