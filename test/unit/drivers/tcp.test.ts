import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tcpAddress, createTcpDriver } from '../../../harness/drivers/tcp.ts';
import { tcpDriverSchema } from '../../../harness/drivers/tcp-schema.ts';
import { realClock } from '../../../harness/executors/clock.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';
import { Recorded } from '../executors/metric-deltas.ts';

/** A loopback server whose connection handler is given; resolves with it listening on an OS port. */
async function serve(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const echo = (s: Socket): void => { s.on('error', () => {}); s.pipe(s); };

function driverFor(port: number, over: Record<string, unknown> = {}) {
  const registry = new MetricsRegistry();
  const config = tcpDriverSchema.parse({ target: 'target', ...over });
  const driver = createTcpDriver(config, {
    recorder: registry, clock: realClock, endpoints: { target: `tcp://127.0.0.1:${port}` }, tags: { workload: 'w' }, maxConcurrency: 1, baseDir: '.',
  });
  return { driver, registry };
}

const ctx = (signal = new AbortController().signal) => ({ intendedTime: realClock.now(), vu: 0, iteration: 0, signal });

describe('tcp driver', () => {
  it('parses sizes with their defaults: 64MiB sent in 1MiB chunks, echo expected', () => {
    assert.deepEqual(tcpDriverSchema.parse({ target: 'x' }), { target: 'x', send: 64 * 1024 * 1024, chunk: 1024 * 1024, expect: 'echo', idleTimeout: 30_000 });
    assert.equal(tcpDriverSchema.safeParse({ target: 'x', send: 0 }).success, false);
    assert.equal(tcpDriverSchema.safeParse({ target: 'x', bogus: 1 }).success, false);
  });

  it('takes host:port from a component endpoint whether it is tcp:// or http://, or from a tcp:// target', () => {
    assert.deepEqual(tcpAddress('c', { c: 'tcp://127.0.0.1:2022' }), { host: '127.0.0.1', port: 2022 });
    assert.deepEqual(tcpAddress('c', { c: 'http://127.0.0.1:8080' }), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(tcpAddress('tcp://[::1]:9', {}), { host: '::1', port: 9 });
    assert.throws(() => tcpAddress('nowhere', {}), /neither a component nor a tcp/);
  });

  it('sends 3 MiB plus a partial chunk to an echo server and counts every byte both ways and one throughput sample', async () => {
    const { server, port } = await serve(echo);
    try {
      const send = 3 * 1024 * 1024 + 1000;
      const { driver, registry } = driverFor(port, { send, chunk: '256KiB' });
      await driver.iterate(ctx());
      await driver.close();
      const m = new Recorded(registry);
      assert.equal(m.count('data_sent'), send);
      assert.equal(m.count('data_received'), send);
      assert.equal(m.count('tunnel_throughput'), 1);
      assert.equal(m.count('tcp_transfer_failed'), 1);
      assert.equal(m.passes('tcp_transfer_failed'), 0, 'the transfer did not fail');
    } finally {
      server.close();
    }
  });

  it('with expect: none ends when the far side closes after reading everything', async () => {
    let got = 0;
    const { server, port } = await serve((s) => { s.on('data', (b: Buffer) => { got += b.length; }); s.on('end', () => s.end()); });
    try {
      const { driver, registry } = driverFor(port, { send: '1MiB', expect: 'none' });
      await driver.iterate(ctx());
      const m = new Recorded(registry);
      assert.equal(got, 1024 * 1024);
      assert.equal(m.passes('tcp_transfer_failed'), 0);
      assert.equal(m.count('data_received'), 0);
    } finally {
      server.close();
    }
  });

  it('counts a short echo and a refused connection as failed transfers, without rejecting', async () => {
    const { server, port } = await serve((s) => { s.on('error', () => {}); s.once('data', () => s.end(Buffer.alloc(10))); });
    try {
      const { driver, registry } = driverFor(port, { send: '64KiB' });
      await driver.iterate(ctx());
      server.close();
      await new Promise((r) => setImmediate(r));
      await driver.iterate(ctx());
      const m = new Recorded(registry);
      assert.equal(m.count('tcp_transfer_failed'), 2);
      assert.equal(m.passes('tcp_transfer_failed'), 2);
      assert.equal(m.count('tunnel_throughput'), 0);
    } finally {
      server.close();
    }
  });

  it('an aborted iteration ends at once and records no failure', async () => {
    const { server, port } = await serve((s) => { s.on('error', () => {}); /* never reads back */ s.pause(); });
    try {
      const { driver, registry } = driverFor(port, { send: '256MiB' });
      const abort = new AbortController();
      const done = driver.iterate(ctx(abort.signal));
      setTimeout(() => abort.abort(), 50);
      await done;
      assert.equal(new Recorded(registry).count('tcp_transfer_failed'), 0);
      await driver.close();
    } finally {
      server.close();
    }
  });
});
