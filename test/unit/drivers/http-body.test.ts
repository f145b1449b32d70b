import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyBytes, randomBody, resolveBody } from '../../../harness/drivers/http-body.ts';
import { CaplabError } from '../../../harness/errors.ts';

describe('http request bodies', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'caplab-http-body-'));
    writeFileSync(join(dir, 'payload.bin'), Buffer.from([1, 2, 3, 0, 255]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has no body when none is configured', () => {
    assert.deepEqual(resolveBody(undefined, dir), { kind: 'none' });
    assert.equal(bodyBytes({ kind: 'none' }), null);
  });

  it('sends an inline string as UTF-8 with no content type of its own', () => {
    assert.deepEqual(resolveBody('héllo', dir), { kind: 'static', bytes: Buffer.from('héllo', 'utf8'), contentType: undefined });
  });

  it('reads a file relative to the scenario directory, byte for byte', () => {
    const body = resolveBody({ file: 'payload.bin' }, dir);
    assert.equal(body.kind, 'static');
    assert.deepEqual(bodyBytes(body), Buffer.from([1, 2, 3, 0, 255]));
  });

  it('reports a missing body file as a scenario error naming the file', () => {
    assert.throws(() => resolveBody({ file: 'nope.json' }, dir), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_SCENARIO_INVALID' && /nope\.json.*ENOENT/.test(err.message));
  });

  it('serialises a json body once and sets its content type', () => {
    assert.deepEqual(resolveBody({ json: { a: [1, null] } }, dir), { kind: 'static', bytes: Buffer.from('{"a":[1,null]}'), contentType: 'application/json' });
  });

  it('makes a new random body of the configured size for every request', () => {
    const body = resolveBody({ randomBytes: 4096 }, dir);
    assert.deepEqual(body, { kind: 'random', size: 4096, text: false });
    const a = bodyBytes(body)!;
    const b = bodyBytes(body)!;
    assert.equal(a.length, 4096);
    assert.notDeepEqual(a, b);
  });

  it('makes random text out of ASCII letters only', () => {
    assert.deepEqual(resolveBody({ randomText: 10 }, dir), { kind: 'random', size: 10, text: true });
    assert.match(randomBody(2000, true).toString('latin1'), /^[A-Za-z]{2000}$/);
  });
});
