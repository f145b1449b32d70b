import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { WorkerHandle } from '../../reference-impl/proxy/proxy-worker.ts';
import { startTestProxyWorker, type TestProxyWorker } from '../support/in-process-proxy-worker.ts';

/** A raw upstream: each request's path picks how the answer is framed. */
const ANSWERS: Record<string, string> = {
  '/cl': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=5\r\n\r\nhello',
  '/chunked': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
  '/close': 'HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nuntil-close',
  '/bad': 'HTTP/1.1 2x0 nope\r\n\r\n',
  '/500': 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n',
};

const BIG = Buffer.alloc(4 * 1024 * 1024, 'x');

function rawUpstream(seen: string[]): Server {
  return createServer((s) => {
    let buf = '';
    let stalled = false;
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) !== -1) {
        const head = buf.slice(0, end);
        // stops reading for 300 ms once it sees this head: the proxy's writes of the body back up
        if (head.startsWith('POST /sum-slowly') && !stalled) { stalled = true; s.pause(); setTimeout(() => s.resume(), 300); }
        // answers on the head alone, before the body it announced, and closes
        // reads the head, stops reading and answers 413 after 200 ms, keeping its side open
        if (head.split(' ')[1] === '/early-later') { seen.push(head); s.pause(); setTimeout(() => s.write('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n'), 200); buf = ''; break; }
        if (head.split(' ')[1] === '/early') { seen.push(head); s.end('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n'); buf = ''; break; }
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) break;
        const body = buf.slice(end + 4, end + 4 + length);
        buf = buf.slice(end + 4 + length);
        seen.push(head);
        const path = head.split(' ')[1]!;
        if (path === '/sum' || path === '/sum-slowly') { const sum = createHash('sha256').update(body, 'latin1').digest('hex'); s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${sum.length}\r\n\r\n${sum}`); continue; }
        const answer = ANSWERS[path] ?? `HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`;
        if (path === '/big') { s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BIG.length}\r\n\r\n`); s.write(BIG); continue; }
        if (path === '/chunked') { s.write(answer.slice(0, 50)); setTimeout(() => s.write(answer.slice(50)), 5); } else s.write(answer);
        if (path === '/close' || path === '/bad') s.end();
      }
    });
    s.on('error', () => {});
  });
}

/** Sends `bytes` on a fresh connection and collects everything until the proxy closes it or `until` matches. */
function exchange(port: number, bytes: string, until?: (text: string) => boolean): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1', () => s.write(bytes, 'latin1'));
    let text = '';
    s.on('data', (d) => { text += d.toString('latin1'); if (until?.(text)) { s.destroy(); resolve({ text, closed: false }); } });
    s.on('close', () => resolve({ text, closed: true }));
    s.on('error', () => {});
  });
}

const count = (text: string, what: string): number => text.split(what).length - 1;

describe('proxy fast path over raw sockets', function () {
  this.timeout(20_000);
  let upstream: Server;
  let worker: WorkerHandle;
  const seen: string[] = [];
  let proxy: TestProxyWorker;

  before(async () => {
    upstream = rawUpstream(seen);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    proxy = await startTestProxyWorker(origin);
    worker = proxy.worker;
  });

  after(async () => {
    await proxy.stop();
    upstream.close();
  });

  it('forwards a GET with Content-Length, dropping hop-by-hop fields and adding X-Forwarded-For', async () => {
    const r = await exchange(worker.port, 'GET /cl HTTP/1.1\r\nHost: x\r\nKeep-Alive: 1\r\n\r\n', (t) => t.endsWith('hello'));
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\nContent-Length: 5\r\nconnection: keep-alive\r\nkeep-alive: timeout=65\r\n\r\nhello$/);
    assert.match(seen.at(-1)!, /x-forwarded-for: 127\.0\.0\.1$/);
    assert.doesNotMatch(seen.at(-1)!, /keep-alive/i);
  });

  it('streams a large answer through with backpressure and serves the next request after it', async () => {
    const r = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const s = connect(worker.port, '127.0.0.1', () => s.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /cl HTTP/1.1\r\nHost: x\r\n\r\n'));
      s.pause();
      setTimeout(() => s.resume(), 200); // the proxy's writes to this client fill up meanwhile
      s.on('data', (d) => { chunks.push(d); if (d.toString('latin1').endsWith('hello')) { s.destroy(); resolve(Buffer.concat(chunks)); } });
    });
    const text = r.toString('latin1');
    assert.equal(count(text, 'x'), BIG.length);
    assert.equal(count(text, 'HTTP/1.1 200 OK'), 2);
  });

  it('answers pipelined requests in order', async () => {
    const r = await exchange(worker.port, 'GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p22 HTTP/1.1\r\nHost: x\r\n\r\nGET /cl HTTP/1.1\r\nHost: x\r\n\r\n', (t) => t.endsWith('hello'));
    assert.ok(r.text.indexOf('/p1') < r.text.indexOf('/p22') && r.text.indexOf('/p22') < r.text.indexOf('hello'), r.text);
    assert.equal(count(r.text, 'HTTP/1.1 200'), 3);
  });

  it('passes a chunked answer through and keeps the connection for the next request', async () => {
    const r = await exchange(worker.port, 'GET /chunked HTTP/1.1\r\nHost: x\r\n\r\nGET /cl HTTP/1.1\r\nHost: x\r\n\r\n', (t) => t.endsWith('hello'));
    assert.ok(r.text.includes('transfer-encoding: chunked\r\nconnection: keep-alive\r\nkeep-alive: timeout=65\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nHTTP/1.1 200 OK'), r.text);
  });

  it('reads a close-delimited answer to its end and then closes the client connection', async () => {
    const r = await exchange(worker.port, 'GET /close HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.ok(r.closed);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\nX-A: 1\r\nconnection: close\r\n\r\nuntil-close$/);
  });

  it('closes the connection of a client that shuts down its side, as Node\'s HTTP server does', async () => {
    const r = await new Promise<string>((resolve) => {
      const s = connect(worker.port, '127.0.0.1', () => s.end('GET /half HTTP/1.1\r\nHost: x\r\n\r\n'));
      let text = '';
      s.on('data', (d) => { text += d.toString('latin1'); });
      s.on('close', () => resolve(text));
    });
    assert.ok(r === '' || /^HTTP\/1\.1 200 OK[^]*\/half$/.test(r), r); // whether the answer made it first is a race
  });

  it('answers 502 to a malformed upstream head', async () => {
    const r = await exchange(worker.port, 'GET /bad HTTP/1.1\r\nHost: x\r\n\r\n', (t) => t.includes('\r\n\r\nbad gateway'));
    assert.match(r.text, /^HTTP\/1\.1 502 Bad Gateway/);
  });

  it('answers a malformed request head with 400 and closes the connection', async () => {
    for (const bad of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', `GET /${'a'.repeat(70_000)} HTTP/1.1\r\n\r\n`]) {
      const r = await exchange(worker.port, bad);
      assert.ok(r.closed);
      assert.match(r.text, /^HTTP\/1\.1 4(00|31) /, JSON.stringify(bad.slice(0, 40)));
    }
  });

  it('hands requests it does not take to the full path: chunked bodies, HTTP/1.0, admin paths', async () => {
    const post = await exchange(worker.port, 'POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /cl HTTP/1.1\r\nHost: x\r\n\r\n', (t) => t.endsWith('hello'));
    assert.equal(count(post.text, 'HTTP/1.1 200 OK'), 2);
    assert.ok(post.text.includes(createHash('sha256').update('abc').digest('hex')), post.text);
    assert.match(post.text, /\r\ndate: /i, 'answered by Node\'s HTTP server (the fast path adds no Date)');
    const old = await exchange(worker.port, 'GET /http10 HTTP/1.0\r\n\r\n');
    assert.ok(old.closed);
    assert.match(old.text, /^HTTP\/1\.1 200 OK[^]*\/http10$/);
    const health = await exchange(worker.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(health.text, /^HTTP\/1\.1 200 OK[^]*ok\n$/);
  });

  it('hands a head that arrives in pieces to the full path with its bytes intact, and the pipelined request after it (reads share one buffer)', async () => {
    const pieces = ['GET /pie', 'ce1 HTTP/1.1\r\nHo', 'st: x\r\n\r\nGET /piece2 HT', 'TP/1.1\r\nHost: x\r\n\r\n'];
    const text = await new Promise<string>((resolve) => {
      let out = '';
      const s = connect(worker.port, '127.0.0.1', async () => {
        for (const p of pieces) { s.write(p); await new Promise((r) => setTimeout(r, 30)); }
      });
      s.on('data', (d) => { out += d.toString('latin1'); if (out.endsWith('/piece2')) { s.destroy(); resolve(out); } });
    });
    assert.ok(text.indexOf('/piece1') !== -1 && text.indexOf('/piece1') < text.indexOf('/piece2'), text);
    assert.equal(count(text, 'HTTP/1.1 200 OK'), 2);
  });

  it('after answering before the body ended, reads and drops the rest, so a client still sending is not left stuck', async () => {
    // half-open: this client goes on sending after the proxy's FIN, as an upload that does not read its answer yet
    const s = connect({ port: worker.port, host: '127.0.0.1', allowHalfOpen: true });
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    let text = '';
    s.on('data', (d) => { text += d.toString('latin1'); });
    const chunk = Buffer.alloc(64 * 1024, 'y');
    /** Writes `n` chunks, each after the previous one drained; false if a drain does not come within 3 s. */
    const pump = async (n: number, stopWhen: () => boolean): Promise<boolean> => {
      for (let i = 0; i < n && !stopWhen(); i++) {
        if (s.write(chunk)) continue;
        const drained = await new Promise<boolean>((r) => { const t = setTimeout(() => r(false), 3_000); s.once('drain', () => { clearTimeout(t); r(true); }); });
        if (!drained) return false;
      }
      return true;
    };
    s.write('POST /early-later HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n');
    await pump(100_000, () => text.includes('\r\n\r\n')); // the upstream stopped reading: this backs up until it answers
    for (let i = 0; i < 100 && !text.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(text, /^HTTP\/1\.1 413 Payload Too Large\r\nContent-Length: 0\r\nconnection: close\r\n\r\n$/);
    assert.ok(await pump(512, () => false), 'the proxy stopped reading: 32 MiB more did not drain');
    s.destroy();
  });

  it('forwards a body with its request and serves the pipelined request after it', async () => {
    const r = await exchange(worker.port, 'POST /sum HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /cl HTTP/1.1\r\nHost: x\r\n\r\n', (t) => t.endsWith('hello') && t.includes('HTTP/1.1 200 OK\r\nContent-Length: 5'));
    assert.ok(r.text.startsWith(`HTTP/1.1 200 OK\r\nContent-Length: 64\r\nconnection: keep-alive\r\nkeep-alive: timeout=65\r\n\r\n${createHash('sha256').update('hello').digest('hex')}`), r.text);
    assert.doesNotMatch(r.text, /\r\ndate: /i, 'on the fast path');
    assert.match(seen.filter((h) => h.startsWith('POST /sum')).at(-1)!, /\r\nContent-Length: 5\r\n/);
  });

  it('closes both connections when the upstream answers before the body it is still being sent', async () => {
    const r = await new Promise<{ text: string; closed: boolean }>((resolve) => {
      let text = '';
      const s = connect(worker.port, '127.0.0.1', () => s.write('POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nfirst bytes'));
      s.on('data', (d) => { text += d.toString('latin1'); if (text.includes('\r\n\r\n')) s.write('x'.repeat(1000)); });
      s.on('close', () => resolve({ text, closed: true }));
      s.on('error', () => {});
    });
    assert.ok(r.closed);
    assert.match(r.text, /^HTTP\/1\.1 413 Payload Too Large\r\nContent-Length: 0\r\nconnection: close\r\n\r\n$/);
  });

  for (const path of ['/sum', '/sum-slowly']) it(`forwards a large upload written in pieces without losing or reordering a byte${path === '/sum' ? '' : ', to an upstream that stops reading for a while'}`, async () => {
    const body = Buffer.alloc(path === '/sum' ? 1024 * 1024 : 8 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 10)) & 0xff;
    const want = createHash('sha256').update(body).digest('hex');
    const text = await new Promise<string>((resolve) => {
      let out = '';
      const s = connect(worker.port, '127.0.0.1', async () => {
        s.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
        for (let at = 0; at < body.length; at += 100_000) { s.write(body.subarray(at, at + 100_000)); await new Promise((r) => setImmediate(r)); }
      });
      s.on('data', (d) => { out += d.toString('latin1'); if (out.endsWith(want) || out.length > 4096) { s.destroy(); resolve(out); } });
      s.on('close', () => resolve(out));
    });
    assert.ok(text.endsWith(want), text.slice(0, 300));
    assert.doesNotMatch(text, /\r\ndate: /i, 'on the fast path (Node\'s HTTP server would add a Date)');
  });

  it('counts answers by outcome', async () => {
    proxy.sent.length = 0;
    await exchange(worker.port, 'GET /500 HTTP/1.1\r\nHost: x\r\n\r\n', (t) => t.includes('\r\n\r\n'));
    worker.onMessage({ t: 'snapshot', id: 1 });
    const snap = proxy.sent.find((m) => m.t === 'snapshot');
    assert.ok(snap && snap.t === 'snapshot');
    assert.ok(snap.snap.requests.ok >= 10 && snap.snap.requests.upstream_5xx === 1 && snap.snap.requests.upstream_error === 1, JSON.stringify(snap.snap.requests));
  });
});
