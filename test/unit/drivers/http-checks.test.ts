import assert from 'node:assert/strict';
import { compileChecks } from '../../../harness/drivers/http-checks.ts';
import type { HttpCheck } from '../../../harness/drivers/http-request-schema.ts';

interface Case { name: string; checks: HttpCheck[]; status: number; body: string | null; failed: boolean; results: boolean[] }

const cases: Case[] = [
  { name: 'with no checks, a 200 passes', checks: [], status: 200, body: null, failed: false, results: [] },
  { name: 'with no checks, a 302 passes', checks: [], status: 302, body: null, failed: false, results: [] },
  { name: 'with no checks, a 404 fails', checks: [], status: 404, body: null, failed: true, results: [] },
  { name: 'with no checks, a 500 fails', checks: [], status: 500, body: null, failed: true, results: [] },
  { name: 'an expected 404 passes', checks: [{ status: 404 }], status: 404, body: null, failed: false, results: [true] },
  { name: 'a 200 where 201 was expected fails', checks: [{ status: 201 }], status: 200, body: null, failed: true, results: [false] },
  { name: 'a status among several expected passes', checks: [{ status: [200, 204] }], status: 204, body: null, failed: false, results: [true] },
  { name: 'a body check alone does not hide a 500', checks: [{ bodyContains: 'ok' }], status: 500, body: 'ok', failed: true, results: [true] },
  { name: 'a body containing the text passes', checks: [{ bodyContains: 'llo w' }], status: 200, body: 'hello world', failed: false, results: [true] },
  { name: 'a body missing the text fails', checks: [{ bodyContains: 'bye' }], status: 200, body: 'hello', failed: true, results: [false] },
  { name: 'an equal body passes', checks: [{ bodyEquals: 'héllo' }], status: 200, body: 'héllo', failed: false, results: [true] },
  { name: 'a longer body is not equal', checks: [{ bodyEquals: 'hello' }], status: 200, body: 'hello!', failed: true, results: [false] },
  { name: 'a JSON value at a path that equals passes', checks: [{ jsonPath: '$.items[1].id', equals: 7 }], status: 200, body: '{"items":[{"id":1},{"id":7}]}', failed: false, results: [true] },
  { name: 'a JSON string that differs fails', checks: [{ jsonPath: '$.text', equals: 'a' }], status: 200, body: '{"text":"b"}', failed: true, results: [false] },
  { name: 'a JSON null compared to null passes', checks: [{ jsonPath: '$.v', equals: null }], status: 200, body: '{"v":null}', failed: false, results: [true] },
  { name: 'a missing JSON path does not equal null', checks: [{ jsonPath: '$.v', equals: null }], status: 200, body: '{}', failed: true, results: [false] },
  { name: 'an existing path passes `exists`', checks: [{ jsonPath: '$.a.b', exists: true }], status: 200, body: '{"a":{"b":false}}', failed: false, results: [true] },
  { name: 'a path with neither equals nor exists must exist', checks: [{ jsonPath: '$.a' }], status: 200, body: '{"b":1}', failed: true, results: [false] },
  { name: 'an absent path passes `exists: false`', checks: [{ jsonPath: '$.a[3]', exists: false }], status: 200, body: '{"a":[1]}', failed: false, results: [true] },
  { name: 'a body that is not JSON fails every JSONPath check', checks: [{ jsonPath: '$.a', exists: false }], status: 200, body: 'not json', failed: true, results: [false] },
  { name: 'a path into an array by name does not exist', checks: [{ jsonPath: '$.length', exists: true }], status: 200, body: '[1,2]', failed: true, results: [false] },
  {
    name: 'each check is judged on its own and one failure fails the request',
    checks: [{ status: 200 }, { bodyContains: 'x' }, { jsonPath: '$.n', equals: 1 }],
    status: 200, body: '{"n":1}', failed: true, results: [true, false, true],
  },
];

describe('http checks', () => {
  for (const c of cases) {
    it(c.name, () => {
      const compiled = compileChecks(c.checks);
      const results: boolean[] = [];
      const failed = compiled.evaluate(c.status, c.body === null ? null : Buffer.from(c.body), results);
      assert.equal(failed, c.failed);
      assert.deepEqual(results, c.results);
    });
  }

  it('describes each check in a short tag value', () => {
    const compiled = compileChecks([
      { status: 200 },
      { status: [200, 201] },
      { bodyContains: 'ok' },
      { bodyEquals: 'x'.repeat(100) },
      { jsonPath: '$.a', equals: 'b' },
      { jsonPath: '$.a' },
      { jsonPath: '$.a', exists: false },
    ]);
    assert.deepEqual(compiled.descriptions, [
      'status is 200',
      'status in 200,201',
      'body contains "ok"',
      `body equals "${'x'.repeat(40)}…"`,
      '$.a equals "b"',
      '$.a exists',
      '$.a does not exist',
    ]);
  });

  it('asks for the body only when a check reads it', () => {
    assert.equal(compileChecks([{ status: 200 }]).needsBody, false);
    assert.equal(compileChecks([]).needsBody, false);
    assert.equal(compileChecks([{ status: 200 }, { jsonPath: '$.a' }]).needsBody, true);
  });
});
