import assert from 'node:assert/strict';
import { pickEngine, resolveTarget } from '../../../harness/drivers/http.ts';
import { CaplabError } from '../../../harness/errors.ts';
import type { RequestBody } from '../../../harness/drivers/http-body.ts';

const none: RequestBody = { kind: 'none' };
const fixed: RequestBody = { kind: 'static', bytes: Buffer.from('x'), contentType: undefined };
const random: RequestBody = { kind: 'random', size: 10, text: false };
const http = new URL('http://127.0.0.1:8080');
const https = new URL('https://127.0.0.1:8443');

describe('the http driver target and engine', () => {
  it('resolves a component name through the endpoints and appends the path', () => {
    const t = resolveTarget('echo', '/v1?x=1', { echo: 'http://127.0.0.1:9000' });
    assert.equal(t.origin.origin, 'http://127.0.0.1:9000');
    assert.equal(t.path, '/v1?x=1');
  });

  it('keeps the path prefix of an endpoint or URL target', () => {
    assert.equal(resolveTarget('api', '/items', { api: 'http://127.0.0.1:9000/base/' }).path, '/base/items');
    assert.equal(resolveTarget('http://127.0.0.1:9000/base', '/', {}).path, '/base/');
  });

  it('takes a component name over a URL-looking string only when it is a key of the endpoints', () => {
    assert.equal(resolveTarget('http://127.0.0.1:1', '/', {}).origin.port, '1');
  });

  it('refuses a target that is neither an endpoint nor an http(s) URL', () => {
    for (const target of ['echo', 'ftp://127.0.0.1/', '127.0.0.1:80']) {
      assert.throws(() => resolveTarget(target, '/', {}), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_SCENARIO_INVALID');
    }
  });

  const engines: { name: string; requested: 'auto' | 'fast' | 'undici'; origin: URL; body: RequestBody; engine: 'fast' | 'undici' }[] = [
    { name: 'auto picks fast for plain http without a body', requested: 'auto', origin: http, body: none, engine: 'fast' },
    { name: 'auto picks fast for plain http with a static body', requested: 'auto', origin: http, body: fixed, engine: 'fast' },
    { name: 'auto picks undici for https', requested: 'auto', origin: https, body: none, engine: 'undici' },
    { name: 'auto picks undici for a random body', requested: 'auto', origin: http, body: random, engine: 'undici' },
    { name: 'undici is taken when asked, even where fast would do', requested: 'undici', origin: http, body: none, engine: 'undici' },
    { name: 'fast is taken when asked for a static plain-http request', requested: 'fast', origin: http, body: fixed, engine: 'fast' },
  ];
  for (const e of engines) {
    it(e.name, () => assert.equal(pickEngine(e.requested, e.origin, e.body), e.engine));
  }

  it('refuses fast for https and for random bodies, pointing at undici', () => {
    for (const [origin, body] of [[https, none], [http, random]] as const) {
      assert.throws(() => pickEngine('fast', origin, body), (err: unknown) => err instanceof CaplabError && /engine: undici/.test(err.message));
    }
  });
});
