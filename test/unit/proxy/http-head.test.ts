import assert from 'node:assert/strict';
import { ChunkedScanner } from '../../../reference-impl/proxy/chunked-scanner.ts';
import { parseRequestHead, parseResponseHead } from '../../../reference-impl/proxy/http-head.ts';

describe('fast path request head', () => {
  it('forwards a plain GET without hop-by-hop fields and with X-Forwarded-For appended', () => {
    const h = parseRequestHead('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nX-Forwarded-For: 10.0.0.1\r\nX-A: 1', '127.0.0.1');
    assert.ok(h);
    assert.equal(h.method, 'GET');
    assert.equal(h.path, '/a?b=1');
    assert.equal(h.upstreamHead, 'GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-forwarded-for: 10.0.0.1, 127.0.0.1\r\n\r\n');
  });

  it('keeps every other line as sent, whichever lines around it are dropped, and joins repeated X-Forwarded-For', () => {
    const h = parseRequestHead('GET / HTTP/1.1\r\nTE: x\r\nhOsT: a\r\nX-Forwarded-For: 1.1.1.1\r\nDate: d\r\nx-forwarded-for: 2.2.2.2\r\nContent-Length: 0\r\nKeep-Alive: 5', '::1');
    assert.equal(h?.upstreamHead, 'GET / HTTP/1.1\r\nhOsT: a\r\nDate: d\r\nx-forwarded-for: 1.1.1.1, 2.2.2.2, ::1\r\n\r\n');
  });

  it('leaves to the full path what it does not fully understand', () => {
    const no = [
      'GET / HTTP/1.0\r\nHost: x', 'GET / HTTP/1.1', 'GET http://x/ HTTP/1.1\r\nHost: x', 'get / HTTP/1.1\r\nHost: x',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3x', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked',
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade', 'GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue',
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: close', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded', 'GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1',
      'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b', 'GET / HTTP/1.1\r\nHost: x\r\nHost: y', 'GET /a b HTTP/1.1\r\nHost: x', 'GARBAGE', '',
      'GET / HTTP/1.1\r\nHost: x\nX-A: 1', 'GET / HTTP/1.1\r\nHost: x\r\n: empty',
    ];
    // control characters other than HTAB anywhere in a value, its edges included (RFC 9110 5.5; an earlier parser trimmed VT/FF/CR off the edges first)
    no.push('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \u00a05', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\u00a0'); // only SP/HTAB around a framing value
    no.push('GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: \v1', 'GET / HTTP/1.1\r\nHost: x\fy');
    for (const head of no) assert.equal(parseRequestHead(head, '127.0.0.1'), null, JSON.stringify(head));
    assert.equal(parseRequestHead('DELETE /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0', '::1')?.bodyLength, 0);
  });

  it('takes a body framed by Content-Length: its length, the header kept once', () => {
    const h = parseRequestHead('POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\ncontent-length: 12', '127.0.0.1');
    assert.deepEqual([h?.method, h?.bodyLength, h?.upstreamHead], ['POST', 12, 'POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nx-forwarded-for: 127.0.0.1\r\n\r\n']);
    assert.equal(parseRequestHead('GET / HTTP/1.1\r\nHost: x', '::1')?.bodyLength, 0);
  });
});

describe('fast path response head', () => {
  it('learns Content-Length framing and drops hop-by-hop fields', () => {
    const h = parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 64\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive\r\nSet-Cookie: a=1', 'GET');
    assert.deepEqual(h, { status: 200, clientHead: 'HTTP/1.1 200 OK\r\nContent-Length: 64\r\nSet-Cookie: a=1\r\n', framing: { kind: 'length', length: 64 }, reusable: true });
    const dup = parseResponseHead('HTTP/1.1 201\r\nContent-Length: 2\r\nX: y\r\ncontent-length:  2 \r\nTE: z', 'GET');
    assert.deepEqual([dup?.status, dup?.clientHead, dup?.framing], [201, 'HTTP/1.1 201\r\nContent-Length: 2\r\nX: y\r\n', { kind: 'length', length: 2 }], 'an identical duplicate Content-Length is sent once');
  });

  it('passes chunked through, reads close-delimited bodies to the end and never reuses what it cannot frame', () => {
    assert.deepEqual(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', 'GET')?.framing, { kind: 'chunked' });
    assert.equal(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', 'GET')?.clientHead, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n');
    const both = parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked', 'GET')!;
    assert.deepEqual([both.framing, both.reusable, both.clientHead.includes('Content-Length')], [{ kind: 'chunked' }, false, false]);
    const close = parseResponseHead('HTTP/1.1 200 OK\r\nX: 1', 'GET')!;
    assert.deepEqual([close.framing, close.reusable], [{ kind: 'close' }, false]);
    assert.equal(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close', 'GET')?.reusable, false);
    assert.equal(parseResponseHead('HTTP/1.0 200 OK\r\nContent-Length: 3', 'GET')?.reusable, false);
    assert.equal(parseResponseHead('HTTP/1.0 200 OK\r\nContent-Length: 3', 'GET')?.clientHead, 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n', 'the client hop is HTTP/1.1');
    assert.deepEqual(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 3', 'HEAD')?.framing, { kind: 'length', length: 0 });
    assert.deepEqual(parseResponseHead('HTTP/1.1 304 Not Modified', 'GET')?.framing, { kind: 'length', length: 0 });
  });

  it('rejects malformed heads', () => {
    for (const head of ['HTTP/1.1 20 OK', 'HTTP/1.1 099 X', 'HTTP/1.1 200OK', 'HTTP/1.1 200 O\nK', 'HTTP/1.2 200 OK', 'HTTP/1.1 200 OK\r\nContent-Length: 1e3', 'HTTP/2 200 OK', 'garbage', 'HTTP/1.1 200 OK\r\nContent-Length: x', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2', 'HTTP/1.1 200 OK\r\nNo colon', 'HTTP/1.1 200 OK\r\nContent-Length: \u00a05', 'HTTP/1.1 200 OK\r\nX: a\r', 'HTTP/1.1 200 OK\r\nX: \fa', 'HTTP/1.1 200 OK\r\nX: a\n']) {
      assert.equal(parseResponseHead(head, 'GET'), null, JSON.stringify(head));
    }
  });
});

describe('ChunkedScanner', () => {
  const body = '5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n';

  it('finds the end of a chunked body fed in one piece or byte by byte', () => {
    assert.equal(new ChunkedScanner().feed(Buffer.from(body + 'NEXT')), body.length);
    const s = new ChunkedScanner();
    for (let i = 0; i < body.length; i++) assert.equal(s.feed(Buffer.from(body[i]!)), i === body.length - 1 ? 1 : -1);
  });

  it('throws on a malformed body', () => {
    for (const bad of ['x\r\n', '5\r\nhelloXX', '\r\n', '1\nA']) assert.throws(() => new ChunkedScanner().feed(Buffer.from(bad)), JSON.stringify(bad));
  });
});
