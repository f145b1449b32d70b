import assert from 'node:assert/strict';
import { BridgeRegistry } from '../../../reference-impl/bamf/bridge-registry.ts';

describe('BridgeRegistry (BAMF API tier)', () => {
  it('counts a tunnel that moved off a draining bridge as migrated, and one left on it when it goes as lost', () => {
    const r = new BridgeRegistry();
    r.register('b1', 'http://b1');
    r.register('b2', 'http://b2');
    r.agentUp('a1', 'b1');
    r.agentUp('a2', 'b1');
    r.drain('b1');
    assert.equal(r.assign()?.id, 'b2', 'a draining bridge gets no new agent');
    r.agentUp('a1', 'b2');
    r.remove('b1');
    assert.deepEqual({ migrated: r.migrated, lost: r.lost, agents: r.agentCount }, { migrated: 1, lost: 1, agents: 1 });
    assert.equal(r.bridgeOf('a1')?.id, 'b2');
    assert.equal(r.bridgeOf('a2'), undefined);
  });

  it('loses nothing when every tunnel moved before the bridge went', () => {
    const r = new BridgeRegistry();
    r.register('b1', 'http://b1');
    r.register('b2', 'http://b2');
    r.agentUp('a1', 'b1');
    r.drain('b1');
    r.agentUp('a1', 'b2');
    r.remove('b1');
    assert.deepEqual({ migrated: r.migrated, lost: r.lost }, { migrated: 1, lost: 0 });
  });
});
