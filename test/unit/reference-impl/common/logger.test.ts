import assert from 'node:assert/strict';
import { logLevel } from '../../../../reference-impl/common/logger.ts';

describe('component log levels', () => {
  const cases: [string, string][] = [['info', 'info'], ['WARNING', 'warn'], ['DEBUG', 'debug'], ['Critical', 'fatal'], ['error', 'error'], [' warn ', 'warn']];
  for (const [given, want] of cases) it(`LOG_LEVEL=${given.trim()} means pino's ${want}`, () => assert.equal(logLevel(given), want));
  it('refuses an unknown level with a message naming the valid ones', () => {
    assert.throws(() => logLevel('LOUD'), /LOG_LEVEL "LOUD" is not a log level; use one of debug, info, warning, error, critical/);
  });
});
