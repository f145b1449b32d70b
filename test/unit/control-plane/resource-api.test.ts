import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { orphanDependents, startGarbageCollector } from '../../../clusters/control-plane/garbage-collector.ts';
import { kindKeyOf, ObjectStore } from '../../../clusters/control-plane/object-store.ts';
import { ResourceApi } from '../../../clusters/control-plane/resource-api.ts';
import { BUILTIN_TYPES, type ResourceType } from '../../../clusters/control-plane/resource-registry.ts';
import { ApiError } from '../../../clusters/control-plane/status-errors.ts';

const type = (plural: string, group = '') => BUILTIN_TYPES.find((t) => t.plural === plural && t.group === group)!;
const deployments = type('deployments', 'apps');
const configmaps = type('configmaps');
const widgets: ResourceType = {
  group: 'x.dev', version: 'v1', kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget', namespaced: true,
  shortNames: [], categories: [], subresources: { status: true }, printerColumns: [], custom: true,
  schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', maximum: 10 } } }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
};
const isApiError = (code: number) => (e: unknown) => e instanceof ApiError && e.code === code;

function setup() {
  const store = new ObjectStore();
  store.create(kindKeyOf('', 'namespaces'), { metadata: { name: 'default' } });
  return { store, api: new ResourceApi(store, { orphan: (o) => orphanDependents(store, o) }) };
}

describe('control-plane ResourceApi', () => {
  it('create sets uid, resourceVersion and generation 1; a second create is 409 AlreadyExists; an unknown namespace is 404', () => {
    const { api } = setup();
    const created = api.create(configmaps, 'default', { metadata: { name: 'a' }, data: {} });
    assert.equal(created.metadata.generation, 1);
    assert.match(created.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.ok(Number(created.metadata.resourceVersion) > 0);
    assert.throws(() => api.create(configmaps, 'default', { metadata: { name: 'a' } }), (e: unknown) => e instanceof ApiError && e.reason === 'AlreadyExists' && e.code === 409);
    assert.throws(() => api.create(configmaps, 'nope', { metadata: { name: 'b' } }), isApiError(404));
    assert.throws(() => api.create(configmaps, 'default', { metadata: { name: 'Bad_Name' } }), isApiError(422));
  });

  it('an update with a stale resourceVersion is 409 Conflict; without one it wins', () => {
    const { api } = setup();
    const v1 = api.create(configmaps, 'default', { metadata: { name: 'a' }, data: { x: '1' } });
    api.update(configmaps, 'default', 'a', { ...v1, data: { x: '2' } }, undefined);
    assert.throws(() => api.update(configmaps, 'default', 'a', { ...v1, data: { x: '3' } }, undefined), (e: unknown) => e instanceof ApiError && e.reason === 'Conflict');
    const unconditional = api.update(configmaps, 'default', 'a', { metadata: { name: 'a' }, data: { x: '4' } }, undefined);
    assert.deepEqual(unconditional.data, { x: '4' });
  });

  it('generation moves on spec changes only; status goes through the status subresource; a no-op writes nothing', () => {
    const { api } = setup();
    const d = api.create(deployments, 'default', { metadata: { name: 'web' }, spec: { replicas: 1 } });
    const labelled = api.patch(deployments, 'default', 'web', 'merge', { metadata: { labels: { a: 'b' } } }, undefined);
    assert.equal(labelled.metadata.generation, 1);
    const scaled = api.patch(deployments, 'default', 'web', 'merge', { spec: { replicas: 3 }, status: { readyReplicas: 9 } }, undefined);
    assert.equal(scaled.metadata.generation, 2);
    assert.deepEqual(scaled.status, {}, 'status is ignored on the main resource');
    const status = api.patch(deployments, 'default', 'web', 'merge', { spec: { replicas: 7 }, status: { observedGeneration: 2 } }, 'status');
    assert.equal((status.spec as { replicas: number }).replicas, 3, 'spec is ignored on the status subresource');
    assert.deepEqual(status.status, { observedGeneration: 2 });
    const again = api.patch(deployments, 'default', 'web', 'merge', { spec: { replicas: 3 } }, undefined);
    assert.equal(again.metadata.resourceVersion, status.metadata.resourceVersion);
    assert.notEqual(d.metadata.resourceVersion, again.metadata.resourceVersion);
  });

  it('the scale subresource reads and writes spec.replicas', () => {
    const { api } = setup();
    api.create(deployments, 'default', { metadata: { name: 'web' }, spec: { replicas: 2 } });
    assert.deepEqual(api.getScale(deployments, 'default', 'web').spec, { replicas: 2 });
    api.updateScale(deployments, 'default', 'web', (s) => ({ ...s, spec: { replicas: 5 } }));
    assert.equal((api.get(deployments, 'default', 'web').spec as { replicas: number }).replicas, 5);
    assert.throws(() => api.updateScale(deployments, 'default', 'web', (s) => ({ ...s, spec: { replicas: -1 } })), isApiError(422));
  });

  it('finalizers hold a deleted object with a deletionTimestamp until the last one is removed', () => {
    const { api, store } = setup();
    api.create(configmaps, 'default', { metadata: { name: 'a', finalizers: ['x.dev/cleanup'] } });
    const held = api.delete(configmaps, 'default', 'a');
    assert.ok(held.metadata.deletionTimestamp);
    assert.ok(store.get('/configmaps', 'default', 'a'));
    api.patch(configmaps, 'default', 'a', 'merge', { metadata: { finalizers: null } }, undefined);
    assert.equal(store.get('/configmaps', 'default', 'a'), undefined);
  });

  it('custom resources are checked against their schema (422) and status is theirs to write', () => {
    const { api } = setup();
    assert.throws(() => api.create(widgets, 'default', { metadata: { name: 'w' }, spec: { size: 11 } }), isApiError(422));
    assert.throws(() => api.create(widgets, 'default', { metadata: { name: 'w' }, spec: { size: 1, bogus: true } }), isApiError(422));
    const pruned = api.create(widgets, 'default', { metadata: { name: 'w' }, spec: { size: 1, bogus: true } }, { fieldValidation: 'Ignore' });
    assert.deepEqual(pruned.spec, { size: 1 });
    assert.throws(() => api.create(widgets, 'default', { metadata: { name: 'huge' }, spec: { size: 1 }, status: { blob: 'x'.repeat(2 * 1024 * 1024) } }), isApiError(422));
  });

  it('the garbage collector deletes dependents of a deleted owner in the background; Orphan keeps them', async () => {
    const { api, store } = setup();
    const stop = startGarbageCollector(store);
    try {
      const owner = api.create(deployments, 'default', { metadata: { name: 'web' }, spec: {} });
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid!, controller: true };
      api.create(configmaps, 'default', { metadata: { name: 'dep', ownerReferences: [ref] } });
      api.create(configmaps, 'default', { metadata: { name: 'other' } });
      api.delete(deployments, 'default', 'web');
      await tick();
      assert.deepEqual(store.list('/configmaps').map((o) => o.metadata.name), ['other']);

      const owner2 = api.create(deployments, 'default', { metadata: { name: 'web2' }, spec: {} });
      api.create(configmaps, 'default', { metadata: { name: 'kept', ownerReferences: [{ ...ref, name: 'web2', uid: owner2.metadata.uid! }] } });
      api.delete(deployments, 'default', 'web2', { propagationPolicy: 'Orphan' });
      await tick();
      assert.equal(store.get('/configmaps', 'default', 'kept')!.metadata.ownerReferences, undefined);
    } finally {
      stop();
    }
  });

  it('delete preconditions on uid and resourceVersion are 409 when they do not match', () => {
    const { api } = setup();
    api.create(configmaps, 'default', { metadata: { name: 'a' } });
    assert.throws(() => api.delete(configmaps, 'default', 'a', { preconditions: { uid: 'other' } }), isApiError(409));
    assert.throws(() => api.delete(configmaps, 'default', 'a', { preconditions: { resourceVersion: '1' } }), isApiError(409));
    assert.throws(() => api.get(configmaps, 'default', 'missing'), (e: unknown) => e instanceof ApiError && e.reason === 'NotFound');
    assert.throws(() => api.delete(type('namespaces'), undefined, 'default'), (e: unknown) => e instanceof ApiError && e.code === 403);
  });
});
