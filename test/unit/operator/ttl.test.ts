import assert from 'node:assert/strict';
import { parseTtl } from '../../../reference-impl/operator/ttl.ts';

describe('operator TTL parsing', () => {
  const cases: [string | undefined, ReturnType<typeof parseTtl>['kind'], number?][] = [
    ['30m', 'after', 30 * 60_000],
    ['8h', 'after', 8 * 3600_000],
    ['1h30m', 'after', 90 * 60_000],
    ['1.5h', 'after', 90 * 60_000],
    ['45s', 'after', 45_000],
    ['0', 'disabled'],
    ['0s', 'disabled'],
    ['', 'disabled'],
    [undefined, 'disabled'],
    ['30', 'invalid'],
    ['30 minutes', 'invalid'],
    ['-5m', 'invalid'],
    ['1d', 'invalid'],
  ];
  for (const [text, kind, ms] of cases) {
    it(`${JSON.stringify(text)} is ${kind}${ms === undefined ? '' : ` after ${ms} ms`}`, () => {
      const got = parseTtl(text);
      assert.equal(got.kind, kind);
      if (got.kind === 'after') assert.equal(got.ms, ms);
    });
  }
});
