import assert from 'node:assert/strict';
import { flagArgs } from '../../../../clusters/providers/local-process.ts';

describe('flagArgs', () => {
  it('turns scenario flags into --name=value arguments, booleans into bare flags', () => {
    assert.deepEqual(flagArgs({ 'response-size': '1KiB', delay: 200, verbose: true, quiet: false }),
      ['--response-size=1KiB', '--delay=200', '--verbose', '--quiet=false']);
  });

  it('accepts camelCase and dashed keys as the same kebab-case flag', () => {
    assert.deepEqual(flagArgs({ responseSize: 10, '--stall-at': '5s' }), ['--response-size=10', '--stall-at=5s']);
  });

  it('keeps a value starting with a dash attached to its flag', () => {
    assert.deepEqual(flagArgs({ offset: '-5' }), ['--offset=-5']);
  });
});
