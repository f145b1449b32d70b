import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import {
  metric, metricsOf, reapAll, seededBytes, sha256, startAgent, startConnectClient, startServer, tcpEcho, token, type Proc,
} from '../unit/reference-impl/tunnel/support/tunnel-processes.ts';

/** Connects to a tcp://host:port URL, sends `data`, half-closes, and collects what comes back until the end. */
async function roundTrip(url: string, data: Buffer): Promise<Buffer> {
  const { hostname, port } = new URL(url.replace('tcp:', 'http:'));
  const socket = net.connect({ host: hostname, port: Number(port), allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'connect');
  socket.end(data);
  await once(socket, 'end');
  socket.destroy();
  return Buffer.concat(chunks);
}

describe('tunnel connect mode (server, agent, tunnel-connect client and a TCP echo target)', function () {
  this.timeout(60_000);
  let server: Proc;
  let client: Proc;
  let echo: Awaited<ReturnType<typeof tcpEcho>>;

  before(async () => {
    echo = await tcpEcho();
    server = await startServer();
    await startAgent(server.url, echo.address, 'sshbox', 'alice');
    client = await startConnectClient(['--server', server.url, '--agent', 'sshbox', '--listen', '127.0.0.1:0', '--token', token('laptop', 'alice')]);
  });

  after(async () => {
    await reapAll();
    await echo.close();
  });

  it('echoes a TCP conversation through the tunnel, the half-close travelling end to end', async () => {
    assert.match(client.url, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await roundTrip(client.url, Buffer.from('hello over yamux'))).toString(), 'hello over yamux');
  });

  it('carries 4 connections of 4 MiB at once, each intact', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(async (seed) => {
      const data = seededBytes(4 * 1024 * 1024, seed);
      return sha256(await roundTrip(client.url, data)) === sha256(data);
    }));
    assert.deepEqual(results, [true, true, true, true]);
    assert.ok(metric(await metricsOf(server.url), 'tunnel_streams_opened_total{kind="connect"}') >= 5);
  });

  it("refuses a client whose token belongs to another owner: its connections are closed, nothing reaches the target", async () => {
    const before = echo.connections();
    const intruder = await startConnectClient(['--server', server.url, '--agent', 'sshbox', '--listen', '127.0.0.1:0', '--token', token('mallet', 'mallory')]);
    const reply = await roundTrip(intruder.url, Buffer.from('let me in')).catch(() => Buffer.alloc(0));
    assert.equal(reply.length, 0);
    assert.equal(echo.connections(), before);
    assert.ok(intruder.stderr.some((l) => l.includes('HTTP 404')), intruder.stderr.join('\n'));
    intruder.child.kill('SIGTERM');
    assert.deepEqual(await intruder.exited, { code: 0, signal: null });
  });
});
