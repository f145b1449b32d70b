import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent } from 'node:http';
import net from 'node:net';
import { WebSocket } from 'ws';
import {
  LocalTarget, metric, metricsOf, reapAll, seededBytes, send, sha256, startAgent, startComponent, startServer, token, type Proc,
} from '../unit/reference-impl/tunnel/support/tunnel-processes.ts';

const MiB = 1024 * 1024;
const DOMAIN = 'tunnel.localhost';

describe('tunnel HTTP ingress (server, two agents and a local target as processes)', function () {
  this.timeout(60_000);
  let server: Proc;
  let alice: Proc;
  let bob: Proc;
  const target = new LocalTarget();

  before(async () => {
    const targetAddress = await target.listen();
    server = await startServer(['--domain', DOMAIN]);
    // two agents of two owners, on the same local target
    [alice, bob] = await Promise.all([startAgent(server.url, targetAddress, 'a1', 'alice'), startAgent(server.url, targetAddress, 'b1', 'bob')]);
  });

  after(async () => {
    await reapAll();
    await target.close();
  });

  const agentStreams = async (agent: Proc) => metric(await metricsOf(agent.url), 'tunnel_agent_streams_total');

  it('serves the path form /agents/<id>/..., stripping the prefix and adding X-Forwarded-*', async () => {
    const reply = await send(`${server.url}/agents/a1/api/items?limit=2`, { headers: { 'x-custom': 'yes' } });
    assert.equal(reply.status, 200);
    const seen = JSON.parse(reply.body.toString()) as { method: string; url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/api/items?limit=2');
    assert.equal(seen.headers['x-custom'], 'yes');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-prefix'], '/agents/a1');
    assert.equal(seen.headers.connection, 'keep-alive', 'streams are kept for the next request');
  });

  it('serves the host form user-<owner>-<agent>.<domain> with the path untouched', async () => {
    const reply = await send(`${server.url}/deep/path`, { headers: { host: `user-alice-a1.${DOMAIN}` } });
    assert.equal(reply.status, 200);
    const seen = JSON.parse(reply.body.toString()) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/deep/path');
    assert.equal(seen.headers.host, `user-alice-a1.${DOMAIN}`);
  });

  it('carries a 10 MiB request body and a 10 MiB response body intact (sha256)', async () => {
    const upload = seededBytes(10 * MiB, 7);
    const up = await send(`${server.url}/agents/a1/upload`, { method: 'POST', body: upload });
    assert.deepEqual(JSON.parse(up.body.toString()), { bytes: upload.length, sha256: sha256(upload) });
    const down = await send(`${server.url}/agents/a1/bytes?n=${10 * MiB}`);
    assert.equal(down.status, 200);
    assert.equal(down.body.length, 10 * MiB);
    assert.equal(sha256(down.body), sha256(seededBytes(10 * MiB)));
  });

  it('answers 100 concurrent requests, each with its own body', async () => {
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => {
      const body = seededBytes(1_000 + i * 97, i + 1);
      return send(`${server.url}/agents/a1/upload`, { method: 'POST', body }).then((r) => ({ r, body }));
    }));
    for (const { r, body } of replies) {
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body.toString()).sha256, sha256(body));
    }
  });

  it('keeps the user connection alive across requests', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ports = new Set<number>();
      for (let i = 0; i < 5; i++) {
        const reply = await send(`${server.url}/agents/a1/n${i}`, { agent: keepAlive });
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.connection, 'keep-alive');
        ports.add(reply.localPort);
      }
      assert.equal(ports.size, 1, 'five requests on one connection');
    } finally {
      keepAlive.destroy();
    }
  });

  it('answers 404 for an unknown agent or host without opening a stream to any agent', async () => {
    const before = { target: target.requests, a: await agentStreams(alice), b: await agentStreams(bob) };
    for (const [path, host] of [['/agents/nobody/', undefined], ['/x', `user-alice-nobody.${DOMAIN}`], ['/x', 'other.example'], ['/nothing', undefined]] as const) {
      const reply = await send(`${server.url}${path}`, host ? { headers: { host } } : {});
      assert.equal(reply.status, 404, `${host ?? ''}${path}`);
    }
    assert.deepEqual({ target: target.requests, a: await agentStreams(alice), b: await agentStreams(bob) }, before);
  });

  it("never routes one owner's host to another owner's agent", async () => {
    const before = { a: await agentStreams(alice), b: await agentStreams(bob) };
    assert.equal((await send(`${server.url}/`, { headers: { host: `user-bob-a1.${DOMAIN}` } })).status, 404);
    assert.equal((await send(`${server.url}/`, { headers: { host: `user-alice-b1.${DOMAIN}` } })).status, 404);
    assert.deepEqual({ a: await agentStreams(alice), b: await agentStreams(bob) }, before);
    assert.equal((await send(`${server.url}/`, { headers: { host: `user-bob-b1.${DOMAIN}` } })).status, 200);
    assert.equal(await agentStreams(bob), before.b + 1);
  });

  it('refuses agents with a bad or expired token with 401 before the upgrade, and counts each reason', async () => {
    const before = await metricsOf(server.url);
    const tryConnect = (t: string) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${t}` } });
      ws.once('unexpected-response', (_req, res) => { res.resume(); resolve(res.statusCode!); ws.terminate(); });
      ws.once('open', () => { ws.terminate(); reject(new Error('upgrade accepted')); });
      ws.on('error', () => {});
    });
    assert.equal(await tryConnect(token('a9', 'alice', -10)), 401);
    assert.equal(await tryConnect(token('a9', 'alice', 600, 'some-other-secret-entirely')), 401);
    assert.equal(await tryConnect('not-a-token'), 401);
    const after = await metricsOf(server.url);
    for (const reason of ['expired', 'bad-signature', 'unknown-token']) {
      const series = `tunnel_auth_failures_total{reason="${reason}"}`;
      assert.equal(metric(after, series), metric(before, series) + 1, series);
    }
    assert.equal(metric(after, 'tunnel_agents_connected'), 2);
  });

  it('an agent whose token has expired stays out and reports unauthorized on /health', async () => {
    const agent = await startComponent('tunnel-agent', ['--server', `${server.url.replace('http', 'ws')}/ws`, '--local-target', '127.0.0.1:1', '--token', token('a3', 'alice', -1), '--backoff-initial', '50ms', '--backoff-max', '100ms']);
    let health = await send(`${agent.url}/health`);
    for (let i = 0; i < 100 && JSON.parse(health.body.toString()).status !== 'unauthorized'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      health = await send(`${agent.url}/health`);
    }
    assert.equal(health.status, 503);
    assert.equal(JSON.parse(health.body.toString()).status, 'unauthorized');
    agent.child.kill('SIGTERM');
    assert.deepEqual(await agent.exited, { code: 0, signal: null });
  });

  it('is not an open proxy: absolute-form targets get 400 and CONNECT gets 405, with no agent involved', async () => {
    const before = target.requests;
    const raw = async (text: string) => {
      const { port } = new URL(server.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.end(text);
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      await once(socket, 'close');
      return Buffer.concat(chunks).toString();
    };
    assert.match(await raw(`GET http://user-alice-a1.${DOMAIN}/ HTTP/1.1\r\nHost: user-alice-a1.${DOMAIN}\r\nConnection: close\r\n\r\n`), /^HTTP\/1\.1 400 /);
    assert.match(await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'), /^HTTP\/1\.1 405 /);
    assert.equal(target.requests, before);
  });

  it('passes a WebSocket upgrade through to the target', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/agents/a1/chat`);
    await once(ws, 'open');
    ws.send('hello through the tunnel');
    const [data] = (await once(ws, 'message')) as [Buffer];
    assert.equal(data.toString(), 'hello through the tunnel');
    ws.close();
    await once(ws, 'close');
  });

  it('answers 502 when the agent cannot reach its target, counted as bad-gateway', async () => {
    const before = metric(await metricsOf(server.url), 'tunnel_ingress_requests_total{outcome="bad-gateway"}');
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    });
    const orphan = await startAgent(server.url, `127.0.0.1:${closedPort}`, 'c1', 'carol');
    assert.equal((await send(`${server.url}/agents/c1/`)).status, 502);
    assert.equal(metric(await metricsOf(server.url), 'tunnel_ingress_requests_total{outcome="bad-gateway"}'), before + 1);
    orphan.child.kill('SIGTERM');
    await orphan.exited;
  });
});
