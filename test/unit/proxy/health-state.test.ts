import assert from 'node:assert/strict';
import { HealthState } from '../../../reference-impl/proxy/health-state.ts';

describe('active health check rise/fall', () => {
  it('starts healthy and turns unhealthy only after `fall` failed checks in a row', () => {
    const h = new HealthState(2, 3);
    assert.equal(h.healthy, true);
    h.record(false); h.record(false); h.record(true); h.record(false); h.record(false);
    assert.equal(h.healthy, true, 'a pass in between restarts the count');
    assert.equal(h.record(false), true, 'the third failure in a row changes the state');
    assert.equal(h.healthy, false);
  });

  it('turns healthy again after `rise` passed checks in a row', () => {
    const h = new HealthState(2, 1);
    h.record(false);
    assert.equal(h.healthy, false);
    assert.equal(h.record(true), false);
    h.record(false);
    assert.equal(h.record(true), false);
    assert.equal(h.record(true), true);
    assert.equal(h.healthy, true);
  });
});
