import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProxyConfig, ProxyConfigError } from '../../../reference-impl/proxy/proxy-config.ts';

function problems(fn: () => unknown): string[] {
  try { fn(); } catch (err) { if (err instanceof ProxyConfigError) return err.problems; throw err; }
  assert.fail('the config should have been rejected');
}

describe('proxy config', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'proxy-config-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fills defaults and turns durations and sizes into ms and bytes', () => {
    const c = loadProxyConfig({ upstreams: 'http://127.0.0.1:1, http://127.0.0.1:2/', json: '{"healthCheck":{"interval":"2s","timeout":"250ms"},"buffers":{"highWaterMark":"16KiB"}}' });
    assert.deepEqual(c.upstreams, ['http://127.0.0.1:1', 'http://127.0.0.1:2']);
    assert.equal(c.healthCheck.interval, 2_000);
    assert.equal(c.healthCheck.timeout, 250);
    assert.equal(c.buffers.highWaterMark, 16_384);
    assert.equal(c.outlierDetection.consecutiveFailures, 5);
    assert.equal(c.circuitBreaker.recoveryTimeout, 30_000);
  });

  it('reads YAML, lets inline JSON and then the reload overlay override it, and ignores --upstreams when the file lists some', () => {
    const file = join(dir, 'p.yaml');
    writeFileSync(file, 'upstreams: [http://127.0.0.1:5]\nworkers: 3\nhealthCheck: { rise: 4 }\n');
    const c = loadProxyConfig({ file, json: '{"workers":1}', overlay: '{"healthCheck":{"fall":5}}', upstreams: 'http://127.0.0.1:9' });
    assert.deepEqual(c.upstreams, ['http://127.0.0.1:5']);
    assert.equal(c.workers, 1);
    assert.equal(c.healthCheck.rise, 4, 'a nested object is merged, not replaced');
    assert.equal(c.healthCheck.fall, 5);
  });

  it('reports every problem at once, each with its path', () => {
    const got = problems(() => loadProxyConfig({ json: '{"upstreams":["ftp://x:1","nope"],"healthCheck":{"rise":0,"interval":"1x"},"bogus":1}' }));
    assert.deepEqual(got.sort(), [
      '(config): Unrecognized key: "bogus"',
      'healthCheck.interval: expected a duration like 250ms or 2s, got "1x"',
      'healthCheck.rise: Too small: expected number to be >=1',
      'upstreams.0: only http:// upstreams are supported, got ftp://',
      'upstreams.1: not a URL: "nope" (expected http://host:port)',
    ]);
  });

  it('asks for upstreams when none are given, and rejects a timeout not shorter than the interval', () => {
    assert.match(problems(() => loadProxyConfig({}))[0]!, /^upstreams: no upstreams: list them under `upstreams:` or pass --upstreams/);
    assert.deepEqual(problems(() => loadProxyConfig({ upstreams: 'http://a:1', json: '{"healthCheck":{"interval":100,"timeout":100}}' })),
      ['healthCheck.timeout: timeout (100ms) must be shorter than interval (100ms)']);
  });

  it('spreads a reload drain over 1 s by default and rejects a spread not shorter than the drain deadline', () => {
    assert.equal(loadProxyConfig({ upstreams: 'http://127.0.0.1:1' }).drainSpread, 1_000);
    assert.deepEqual(problems(() => loadProxyConfig({ upstreams: 'http://127.0.0.1:1', json: '{"drainSpread":"5s","drainTimeout":"5s"}' })),
      ['drainSpread: drainSpread (5000ms) must be shorter than drainTimeout (5000ms), or connections are cut at the deadline']);
  });

  it('says which source could not be read or parsed', () => {
    assert.match(problems(() => loadProxyConfig({ file: join(dir, 'missing.yaml') }))[0]!, /^--config .*missing\.yaml: cannot read it/);
    assert.match(problems(() => loadProxyConfig({ upstreams: 'http://a:1', overlay: '{nope' }))[0]!, /^--reload-json: not valid JSON/);
    assert.match(problems(() => loadProxyConfig({ json: '[1]' }))[0]!, /^--config-json: expected an object of settings, got a list/);
  });
});
