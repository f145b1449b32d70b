import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../harness/plan/time-scale.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { alive } from '../support/scenario-text.ts';

const CONNECTIONS = fileURLToPath(new URL('../../scenarios/tunnel/connections.yaml', import.meta.url));
const AGENTS = fileURLToPath(new URL('../../scenarios/tunnel/agents.yaml', import.meta.url));

describe('tunnel scenarios on the local provider', function () {
  this.timeout(90_000);

  it('connections.yaml, time-scaled to 3 s, passes every check through the tunnel and is judged Good', async () => {
    // 60 s x 0.05 = 3 s of 100 VUs each sending a GET every 100 ms (about 3,000 requests)
    const plan = scalePlanTime(await loadPlanOrThrow(CONNECTIONS), 0.05);
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const checks = r.checks.reduce((acc, c) => ({ passes: acc.passes + c.passes, fails: acc.fails + c.fails }), { passes: 0, fails: 0 });
    assert.equal(checks.fails, 0, 'every request through the tunnel answered 200');
    assert.ok(checks.passes > 1_500, `only ${checks.passes} requests in 3 s with 100 VUs`);
    const own = r.thresholds.filter((t) => t.source === 'scenario');
    assert.deepEqual(own.map((t) => [t.key, t.stat, t.level]), [['checks', 'rate', 'good'], ['http_req_duration', 'p(95)', 'good'], ['http_req_failed', 'rate', 'good']]);
    assert.equal(r.verdict, 'good', r.verdictReasons.join('; '));
    assert.deepEqual(r.resources.map((c) => c.component).sort(), ['agent', 'echo', 'tunnel']);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });

  it('agents.yaml, time-scaled, reaches all 200 agents and samples the server beside its idle twin', async () => {
    const plan = scalePlanTime(await loadPlanOrThrow(AGENTS), 0.1);
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const fails = r.checks.reduce((n, c) => n + c.fails, 0);
    assert.equal(fails, 0, 'every request to a random agent of the fleet answered 200');
    assert.equal(r.workloads[0]!.iterations, 600, '200/s for 3 s');
    const rss = (name: string): number => r.resources.find((c) => c.component === name)?.memory?.max ?? 0;
    assert.ok(rss('tunnel') > 0 && rss('tunnel-idle') > 0, 'both servers were sampled, so memory per agent can be read off');
    assert.equal(r.verdict, 'good', r.verdictReasons.join('; '));
  });
});
