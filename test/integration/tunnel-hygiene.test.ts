import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { WebSocket } from 'ws';
import { metric, metricsOf, reapAll, send, startServer, token, type Proc } from '../unit/reference-impl/tunnel/support/tunnel-processes.ts';

/** Tries the agent upgrade with a token: the open WebSocket, or the HTTP status it was refused with. */
function dialAgent(serverUrl: string, bearer: string): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${serverUrl.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${bearer}` } });
    ws.once('unexpected-response', (_req, res) => { res.resume(); resolve(res.statusCode!); ws.terminate(); });
    ws.once('open', () => resolve(ws));
    ws.on('error', () => {});
  });
}

/** Opens a raw TCP connection to the server. */
async function rawConnect(url: string): Promise<net.Socket> {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

describe('tunnel server hygiene (slowloris, header size, health)', function () {
  this.timeout(30_000);
  let server: Proc;

  before(async () => {
    server = await startServer(['--header-timeout', '300ms', '--max-header-size', '8KiB', '--max-agents', '1']);
  });

  after(async () => {
    await reapAll();
  });

  it('closes a connection whose headers trickle in slower than --header-timeout (slowloris), answering 408', async () => {
    const socket = await rawConnect(server.url);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.write('GET /agents/a1/ HTTP/1.1\r\nHost: x\r\n');
    // keep sending a header byte now and then, never the blank line that ends the head
    const drip = setInterval(() => { if (!socket.destroyed) socket.write('X-Slow: 1\r\n'); }, 50);
    try {
      await once(socket, 'close');
    } finally {
      clearInterval(drip);
    }
    assert.match(Buffer.concat(chunks).toString(), /^HTTP\/1\.1 408 /);
  });

  it('answers 431 to a request head above --max-header-size and closes', async () => {
    const socket = await rawConnect(server.url);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(16 * 1024)}\r\n\r\n`);
    await once(socket, 'close');
    assert.match(Buffer.concat(chunks).toString(), /^HTTP\/1\.1 431 /);
  });

  it('admits at most --max-agents (503 beyond), lets an agent replace its own link, and never hands its id to another owner (409)', async () => {
    const first = await dialAgent(server.url, token('a1', 'alice'));
    assert.ok(first instanceof WebSocket);
    assert.equal(await dialAgent(server.url, token('b1', 'bob')), 503);
    assert.equal(await dialAgent(server.url, token('a1', 'mallory')), 409);
    const again = await dialAgent(server.url, token('a1', 'alice'));
    assert.ok(again instanceof WebSocket, 'the same agent reconnecting replaces its old link');
    const closed = once(first, 'close');
    const text = await metricsOf(server.url);
    assert.equal(metric(text, 'tunnel_agents_connected'), 1);
    assert.equal(metric(text, 'tunnel_agent_rejections_total{reason="max-agents"}'), 1);
    assert.equal(metric(text, 'tunnel_agent_rejections_total{reason="conflict"}'), 1);
    await closed; // the replaced link was retired (GoAway, then closed: it had no streams)
    again.terminate();
    await once(again, 'close');
  });

  it('serves /healthz, /readyz and a Prometheus /metrics with every tunnel series', async () => {
    assert.equal((await send(`${server.url}/healthz`)).status, 200);
    const ready = await send(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(JSON.parse(ready.body.toString()).status, 'ready');
    const text = await metricsOf(server.url);
    for (const series of ['tunnel_agents_connected', 'tunnel_streams_open', 'tunnel_streams_opened_total{kind="http"}', 'tunnel_bytes_received_total',
      'tunnel_bytes_sent_total', 'tunnel_auth_failures_total{reason="expired"}', 'tunnel_stream_open_seconds_count']) {
      assert.equal(typeof metric(text, series), 'number', series);
    }
    assert.match(text, /^# TYPE tunnel_stream_open_seconds histogram$/m);
    assert.match(text, /^# TYPE tunnel_auth_failures_total counter$/m);
  });
});
