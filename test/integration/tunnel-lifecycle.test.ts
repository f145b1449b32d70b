import assert from 'node:assert/strict';
import {
  LocalTarget, metric, metricsOf, reapAll, send, startAgent, startComponent, startServer, token,
} from '../unit/reference-impl/tunnel/support/tunnel-processes.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` every 20 ms until `accept` holds; the test timeout bounds it. */
async function eventually<T>(read: () => Promise<T>, accept: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (accept(v)) return v;
    await sleep(20);
  }
}

describe('tunnel lifecycle (drain, reconnect, token refresh and expiry)', function () {
  this.timeout(60_000);
  const target = new LocalTarget();
  let targetAddress: string;

  before(async () => { targetAddress = await target.listen(); });
  afterEach(async () => { await reapAll(); });
  after(async () => { await target.close(); });

  it('on SIGTERM the server lets an in-flight request finish, then exits 0; the agent stays up and retries', async () => {
    const server = await startServer();
    const agent = await startAgent(server.url, targetAddress, 'a1', 'alice');
    const inFlight = send(`${server.url}/agents/a1/slow?ms=500`);
    await eventually(() => metricsOf(server.url), (text) => metric(text, 'tunnel_streams_open') === 1);
    server.child.kill('SIGTERM');
    const reply = await inFlight;
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body.toString()), { slept: true });
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.ok(server.stderr.some((l) => l.includes('"msg":"stopped"')));
    assert.ok(!server.stderr.some((l) => l.includes('in-flight requests were cut')), 'nothing abandoned');
    await agent.waitForEvent((e) => e.event === 'disconnected');
    assert.equal(agent.child.exitCode, null, 'the agent keeps running and reconnecting');
  });

  it('on SIGTERM an agent finishes its in-flight request, the server stops routing to it, and it exits 0', async () => {
    const server = await startServer();
    const agent = await startAgent(server.url, targetAddress, 'a1', 'alice');
    const inFlight = send(`${server.url}/agents/a1/slow?ms=500`);
    await eventually(() => metricsOf(agent.url), (text) => metric(text, 'tunnel_agent_streams_active') === 1);
    agent.child.kill('SIGTERM');
    assert.equal((await inFlight).status, 200);
    assert.deepEqual(await agent.exited, { code: 0, signal: null });
    assert.equal((await send(`${server.url}/agents/a1/`)).status, 404);
  });

  it('an agent killed mid-request: the user gets 502 at once and the server forgets the agent', async () => {
    const server = await startServer();
    const agent = await startAgent(server.url, targetAddress, 'a1', 'alice');
    const inFlight = send(`${server.url}/agents/a1/slow?ms=20000`);
    await eventually(() => metricsOf(agent.url), (text) => metric(text, 'tunnel_agent_streams_active') === 1);
    agent.child.kill('SIGKILL');
    assert.equal((await inFlight).status, 502);
    await eventually(() => metricsOf(server.url), (text) => metric(text, 'tunnel_agents_connected') === 0);
    assert.equal((await send(`${server.url}/agents/a1/`)).status, 404);
  });

  it('an agent reconnects by itself after the server is killed and restarted on the same port', async () => {
    const first = await startServer();
    const agent = await startAgent(first.url, targetAddress, 'a1', 'alice');
    const port = new URL(first.url).port;
    first.child.kill('SIGKILL');
    await first.exited;
    await agent.waitForEvent((e) => e.event === 'disconnected');
    const second = await startServer(['--port', port]);
    assert.equal(second.url, first.url);
    await agent.waitForEvent((e) => e.event === 'connected' && e.connects === 2);
    assert.equal((await send(`${second.url}/agents/a1/after-restart`)).status, 200);
    assert.ok(metric(await metricsOf(agent.url), 'tunnel_agent_dial_failures_total') >= 1);
  });

  it('refreshes its token with a new link before expiry; a request in flight on the old link completes', async () => {
    const server = await startServer();
    const agent = await startAgent(server.url, targetAddress, 'a1', 'alice', ['--token-ttl', '2s']);
    const onOldLink = send(`${server.url}/agents/a1/slow?ms=2500`);
    await agent.waitForEvent((e) => e.event === 'connected' && e.connects === 2);
    assert.equal((await send(`${server.url}/agents/a1/on-new-link`)).status, 200);
    assert.equal((await onOldLink).status, 200);
    const text = await metricsOf(server.url);
    // tokens live 1-2 s (whole-second exp), so more refreshes may have happened meanwhile
    assert.ok(metric(text, 'tunnel_agent_connections_total') >= 2);
    assert.equal(metric(text, 'tunnel_agents_connected'), 1);
  });

  it('retires the link of a token that expired; an agent with a static token is then refused (401)', async () => {
    const server = await startServer();
    const agent = await startComponent('tunnel-agent', [
      '--server', `${server.url.replace('http', 'ws')}/ws`, '--local-target', targetAddress, '--token', token('a2', 'alice', 2),
      '--backoff-initial', '50ms', '--backoff-max', '200ms',
    ]);
    await agent.waitForEvent((e) => e.event === 'connected');
    await agent.waitForEvent((e) => e.event === 'disconnected');
    const health = await eventually(() => send(`${agent.url}/health`), (r) => JSON.parse(r.body.toString()).status === 'unauthorized');
    assert.equal(health.status, 503);
    const text = await metricsOf(server.url);
    assert.ok(metric(text, 'tunnel_auth_failures_total{reason="expired"}') >= 1);
    assert.equal(metric(text, 'tunnel_agents_connected'), 0);
    assert.equal((await send(`${server.url}/agents/a2/`)).status, 404);
  });
});
