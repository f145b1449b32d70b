import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import { LAST_ACTIVITY_ANNOTATION } from '../../../reference-impl/operator/rdeagent.ts';
import { RDEAgentReconciler } from '../../../reference-impl/operator/rdeagent-reconciler.ts';
import { staggerOffsetMs } from '../../../reference-impl/operator/ttl.ts';
import { FakeCluster } from './fake-cluster.ts';
import { ManualClock } from './manual-clock.ts';

const CREATED = Date.parse('2023-11-14T22:13:20Z');
const settings = { agentImage: 'caplab/reference:dev', ttlStaggerWindowMs: 60_000 };

function setup() {
  const cluster = new FakeCluster();
  const clock = new ManualClock(CREATED + 1000);
  return { cluster, clock, r: new RDEAgentReconciler(cluster, cluster, clock, settings) };
}

describe('RDEAgent reconciler', () => {
  it('creates a Deployment (agent + workload) and a Service owned by the agent, and reports Pending', async () => {
    const { cluster, r } = setup();
    cluster.addAgent('dev-1');
    assert.deepEqual(await r.reconcile('kuberde/dev-1'), {});
    const d = cluster.getDeployment('kuberde', 'rdeagent-dev-1')!;
    assert.equal(d.spec!.replicas, 1);
    assert.deepEqual(d.spec!.template!.spec!.containers.map((c) => [c.name, c.image]), [['agent', 'caplab/reference:dev'], ['workload', 'nginx:alpine']]);
    assert.deepEqual(d.metadata!.ownerReferences, [{ apiVersion: 'kuberde.io/v1', kind: 'RDEAgent', name: 'dev-1', uid: 'uid-dev-1', controller: true, blockOwnerDeletion: true }]);
    const s = cluster.getService('kuberde', 'rdeagent-dev-1')!;
    assert.equal(s.spec!.ports![0]!.port, 80);
    assert.equal(s.metadata!.ownerReferences![0]!.uid, 'uid-dev-1');
    const status = cluster.getAgent('kuberde', 'dev-1')!.status!;
    assert.equal(status.phase, 'Pending');
    assert.equal(status.conditions![0]!.reason, 'Creating');
    assert.equal(status.observedGeneration, 1);
  });

  it('reports Ready once the Deployment is available, and writes nothing when nothing changed', async () => {
    const { cluster, r, clock } = setup();
    cluster.addAgent('dev-1');
    await r.reconcile('kuberde/dev-1');
    await r.reconcile('kuberde/dev-1');
    assert.equal(cluster.getAgent('kuberde', 'dev-1')!.status!.conditions![0]!.reason, 'Progressing');
    const transitions = cluster.getAgent('kuberde', 'dev-1')!.status!.conditions![0]!.lastTransitionTime;
    cluster.markAvailable('rdeagent-dev-1');
    clock.advance(5000);
    await r.reconcile('kuberde/dev-1');
    const status = cluster.getAgent('kuberde', 'dev-1')!.status!;
    assert.equal(status.phase, 'Running');
    assert.deepEqual([status.conditions![0]!.status, status.conditions![0]!.reason], ['True', 'Available']);
    assert.notEqual(status.conditions![0]!.lastTransitionTime, transitions);
    assert.equal(status.readyReplicas, 1);
    const before = cluster.writes.length;
    await r.reconcile('kuberde/dev-1');
    assert.equal(cluster.writes.length, before, 'a steady state reconciles without a write');
  });

  it('puts a drifted Deployment back and leaves a matching one alone', async () => {
    const { cluster, r } = setup();
    cluster.addAgent('dev-1');
    await r.reconcile('kuberde/dev-1');
    cluster.agents.get('kuberde/dev-1')!.spec.workloadImage = 'nginx:1.27';
    await r.reconcile('kuberde/dev-1');
    const patches = cluster.writesOf('patch', 'Deployment');
    assert.equal(patches.length, 1);
    assert.equal(cluster.getDeployment('kuberde', 'rdeagent-dev-1')!.spec!.template!.spec!.containers[1]!.image, 'nginx:1.27');
    assert.equal(cluster.writesOf('patch', 'Service').length, 0);
  });

  it('a missing agent (deleted) is nothing to do: its children go by ownerReference', async () => {
    const { cluster, r } = setup();
    assert.deepEqual(await r.reconcile('kuberde/gone'), {});
    assert.equal(cluster.writes.length, 0);
  });

  it('TTL "0" never scales down and asks for no TTL re-check', async () => {
    const { cluster, r, clock } = setup();
    cluster.addAgent('keep', { ttl: '0' });
    clock.advance(365 * 24 * 3600_000);
    assert.deepEqual(await r.reconcile('kuberde/keep'), {});
    assert.equal(cluster.getDeployment('kuberde', 'rdeagent-keep')!.spec!.replicas, 1);
  });

  it('scales to 0 after ttl of idleness (plus the agent\'s stagger), and back up on new activity', async () => {
    const { cluster, r, clock } = setup();
    cluster.addAgent('idle', { ttl: '30m' });
    const stagger = staggerOffsetMs('kuberde/idle', 60_000);
    const deadline = CREATED + 30 * 60_000 + stagger;
    const first = await r.reconcile('kuberde/idle');
    assert.equal(first.requeueAfterMs, deadline - clock.now(), 'requeued for its own deadline');
    clock.advance(deadline - clock.now() - 1);
    await r.reconcile('kuberde/idle');
    assert.equal(cluster.getDeployment('kuberde', 'rdeagent-idle')!.spec!.replicas, 1, 'one ms before the deadline it stays up');
    clock.advance(1);
    assert.deepEqual(await r.reconcile('kuberde/idle'), {});
    assert.equal(cluster.getDeployment('kuberde', 'rdeagent-idle')!.spec!.replicas, 0);
    const status = cluster.getAgent('kuberde', 'idle')!.status!;
    assert.equal(status.phase, 'ScaledDown');
    assert.equal(status.conditions![0]!.reason, 'Idle');

    cluster.agents.get('kuberde/idle')!.metadata.annotations = { [LAST_ACTIVITY_ANNOTATION]: new Date(clock.now()).toISOString() };
    const after = await r.reconcile('kuberde/idle');
    assert.equal(cluster.getDeployment('kuberde', 'rdeagent-idle')!.spec!.replicas, 1);
    assert.equal(after.requeueAfterMs, 30 * 60_000 + stagger);
  });

  it('staggers agents created together over the window', () => {
    const offsets = new Set(Array.from({ length: 100 }, (_, i) => Math.floor(staggerOffsetMs(`kuberde/load-test-${i}`, 60_000) / 1000)));
    assert.ok(offsets.size > 40, `100 agents land in ${offsets.size} distinct seconds of 60`);
    assert.equal(staggerOffsetMs('kuberde/a', 60_000), staggerOffsetMs('kuberde/a', 60_000));
  });

  it('an invalid ttl or a missing field ends in status Failed, with no children and no retry loop', async () => {
    const { cluster, r } = setup();
    cluster.addAgent('bad-ttl', { ttl: '30 minutes' });
    cluster.addAgent('no-image', { workloadImage: '' });
    const odd = cluster.addAgent('odd-types');
    (odd.spec as unknown as Record<string, unknown>).owner = 42;
    for (const name of ['bad-ttl', 'no-image', 'odd-types']) {
      assert.deepEqual(await r.reconcile(`kuberde/${name}`), {});
      const status = cluster.getAgent('kuberde', name)!.status!;
      assert.equal(status.phase, 'Failed', name);
      assert.equal(status.conditions![0]!.reason, 'InvalidSpec');
    }
    assert.match(cluster.getAgent('kuberde', 'bad-ttl')!.status!.conditions![0]!.message, /"30m"/);
    assert.equal(cluster.deployments.size, 0);
    cluster.agents.set('kuberde/no-spec', { metadata: { name: 'no-spec', namespace: 'kuberde', uid: 'u' } } as never);
    assert.deepEqual(await r.reconcile('kuberde/no-spec'), {});
  });

  it('a long dotted name gets valid, distinct child names', async () => {
    const { cluster, r } = setup();
    const long = `${'a.b-'.repeat(60)}x`;
    cluster.addAgent(long);
    cluster.addAgent(`${long}y`);
    await r.reconcile(`kuberde/${long}`);
    await r.reconcile(`kuberde/${long}y`);
    const names = [...cluster.deployments.values()].map((d) => d.metadata!.name!);
    assert.equal(new Set(names).size, 2);
    for (const n of names) assert.match(n, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it('does not take over a same-named Deployment it does not own', async () => {
    const { cluster, r } = setup();
    cluster.addAgent('dev-1');
    const foreign: V1Deployment = { kind: 'Deployment', metadata: { name: 'rdeagent-dev-1', namespace: 'kuberde' }, spec: { selector: {}, template: {} } };
    cluster.deployments.set('kuberde/rdeagent-dev-1', foreign);
    const result = await r.reconcile('kuberde/dev-1');
    assert.ok(result.requeueAfterMs! > 0);
    assert.equal(cluster.writesOf('patch', 'Deployment').length, 0);
    assert.equal(cluster.getAgent('kuberde', 'dev-1')!.status!.conditions![0]!.reason, 'ChildConflict');
  });

  it('an API failure is thrown for the controller to retry', async () => {
    const { cluster, r } = setup();
    cluster.addAgent('dev-1');
    cluster.failNext = new Error('connection refused');
    await assert.rejects(r.reconcile('kuberde/dev-1'), /connection refused/);
    await r.reconcile('kuberde/dev-1');
    assert.ok(cluster.getDeployment('kuberde', 'rdeagent-dev-1'));
  });
});
