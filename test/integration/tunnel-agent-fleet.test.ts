import assert from 'node:assert/strict';
import { metric, metricsOf, reapAll, send, startAgent, startServer, tcpEcho, LocalTarget } from '../unit/reference-impl/tunnel/support/tunnel-processes.ts';

describe('tunnel-agent --count (an agent fleet in one process)', function () {
  this.timeout(60_000);
  after(reapAll);

  it('connects N agents with their own ids, each reachable through the server', async () => {
    const target = new LocalTarget();
    const address = await target.listen();
    try {
      const server = await startServer();
      const fleet = await startAgent(server.url, address, 'fleet', 'alice', ['--count', '20']);
      // startAgent resolved on the first connect; health turns 200 once all 20 are connected.
      for (let i = 0; i < 200; i++) {
        if ((await send(`${fleet.url}/health`)).status === 200) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const health = JSON.parse((await send(`${fleet.url}/health`)).body.toString());
      assert.deepEqual([health.agents, health.connected], [20, 20]);
      assert.equal(metric(await metricsOf(server.url), 'tunnel_agents_connected'), 20);
      for (const id of ['fleet-1', 'fleet-7', 'fleet-20']) {
        assert.equal((await send(`${server.url}/agents/${id}/hello`)).status, 200, id);
      }
      assert.equal((await send(`${server.url}/agents/fleet-21/hello`)).status, 404);
      assert.equal(metric(await metricsOf(fleet.url), 'tunnel_agent_connected'), 20);
    } finally {
      await target.close();
    }
  });

  it('--ramp joins the fleet in steps: /health is 200 once the first step is connected, the server then sees the rest arrive', async () => {
    const target = new LocalTarget();
    const address = await target.listen();
    try {
      const server = await startServer();
      const fleet = await startAgent(server.url, address, 'ramp', 'alice', ['--count', '9', '--ramp', '3', '--ramp-every', '1500ms']);
      let health = { agents: 0, started: 0, connected: 0, status: '' };
      for (let i = 0; i < 200; i++) {
        const res = await send(`${fleet.url}/health`);
        health = JSON.parse(res.body.toString());
        if (res.status === 200) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(health.connected >= 3, `health was 200 with ${health.connected} agents connected`);
      assert.equal(health.agents, 9);
      // Every agent that has started is counted, and the first step starts with the process.
      assert.ok(health.started >= 3 && health.started <= 9);
      const seen = new Set<number>();
      for (let i = 0; i < 400 && !seen.has(9); i++) {
        seen.add(metric(await metricsOf(server.url), 'tunnel_agents_connected'));
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(seen.has(9), `the server reached 9 agents (saw ${[...seen].sort((a, b) => a - b).join(', ')})`);
      // Sampled every 25 ms against 1.5 s steps, the server's count shows the intermediate step of 6 agents.
      assert.ok(seen.has(6), `the server saw the fleet step through 6 (saw ${[...seen].sort((a, b) => a - b).join(', ')})`);
      assert.equal(metric(await metricsOf(fleet.url), 'tunnel_agent_started'), 9);
      assert.equal((await send(`${server.url}/agents/ramp-9/hello`)).status, 200);
    } finally {
      await target.close();
    }
  });

  it('refuses a --ramp larger than --count', async () => {
    const echo = await tcpEcho();
    try {
      const server = await startServer();
      await assert.rejects(startAgent(server.url, echo.address, 'ramp', 'alice', ['--count', '2', '--ramp', '3']), /--ramp must be 0 \(all at once\) up to --count/);
    } finally {
      await echo.close();
    }
  });

  it('refuses --count above 1 without --token-secret, since every agent needs its own token', async () => {
    const echo = await tcpEcho();
    try {
      const server = await startServer();
      // startAgent passes --token-secret; a fleet given only --token instead must be refused at start.
      const { startComponent } = await import('../unit/reference-impl/tunnel/support/tunnel-processes.ts');
      await assert.rejects(startComponent('tunnel-agent', ['--server', `${server.url.replace(/^http/, 'ws')}/ws`, '--local-target', echo.address, '--token', 'abc', '--count', '2']), /--count above 1 needs --token-secret/);
    } finally {
      await echo.close();
    }
  });
});
