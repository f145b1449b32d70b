import assert from 'node:assert/strict';
import { CaplabError } from '../../../../harness/errors.ts';
import { buildRequestBytes } from '../../../../harness/drivers/http-fast/request-bytes.ts';

describe('the fast engine request bytes', () => {
  it('serialises a GET as request line, Host and the scenario headers, with no body framing', () => {
    const bytes = buildRequestBytes({ method: 'GET', path: '/echo?x=1', host: '127.0.0.1:8080', headers: { Accept: 'text/plain', 'X-Trace': 'a b' }, body: null });
    assert.equal(bytes.toString('latin1'), 'GET /echo?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: text/plain\r\nX-Trace: a b\r\n\r\n');
  });

  it('appends Content-Type and Content-Length, then the body bytes', () => {
    const bytes = buildRequestBytes({ method: 'POST', path: '/', host: 'h', headers: {}, body: Buffer.from('{"a":1}'), contentType: 'application/json' });
    assert.equal(bytes.toString('latin1'), 'POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}');
  });

  it('sends Content-Length: 0 for a POST without a body, so servers do not wait for one', () => {
    const bytes = buildRequestBytes({ method: 'POST', path: '/p', host: 'h', headers: {}, body: null });
    assert.equal(bytes.toString('latin1'), 'POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n');
  });

  it('keeps the scenario Host and Content-Type headers instead of adding its own', () => {
    const bytes = buildRequestBytes({ method: 'PUT', path: '/', host: 'h', headers: { host: 'example.test', 'content-type': 'text/x' }, body: Buffer.from('b'), contentType: 'application/json' });
    assert.equal(bytes.toString('latin1'), 'PUT / HTTP/1.1\r\nhost: example.test\r\ncontent-type: text/x\r\nContent-Length: 1\r\n\r\nb');
  });

  it('copies binary bodies byte for byte', () => {
    const body = Buffer.from([0, 255, 13, 10, 128]);
    const bytes = buildRequestBytes({ method: 'POST', path: '/', host: 'h', headers: {}, body });
    assert.deepEqual(bytes.subarray(bytes.length - 5), body);
  });

  const refused: { name: string; spec: Parameters<typeof buildRequestBytes>[0]; message: RegExp }[] = [
    { name: 'a header value with CRLF, which would inject a header', spec: { method: 'GET', path: '/', host: 'h', headers: { X: 'a\r\nEvil: 1' }, body: null }, message: /header X holds a CR/ },
    { name: 'a header name that is not a token', spec: { method: 'GET', path: '/', host: 'h', headers: { 'Bad Name': 'v' }, body: null }, message: /not an HTTP token/ },
    { name: 'a Content-Length header, which the body decides', spec: { method: 'POST', path: '/', host: 'h', headers: { 'content-length': '3' }, body: null }, message: /set by caplab/ },
    { name: 'a Transfer-Encoding header', spec: { method: 'POST', path: '/', host: 'h', headers: { 'Transfer-Encoding': 'chunked' }, body: null }, message: /set by caplab/ },
    { name: 'a path with a space', spec: { method: 'GET', path: '/a b', host: 'h', headers: {}, body: null }, message: /percent-encode/ },
    { name: 'a path that does not start with /', spec: { method: 'GET', path: 'x', host: 'h', headers: {}, body: null }, message: /must start with \// },
  ];
  for (const r of refused) {
    it(`refuses ${r.name} with a scenario error`, () => {
      assert.throws(() => buildRequestBytes(r.spec), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_SCENARIO_INVALID' && r.message.test(err.message));
    });
  }
});
