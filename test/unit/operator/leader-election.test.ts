import assert from 'node:assert/strict';
import type { V1Lease } from '@kubernetes/client-node';
import { LeaderElector, leaderElectionProblem } from '../../../reference-impl/operator/leader-election.ts';
import { ApiError, type LeaseApi } from '../../../reference-impl/operator/operator-api.ts';
import { ManualClock } from './manual-clock.ts';

/** One Lease store with resourceVersion conflicts, seen by each candidate through its own link that can be cut. */
class LeaseStore {
  lease: V1Lease | undefined;
  private rv = 0;
  link(): LeaseApi & { cut: boolean } {
    const store = this;
    return {
      cut: false,
      async get() { if (this.cut) throw new Error('unreachable'); return store.lease && structuredClone(store.lease); },
      async create(_ns, lease) {
        if (this.cut) throw new Error('unreachable');
        if (store.lease) throw new ApiError(409, 'already exists');
        store.lease = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(++store.rv) } };
        return structuredClone(store.lease);
      },
      async replace(_ns, _name, lease) {
        if (this.cut) throw new Error('unreachable');
        if (lease.metadata?.resourceVersion !== store.lease?.metadata?.resourceVersion) throw new ApiError(409, 'conflict');
        store.lease = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(++store.rv) } };
        return structuredClone(store.lease);
      },
    };
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Advances in 100 ms steps, letting async loops run between steps. */
async function pass(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) { clock.advance(100); await flush(); }
}

function candidate(store: LeaseStore, clock: ManualClock, identity: string) {
  const link = store.link();
  const events: string[] = [];
  const elector = new LeaderElector({
    lease: link, namespace: 'kuberde', name: 'kuberde-operator-leader', identity, clock, random: () => 0.5,
    onStartedLeading: () => { events.push(`start@${clock.now()}`); },
    onStoppedLeading: () => { events.push(`stop@${clock.now()}`); },
  });
  const abort = new AbortController();
  const done = elector.run(abort.signal);
  return { elector, link, events, abort, done };
}

describe('operator leader election', () => {
  it('of two candidates exactly one leads, and it keeps renewing', async () => {
    const clock = new ManualClock(0);
    const store = new LeaseStore();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    await flush();
    assert.equal([a, b].filter((c) => c.elector.isLeader).length, 1);
    assert.equal(store.lease!.spec!.holderIdentity, 'a');
    assert.equal(store.lease!.spec!.leaseDurationSeconds, 15);
    await pass(clock, 60_000);
    assert.ok(a.elector.isLeader && !b.elector.isLeader, 'b never takes a renewed lease');
    assert.equal(store.lease!.spec!.leaseTransitions, 0);
    a.abort.abort(); b.abort.abort();
    clock.advance(10_000); await Promise.all([a.done, b.done]);
  });

  it('when the leader dies, a follower takes over within LeaseDuration plus one jittered retry', async () => {
    const clock = new ManualClock(0);
    const store = new LeaseStore();
    const a = candidate(store, clock, 'a');
    await flush();
    const b = candidate(store, clock, 'b');
    await pass(clock, 5000);
    a.link.cut = true; // the leader's process is gone: no more renewals
    const diedAt = clock.now();
    await pass(clock, 30_000);
    assert.equal(store.lease!.spec!.holderIdentity, 'b');
    const took = Number(b.events[0]!.split('@')[1]) - diedAt;
    // b last saw the record change at most one retry (2 s x 1.6) before a died; the lease is 15 s
    assert.ok(took > 15_000 - 3200 && took <= 15_000 + 3200, `took over after ${took} ms`);
    assert.equal(store.lease!.spec!.leaseTransitions, 1);
    assert.ok(a.events.some((e) => e.startsWith('stop@')), 'a cut-off leader stops leading');
    const stopAt = Number(a.events.find((e) => e.startsWith('stop@'))!.split('@')[1]);
    assert.ok(stopAt - diedAt <= 2000 + 10_000 + 100, `the old leader stopped ${stopAt - diedAt} ms after the cut, within RenewDeadline`);
    assert.ok(stopAt < Number(b.events[0]!.split('@')[1]), 'the old leader stops before the new one starts');
    a.abort.abort(); b.abort.abort();
    clock.advance(20_000); await Promise.all([a.done, b.done]);
  });

  it('a released lease is taken at the follower\'s next retry', async () => {
    const clock = new ManualClock(0);
    const store = new LeaseStore();
    const a = candidate(store, clock, 'a');
    await flush();
    const b = candidate(store, clock, 'b');
    await pass(clock, 4000);
    a.abort.abort();
    await a.done;
    await a.elector.release();
    assert.equal(store.lease!.spec!.holderIdentity, '');
    const releasedAt = clock.now();
    await pass(clock, 4000);
    assert.equal(store.lease!.spec!.holderIdentity, 'b');
    assert.ok(Number(b.events[0]!.split('@')[1]) - releasedAt <= 3300);
    b.abort.abort(); clock.advance(20_000); await b.done;
  });

  it('rejects timings that client-go rejects', () => {
    assert.equal(leaderElectionProblem(15_000, 10_000, 2_000), undefined);
    assert.match(leaderElectionProblem(10_000, 10_000, 2_000)!, /greater than the renew deadline/);
    assert.match(leaderElectionProblem(15_000, 2_000, 2_000)!, /1.2 x the retry period/);
    assert.throws(() => new LeaderElector({ lease: new LeaseStore().link(), namespace: 'n', name: 'l', identity: 'x', clock: new ManualClock(), leaseDurationMs: 1000, renewDeadlineMs: 2000, onStartedLeading() {}, onStoppedLeading() {} }), RangeError);
  });
});
