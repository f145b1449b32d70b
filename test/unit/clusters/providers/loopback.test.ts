import assert from 'node:assert/strict';
import { checkTargetUrl, isLoopbackHost } from '../../../../clusters/providers/loopback.ts';
import { CaplabError } from '../../../../harness/errors.ts';

describe('loopback targets', () => {
  const cases: Array<[string, boolean]> = [
    ['http://127.0.0.1:8080', true],
    ['http://127.255.3.4/', true],
    ['http://localhost:3000/x', true],
    ['http://LOCALHOST/', true],
    ['http://[::1]:9000/', true],
    ['http://[::ffff:127.0.0.1]/', true],
    ['ws://127.0.0.1:1/ws', true],
    ['http://128.0.0.1/', false],
    ['http://10.0.0.1/', false],
    ['http://[::2]/', false],
    ['http://localhost.example.com/', false],
    ['http://127.0.0.1.nip.io/', false],
    ['https://example.com/', false],
  ];
  for (const [url, loopback] of cases) {
    it(`${url} is ${loopback ? '' : 'not '}loopback`, () => {
      assert.equal(isLoopbackHost(new URL(url).hostname), loopback);
    });
  }

  it('refuses a remote URL with CAPLAB_ERR_REMOTE_TARGET unless remote targets are allowed', () => {
    assert.throws(() => checkTargetUrl('component api', 'http://10.1.2.3:8080/', false), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_REMOTE_TARGET' && /component api points at 10\.1\.2\.3:8080/.test(err.message));
    assert.doesNotThrow(() => checkTargetUrl('component api', 'http://10.1.2.3:8080/', true));
  });

  it('refuses a malformed URL with CAPLAB_ERR_USAGE', () => {
    assert.throws(() => checkTargetUrl('component api', 'not a url', true), { code: 'CAPLAB_ERR_USAGE' });
  });
});
