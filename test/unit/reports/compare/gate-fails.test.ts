import assert from 'node:assert/strict';
import { gateFails } from '../../../../reports/compare/gate-options.ts';

describe('when the gate fails', () => {
  const cases: [Parameters<typeof gateFails>[0], boolean, boolean][] = [
    ['regression', false, true],
    ['regression', true, true],
    ['inconclusive', false, false],
    ['inconclusive', true, true],
    ['pass', true, false],
    ['improved', true, false],
  ];
  for (const [verdict, strict, fails] of cases) {
    it(`${verdict} ${fails ? 'fails' : 'passes'}${strict ? ' under --fail-on-inconclusive' : ''}`, () => {
      assert.equal(gateFails(verdict, strict), fails);
    });
  }
});
