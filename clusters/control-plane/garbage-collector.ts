/**
 * Background cascading deletion: when an object is deleted, its dependents (objects whose
 * ownerReferences name its uid) lose that reference and, once no owner is left, are deleted in
 * turn (finalizers still hold them). Deleting a Namespace deletes what is in it. Foreground
 * propagation is treated as Background; Orphan strips the references instead (`orphanDependents`).
 */
import type { KubeObject, ObjectStore, StoreChange } from './object-store.ts';

const NAMESPACES = '/namespaces';

/** Runs the collector on the store's changes; returns the unsubscribe function. */
export function startGarbageCollector(store: ObjectStore): () => void {
  return store.subscribe((change: StoreChange) => {
    if (change.type !== 'DELETED') return;
    const deleted = change.object;
    // after the write that triggered it, as the real collector runs asynchronously
    setImmediate(() => {
      if (change.kindKey === NAMESPACES) deleteNamespaceContents(store, deleted.metadata.name!);
      collectDependents(store, deleted.metadata.uid!);
    });
  });
}

/** Removes ownerReferences to `owner` from its dependents, leaving them in place. */
export function orphanDependents(store: ObjectStore, owner: KubeObject): void {
  for (const [kindKey, dependent] of dependentsOf(store, owner.metadata.uid!)) {
    dependent.metadata.ownerReferences = dependent.metadata.ownerReferences!.filter((r) => r.uid !== owner.metadata.uid);
    if (dependent.metadata.ownerReferences.length === 0) delete dependent.metadata.ownerReferences;
    store.update(kindKey, dependent);
  }
}

function collectDependents(store: ObjectStore, ownerUid: string): void {
  for (const [kindKey, dependent] of dependentsOf(store, ownerUid)) {
    const remaining = dependent.metadata.ownerReferences!.filter((r) => r.uid !== ownerUid && ownerExists(store, r.uid));
    if (remaining.length > 0) {
      dependent.metadata.ownerReferences = remaining;
      store.update(kindKey, dependent);
    } else {
      remove(store, kindKey, dependent);
    }
  }
}

function deleteNamespaceContents(store: ObjectStore, namespace: string): void {
  for (const kindKey of store.kindKeys()) {
    if (kindKey === NAMESPACES) continue;
    for (const obj of store.list(kindKey, namespace)) if (obj.metadata.namespace === namespace) remove(store, kindKey, obj);
  }
}

/** Deletes as the API does: finalizers hold the object with a deletionTimestamp. */
function remove(store: ObjectStore, kindKey: string, obj: KubeObject): void {
  if ((obj.metadata.finalizers ?? []).length > 0) {
    if (obj.metadata.deletionTimestamp !== undefined) return;
    obj.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    obj.metadata.deletionGracePeriodSeconds = 0;
    store.update(kindKey, obj);
    return;
  }
  store.delete(kindKey, obj.metadata.namespace ?? '', obj.metadata.name!);
}

function dependentsOf(store: ObjectStore, ownerUid: string): [string, KubeObject][] {
  const out: [string, KubeObject][] = [];
  for (const kindKey of store.kindKeys()) {
    for (const obj of store.filter(kindKey, (o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid))) out.push([kindKey, obj]);
  }
  return out;
}

function ownerExists(store: ObjectStore, uid: string): boolean {
  return store.kindKeys().some((kindKey) => store.filter(kindKey, (o) => o.metadata.uid === uid).length > 0);
}
