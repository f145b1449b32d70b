import assert from 'node:assert/strict';
import { runFails, thresholdFails } from '../../../../reports/render/fail-policy.ts';

describe('render/fail-policy', () => {
  it('fails a critical threshold under either policy', () => {
    assert.equal(thresholdFails('critical', 'critical'), true);
    assert.equal(thresholdFails('critical', 'warning'), true);
  });

  it('fails warning and no-data thresholds only under --fail-on warning', () => {
    assert.equal(thresholdFails('warning', 'critical'), false);
    assert.equal(thresholdFails('no-data', 'critical'), false);
    assert.equal(thresholdFails('warning', 'warning'), true);
    assert.equal(thresholdFails('no-data', 'warning'), true);
    assert.equal(thresholdFails('good', 'warning'), false);
  });

  it('always fails invalid and aborted runs, and warning runs only under --fail-on warning', () => {
    assert.equal(runFails('good', 'warning'), false);
    assert.equal(runFails('warning', 'critical'), false);
    assert.equal(runFails('warning', 'warning'), true);
    assert.equal(runFails('invalid', 'critical'), true);
    assert.equal(runFails('aborted', 'critical'), true);
    assert.equal(runFails('critical', 'critical'), true);
  });
});
