import assert from 'node:assert/strict';
import { ObjectStore } from '../../../clusters/control-plane/object-store.ts';

const obj = (name: string, data = '1') => ({ metadata: { name, namespace: 'default' }, data: { x: data } });

describe('control-plane ObjectStore', () => {
  it('gives every write a new, increasing resourceVersion and records the change', () => {
    const store = new ObjectStore();
    const a = store.create('/configmaps', obj('a'));
    const b = store.update('/configmaps', { ...a, data: { x: '2' } });
    const gone = store.delete('/configmaps', 'default', 'a')!;
    assert.ok(Number(a.metadata.resourceVersion) < Number(b.metadata.resourceVersion));
    assert.ok(Number(b.metadata.resourceVersion) < Number(gone.metadata.resourceVersion));
    assert.equal(store.get('/configmaps', 'default', 'a'), undefined);
    const changes = store.changesSince('/configmaps', 0);
    assert.ok(changes !== 'gone');
    assert.deepEqual(changes.map((c) => c.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(changes[1]!.previous!.data && (changes[1]!.previous!.data as { x: string }).x, '1');
  });

  it('never shares stored objects with callers', () => {
    const store = new ObjectStore();
    const created = store.create('/configmaps', obj('a'));
    (created.data as { x: string }).x = 'mutated';
    assert.equal((store.get('/configmaps', 'default', 'a')!.data as { x: string }).x, '1');
  });

  it('answers gone for a version older than the ring holds, and resumes from one it holds', () => {
    const store = new ObjectStore({ historySize: 3 });
    const first = store.create('/configmaps', obj('a'));
    for (let i = 0; i < 5; i++) store.create('/configmaps', obj(`b${i}`));
    assert.equal(store.changesSince('/configmaps', Number(first.metadata.resourceVersion)), 'gone');
    const recent = store.changesSince('/configmaps', store.resourceVersion - 2);
    assert.ok(recent !== 'gone');
    assert.equal(recent.length, 2);
  });

  it('compact makes every earlier version gone', () => {
    const store = new ObjectStore();
    store.create('/configmaps', obj('a'));
    const rv = store.resourceVersion;
    store.create('/configmaps', obj('b'));
    store.compact();
    assert.equal(store.changesSince('/configmaps', rv), 'gone');
    assert.deepEqual(store.changesSince('/configmaps', store.resourceVersion), []);
  });

  it('lists by namespace, sorted', () => {
    const store = new ObjectStore();
    store.create('/configmaps', { metadata: { name: 'z', namespace: 'n1' } });
    store.create('/configmaps', { metadata: { name: 'a', namespace: 'n2' } });
    store.create('/configmaps', { metadata: { name: 'b', namespace: 'n1' } });
    assert.deepEqual(store.list('/configmaps', 'n1').map((o) => o.metadata.name), ['b', 'z']);
    assert.deepEqual(store.list('/configmaps').map((o) => o.metadata.name), ['b', 'z', 'a']);
  });
});
