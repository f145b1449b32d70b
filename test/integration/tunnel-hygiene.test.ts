import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { metric, metricsOf, reapAll, send, startServer, type Proc } from '../unit/reference-impl/tunnel/support/tunnel-processes.ts';

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
    server = await startServer(['--header-timeout', '300ms', '--max-header-size', '8KiB']);
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

  it('serves /healthz, /readyz and a Prometheus /metrics with every tunnel series', async () => {
    assert.equal((await send(`${server.url}/healthz`)).status, 200);
    const ready = await send(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body.toString()), { status: 'ready', agents: 0 });
    const text = await metricsOf(server.url);
    assert.equal(metric(text, 'tunnel_agents_connected'), 0);
    assert.equal(metric(text, 'tunnel_streams_open'), 0);
    assert.equal(metric(text, 'tunnel_streams_opened_total{kind="http"}'), 0);
    assert.equal(metric(text, 'tunnel_bytes_received_total'), 0);
    assert.equal(metric(text, 'tunnel_bytes_sent_total'), 0);
    assert.equal(metric(text, 'tunnel_auth_failures_total{reason="expired"}'), 0);
    assert.match(text, /^# TYPE tunnel_stream_open_seconds histogram$/m);
    assert.equal(metric(text, 'tunnel_stream_open_seconds_bucket{le="+Inf"}'), 0);
  });
});
