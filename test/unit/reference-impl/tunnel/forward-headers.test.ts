import assert from 'node:assert/strict';
import { endToEndHeaders, requestHeadersForAgent } from '../../../../reference-impl/tunnel/forward-headers.ts';

describe('tunnel ingress header rewriting', () => {
  it('drops hop-by-hop headers and those named in Connection, keeping case and repeats of the rest', () => {
    const raw = ['Host', 'h', 'Connection', 'keep-alive, X-Hop', 'Keep-Alive', 'timeout=5', 'X-Hop', '1', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'Transfer-Encoding', 'chunked', 'TE', 'trailers', 'Upgrade', 'h2c', 'Proxy-Authorization', 'Basic x'];
    assert.deepEqual(endToEndHeaders(raw), ['Host', 'h', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2']);
  });

  it('adds X-Forwarded-* (appending to a client-sent X-Forwarded-For), drops Expect, keeps a chunked body chunked', () => {
    const raw = ['Host', 'user-a-b.d', 'X-Forwarded-For', '10.0.0.1', 'Expect', '100-continue', 'Transfer-Encoding', 'chunked', 'X-Forwarded-Proto', 'https'];
    assert.deepEqual(requestHeadersForAgent(raw, { remoteAddress: '127.0.0.1', host: 'user-a-b.d', prefix: '/agents/b' }), [
      'Host', 'user-a-b.d',
      'X-Forwarded-For', '10.0.0.1, 127.0.0.1',
      'X-Forwarded-Host', 'user-a-b.d',
      'X-Forwarded-Proto', 'http',
      'X-Forwarded-Prefix', '/agents/b',
      'Transfer-Encoding', 'chunked',
    ]);
  });
});
