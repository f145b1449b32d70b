import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { WorkerHandle } from '../../reference-impl/proxy/proxy-worker.ts';
import { startTestProxyWorker, type TestProxyWorker } from '../support/in-process-proxy-worker.ts';

const HEADERS_TIMEOUT_MS = 300;
const KEEP_ALIVE_TIMEOUT_MS = 200;

/** A raw upstream: `/silent` never answers, `/stall` sends a head and 3 of 10 body bytes, anything else answers at once. */
function upstreamServer(closes: Array<() => void>, sockets: Socket[]): Server {
  return createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => {
      const path = d.toString('latin1').split(' ')[1];
      if (path === '/stall') s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      else if (path !== '/silent') s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    s.on('close', () => closes.shift()?.());
    s.on('error', () => {});
  });
}

/** Sends one request on a fresh connection; resolves when the proxy closes it or `until` matches, with the time it took. */
function ask(port: number, path: string, until: (text: string) => boolean): Promise<{ text: string; closed: boolean; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`));
    let text = '';
    s.on('data', (d) => { text += d.toString('latin1'); if (until(text)) { s.destroy(); resolve({ text, closed: false, ms: performance.now() - t0 }); } });
    s.on('close', () => resolve({ text, closed: true, ms: performance.now() - t0 }));
    s.on('error', () => {});
  });
}

describe('proxy fast path timeouts (checked by one sweep, not a timer per socket)', function () {
  this.timeout(20_000);
  let upstream: Server;
  let worker: WorkerHandle;
  let proxy: TestProxyWorker;
  /** resolvers for the next upstream connections the proxy closes, in order */
  const closes: Array<() => void> = [];
  /** the upstream's side of every connection the proxy opened */
  const upstreamSockets: Socket[] = [];

  before(async () => {
    upstream = upstreamServer(closes, upstreamSockets);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    proxy = await startTestProxyWorker(origin, { pool: { headersTimeout: HEADERS_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS } });
    worker = proxy.worker;
  });

  after(async () => {
    await proxy.stop();
    upstream.close();
  });

  it('answers 502 when the upstream sends no head within headersTimeout, never before it, and closes that upstream connection', async () => {
    const upstreamClosed = new Promise<void>((r) => closes.push(r));
    const r = await ask(worker.port, '/silent', (t) => t.includes('\r\n\r\nbad gateway'));
    assert.match(r.text, /^HTTP\/1\.1 502 Bad Gateway[^]*bad gateway: UND_ERR_HEADERS_TIMEOUT\n$/);
    assert.ok(r.ms >= HEADERS_TIMEOUT_MS, `answered after ${r.ms} ms`);
    await upstreamClosed;
  });

  it('cuts the client connection when the body stalls past the timeout, after passing on what came', async () => {
    const upstreamClosed = new Promise<void>((r) => closes.push(r)); // awaited, so the next test's count starts clean
    const r = await ask(worker.port, '/stall', () => false);
    await upstreamClosed;
    assert.ok(r.closed);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\nContent-Length: 10\r\n[^]*\r\n\r\nabc$/);
    assert.ok(r.ms >= HEADERS_TIMEOUT_MS, `cut after ${r.ms} ms`);
  });

  it('closes a pooled upstream connection idle past keepAliveTimeout, and not before', async () => {
    const upstreamClosed = new Promise<number>((r) => closes.push(() => r(performance.now())));
    const r = await ask(worker.port, '/ok', (t) => t.endsWith('ok'));
    const answered = performance.now();
    assert.match(r.text, /^HTTP\/1\.1 200 OK/);
    const closedAt = await upstreamClosed;
    assert.ok(closedAt - answered >= KEEP_ALIVE_TIMEOUT_MS - 1, `closed ${closedAt - answered} ms after the answer`);
  });

  it('ends a client that stops sending its body as a client abort, not an upstream failure', async () => {
    const counts = async (): Promise<Record<string, number>> => {
      const id = Math.floor(Math.random() * 1e9);
      worker.onMessage({ t: 'snapshot', id });
      for (let i = 0; i < 100; i++) {
        const m = proxy.sent.find((x) => x.t === 'snapshot' && x.id === id);
        if (m && m.t === 'snapshot') return { ...m.snap.requests };
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('no snapshot');
    };
    const before = await counts();
    const r = await new Promise<{ text: string; ms: number }>((resolve) => {
      const t0 = performance.now();
      let text = '';
      const s = connect(worker.port, '127.0.0.1', () => s.write('POST /silent HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789'));
      s.on('data', (d) => { text += d.toString('latin1'); });
      s.on('close', () => resolve({ text, ms: performance.now() - t0 }));
      s.on('error', () => {});
    });
    // the proxy's side of the connection closes in the same process, maybe after this client saw it
    let after = await counts();
    for (let i = 0; i < 100 && after.client_abort === before.client_abort; i++) { await new Promise((res) => setTimeout(res, 10)); after = await counts(); }
    assert.equal(r.text, '', 'no 502: the upstream did nothing wrong');
    assert.ok(r.ms >= HEADERS_TIMEOUT_MS, `ended after ${r.ms} ms`);
    assert.deepEqual([after.client_abort! - before.client_abort!, after.upstream_error! - before.upstream_error!], [1, 0]);
  });

  it('does not leave a request waiting for its timeout when the upstream closes the idle connection as the request arrives', async () => {
    const client = connect(worker.port, '127.0.0.1');
    client.on('error', () => {});
    let text = '';
    client.on('data', (d) => { text += d.toString('latin1'); });
    await new Promise((r) => client.once('connect', r));
    client.write('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; !text.endsWith('ok'); i++) { assert.ok(i < 1_000, 'no first answer within 5 s'); await new Promise((r) => setTimeout(r, 5)); }
    text = '';
    // the pooled connection's upstream end closes in the same tick as the next request is sent
    upstreamSockets.at(-1)!.destroy();
    client.write('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; !/\r\n\r\n(ok|bad gateway: .*\n)$/.test(text); i++) { assert.ok(i < 1_000, `no second answer within 5 s: ${JSON.stringify(text)}`); await new Promise((r) => setTimeout(r, 5)); }
    client.destroy();
    assert.doesNotMatch(text, /UND_ERR_HEADERS_TIMEOUT/, 'a closed pooled connection was handed out and the request waited for headersTimeout');
  });
});
