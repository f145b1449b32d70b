import assert from 'node:assert/strict';
import { HttpParseError, ResponseParser } from '../../../../harness/drivers/http-fast/response-parser.ts';

interface Parsed { status: number; keepAlive: boolean; body: string | null }

/** Feeds `pieces` in order, then signals close when `eof`; returns every response delivered. */
function parse(pieces: Buffer[], opts: { keepBody?: boolean; noBody?: boolean; eof?: boolean; maxHeadBytes?: number } = {}): Parsed[] {
  const out: Parsed[] = [];
  const parser = new ResponseParser(
    { onResponse: (status, keepAlive, body) => out.push({ status, keepAlive, body: body === null ? null : body.toString('latin1') }) },
    { keepBody: opts.keepBody ?? true, ...(opts.maxHeadBytes !== undefined ? { maxHeadBytes: opts.maxHeadBytes } : {}) },
  );
  parser.noBody = opts.noBody ?? false;
  for (const p of pieces) parser.execute(p);
  if (opts.eof) parser.finish();
  return out;
}

/** Every way of cutting `raw` in two, plus one byte at a time, plus a read buffer with stale bytes after the data. */
function splits(raw: Buffer): Buffer[][] {
  const ways: Buffer[][] = [[raw]];
  for (let i = 1; i < raw.length; i++) ways.push([raw.subarray(0, i), raw.subarray(i)]);
  ways.push([...raw].map((b) => Buffer.from([b])));
  return ways;
}

function feedWithStaleTail(pieces: Buffer[], opts: { eof?: boolean } = {}): Parsed[] {
  // node:net's onread hands over one shared buffer whose bytes after nread belong to older reads.
  const stale = Buffer.from('\r\n\r\nHTTP/1.1 500 Stale\r\nContent-Length: 0\r\n\r\n'.repeat(20));
  const out: Parsed[] = [];
  const parser = new ResponseParser({ onResponse: (status, keepAlive, body) => out.push({ status, keepAlive, body: body?.toString('latin1') ?? null }) }, { keepBody: true });
  for (const piece of pieces) {
    const shared = Buffer.from(stale);
    piece.copy(shared);
    parser.execute(shared, 0, piece.length);
  }
  if (opts.eof) parser.finish();
  return out;
}

const cases: { name: string; raw: string; expected: Parsed[]; noBody?: boolean; eof?: boolean }[] = [
  {
    name: 'a body framed by content-length',
    raw: 'HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 5\r\n\r\nhello',
    expected: [{ status: 200, keepAlive: true, body: 'hello' }],
  },
  {
    name: 'a chunked body with chunk extensions and trailers',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\na ; x\r\n, chunked!\r\n0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n',
    expected: [{ status: 200, keepAlive: true, body: 'hello, chunked!' }],
  },
  {
    name: 'a chunked body with upper-case hex sizes and no trailers',
    raw: 'HTTP/1.1 201 Created\r\ntransfer-encoding: gzip, Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n',
    expected: [{ status: 201, keepAlive: true, body: '0123456789' }],
  },
  {
    name: 'a zero-length body',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    expected: [{ status: 200, keepAlive: true, body: '' }],
  },
  {
    name: 'a 204 with no framing headers, followed by another response',
    raw: 'HTTP/1.1 204 No Content\r\nDate: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    expected: [{ status: 204, keepAlive: true, body: '' }, { status: 200, keepAlive: true, body: 'ok' }],
  },
  {
    name: 'a 304 whose content-length describes a body it does not carry',
    raw: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx',
    expected: [{ status: 304, keepAlive: true, body: '' }, { status: 200, keepAlive: true, body: 'x' }],
  },
  {
    name: 'responses to HEAD, which carry no body whatever their headers say',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    noBody: true,
    expected: [{ status: 200, keepAlive: true, body: '' }, { status: 200, keepAlive: true, body: '' }],
  },
  {
    name: 'a body that runs until the server closes',
    raw: 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end',
    eof: true,
    expected: [{ status: 200, keepAlive: false, body: 'until the end' }],
  },
  {
    name: 'a length-framed response with connection: close',
    raw: 'HTTP/1.1 503 Service Unavailable\r\nConnection: Close\r\nContent-Length: 3\r\n\r\nbye',
    expected: [{ status: 503, keepAlive: false, body: 'bye' }],
  },
  {
    name: 'two pipelined responses in one buffer',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\noneHTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\ntwo',
    expected: [{ status: 200, keepAlive: true, body: 'one' }, { status: 404, keepAlive: true, body: 'two' }],
  },
  {
    name: 'an interim 100 Continue before the final response',
    raw: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    expected: [{ status: 200, keepAlive: true, body: 'ok' }],
  },
  {
    name: 'an HTTP/1.0 response, which closes unless it asks for keep-alive',
    raw: 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nb',
    expected: [{ status: 200, keepAlive: false, body: 'a' }, { status: 200, keepAlive: true, body: 'b' }],
  },
  {
    name: 'a status line without a reason phrase',
    raw: 'HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok',
    expected: [{ status: 200, keepAlive: true, body: 'ok' }],
  },
  {
    name: 'both content-length and chunked, where chunked wins and the connection is not reused',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    expected: [{ status: 200, keepAlive: false, body: 'ok' }],
  },
];

describe('the fast engine response parser', () => {
  for (const c of cases) {
    it(`parses ${c.name}, however the bytes are split`, () => {
      const raw = Buffer.from(c.raw, 'latin1');
      for (const pieces of splits(raw)) {
        const got = parse(pieces, { noBody: c.noBody ?? false, eof: c.eof ?? false });
        assert.deepEqual(got, c.expected, `split into ${pieces.map((p) => p.length).join('+')} bytes`);
      }
    });
  }

  it('never reads past the end it is given in a shared read buffer', () => {
    for (const c of cases.filter((x) => !x.noBody)) {
      for (const pieces of splits(Buffer.from(c.raw, 'latin1'))) {
        assert.deepEqual(feedWithStaleTail(pieces, { eof: c.eof ?? false }), c.expected, `${c.name}, split into ${pieces.map((p) => p.length).join('+')} bytes`);
      }
    }
  });

  it('hands over no body when it is not asked to keep one, but still frames it', () => {
    const raw = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 201 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n');
    assert.deepEqual(parse([raw], { keepBody: false }), [
      { status: 200, keepAlive: true, body: null },
      { status: 201, keepAlive: true, body: null },
    ]);
  });

  it('reports a response cut short by the peer closing', () => {
    const parser = new ResponseParser({ onResponse: () => assert.fail('no response expected') }, { keepBody: false });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    assert.equal(parser.midResponse, true);
    assert.throws(() => parser.finish(), HttpParseError);
  });

  it('treats a close between responses as clean', () => {
    const parser = new ResponseParser({ onResponse: () => undefined }, { keepBody: false });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    assert.equal(parser.midResponse, false);
    assert.doesNotThrow(() => parser.finish());
  });

  const malformed: { name: string; raw: string }[] = [
    { name: 'text that is not HTTP', raw: 'hello there\r\n\r\n' },
    { name: 'a single byte that cannot start a status line', raw: 'X' },
    { name: 'HTTP/2 framing', raw: 'HTTP/2 200\r\n\r\n' },
    { name: 'a status code with letters', raw: 'HTTP/1.1 2x0 OK\r\n\r\n' },
    { name: 'a status code out of range', raw: 'HTTP/1.1 600 Nope\r\n\r\n' },
    { name: 'a header line without a colon', raw: 'HTTP/1.1 200 OK\r\nContent-Length 2\r\n\r\nok' },
    { name: 'a space before the colon of a header name', raw: 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok' },
    { name: 'a folded header line', raw: 'HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n' },
    { name: 'a content-length that is not a number', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n' },
    { name: 'two different content-lengths', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok' },
    { name: 'a chunk size that is not hex', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' },
    { name: 'a chunk size line with no digits', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\n' },
    { name: 'a chunk not followed by CRLF', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n' },
    { name: 'a chunk size too large to represent', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n' },
    { name: 'a status line ended by a bare CR', raw: 'HTTP/1.1 200 OK\rX: y\r\n\r\n' },
    { name: 'a 101 switching protocols', raw: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n' },
  ];
  for (const m of malformed) {
    it(`rejects ${m.name}, however the bytes are split`, () => {
      for (const pieces of splits(Buffer.from(m.raw, 'latin1'))) {
        assert.throws(() => parse(pieces), HttpParseError, `split into ${pieces.map((p) => p.length).join('+')} bytes`);
      }
    });
  }

  it('rejects a head that never ends once it passes the size limit, instead of waiting', () => {
    const parser = new ResponseParser({ onResponse: () => assert.fail('no response expected') }, { keepBody: false, maxHeadBytes: 1024 });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n'));
    const filler = Buffer.from('X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n');
    assert.throws(() => {
      for (let i = 0; i < 100; i++) parser.execute(filler);
    }, /larger than 1024 bytes/);
  });

  it('rejects an endless chunked trailer once it passes the size limit', () => {
    const parser = new ResponseParser({ onResponse: () => assert.fail('no response expected') }, { keepBody: false, maxHeadBytes: 1024 });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: '));
    assert.throws(() => {
      for (let i = 0; i < 100; i++) parser.execute(Buffer.alloc(64, 'a'));
    }, HttpParseError);
  });

  it('stays failed after an error until it is reset', () => {
    const got: number[] = [];
    const parser = new ResponseParser({ onResponse: (s) => got.push(s) }, { keepBody: false });
    assert.throws(() => parser.execute(Buffer.from('nope')), HttpParseError);
    assert.throws(() => parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')), HttpParseError);
    parser.reset();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    assert.deepEqual(got, [200]);
  });

  it('reuses its body buffer across responses of growing size', () => {
    const bodies: string[] = [];
    const parser = new ResponseParser({ onResponse: (_s, _k, b) => bodies.push(b!.toString()) }, { keepBody: true });
    for (const n of [1, 600, 3000, 2]) {
      parser.execute(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${n}\r\n\r\n${'z'.repeat(n)}`));
    }
    assert.deepEqual(bodies.map((b) => b.length), [1, 600, 3000, 2]);
  });
});
