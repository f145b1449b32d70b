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
  this.timeout(120_000);

  it('connections.yaml, time-scaled to 3 s, passes every check through the tunnel and is judged Good', async () => {
    // 60 s x 0.05 = 3 s of 100 VUs each sending a GET every 100 ms (about 3,000 requests)
    const plan = scalePlanTime(await loadPlanOrThrow(CONNECTIONS), 0.05);
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const checks = r.checks.reduce((acc, c) => ({ passes: acc.passes + c.passes, fails: acc.fails + c.fails }), { passes: 0, fails: 0 });
    assert.equal(checks.fails, 0, 'every request through the tunnel answered 200');
    // Every VU got requests through (how many in 3 s is this shared machine's speed: bench:tunnel's business).
    assert.ok(checks.passes >= 100, `only ${checks.passes} requests in 3 s with 100 VUs`);
    const own = r.thresholds.filter((t) => t.source === 'scenario');
    // Correctness lines must be Good; p95 is this shared machine's speed at that moment: judged on data, any level.
    assert.deepEqual(own.map((t) => [t.key, t.stat, t.key === 'http_req_duration' ? t.value !== null && t.value > 0 : t.level]), [['checks', 'rate', 'good'], ['http_req_duration', 'p(95)', true], ['http_req_failed', 'rate', 'good']]);
    assert.notEqual(r.verdict, 'aborted', r.verdictReasons.join('; '));
    assert.deepEqual(r.resources.map((c) => c.component).sort(), ['agent', 'echo', 'tunnel']);
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });

  it('agents.yaml, time-scaled, steps the fleet 10 -> 200 agents, then holds streams, and reports memory per agent and per stream', async () => {
    // x0.25: ramp 10 s, hold 7.5 s, spread 5 s; the fleet's own ramp is a component flag (not
    // scaled), so it is sped up: 20 steps 800 ms apart take 15 s, of which the ramp window sees
    // about 10 (the fleet starts stepping once its first step is up, ~3 s before the run's t = 0).
    // Its --ramp-delay (20 s, the server's start-up memory settling) is kept: the fit depends on it.
    const loaded = scalePlanTime(await loadPlanOrThrow(AGENTS), 0.25);
    const plan = structuredClone(loaded) as { -readonly [K in keyof typeof loaded]: (typeof loaded)[K] };
    (plan.components['fleet']!.flags as Record<string, string | number | boolean>)['ramp-every'] = '800ms';
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const fails = r.checks.reduce((n, c) => n + c.fails, 0);
    assert.equal(fails, 0, 'every request through the tunnel answered 200');
    const agents = r.series['tunnel.tunnel_agents_connected']?.map((p) => p.value ?? 0) ?? [];
    assert.ok(Math.max(...agents) === 201 && Math.min(...agents) <= 80, `the server went from a few agents to all 200 and the holder (saw ${agents.join(',')})`);
    const perAgent = r.scrape?.perUnit.find((f) => f.unit === 'agent');
    assert.ok(perAgent, 'a per-agent fit is reported');
    // How well RSS follows the agent count is this machine's garbage collector at that moment (a clean
    // CI run saw R² 0.27 once, after many runs at 0.8+): the figure belongs to the scenario's own run
    // (reference-impl/tunnel/README.md, agent fleets). Here: a fit over the ramp's points, and a figure exactly when it is good.
    assert.ok(perAgent.distinctX >= 3 && perAgent.during === 'ramp' && perAgent.slope !== null && perAgent.rSquared !== null, JSON.stringify(perAgent));
    if (perAgent.poor === undefined) assert.ok(perAgent.bytesPerUnit !== null && perAgent.bytesPerUnit > 0 && perAgent.rSquared >= 0.8, `memory per agent is a positive figure: ${JSON.stringify(perAgent)}`);
    else assert.equal(perAgent.bytesPerUnit, null, `a poor fit gives no figure: ${JSON.stringify(perAgent)}`);
    const perStream = r.scrape?.perUnit.find((f) => f.unit === 'stream');
    assert.ok(perStream && perStream.n > 0 && perStream.xMax !== null && perStream.xMax >= 100, `streams were held open: ${JSON.stringify(perStream)}`);
    assert.deepEqual(r.scrape?.components.map((c) => [c.component, c.failures, c.missing]), [['tunnel', 0, []]]);
    // The latency lines judge the machine's speed at that moment (CI shares it); the run itself must not abort.
    assert.notEqual(r.verdict, 'aborted', r.verdictReasons.join('; '));
    for (const c of r.resources) for (const pid of c.pids) assert.equal(alive(pid), false, `${c.component} pid ${pid} was stopped`);
  });
});
