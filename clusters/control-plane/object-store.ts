/**
 * The object store: every object by kind-storage key and namespace/name, one global
 * resourceVersion counter (etcd's revision), and a ring of recent changes that watches replay
 * from. A watch asking for a version older than the ring holds gets 410 Gone and must relist.
 * Objects are cloned in and out, so callers never share a stored object.
 */
import { randomUUID } from 'node:crypto';

export type KubeObject = Record<string, unknown> & { metadata: ObjectMeta };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface OwnerReference { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change; `object` carries the resourceVersion it was written at, `previous` the object before it. */
export interface StoreChange {
  type: ChangeType;
  /** storage key of the kind: `<group>/<plural>` */
  kindKey: string;
  resourceVersion: number;
  object: KubeObject;
  previous?: KubeObject;
}

export interface ObjectStoreOptions {
  /** how many changes the ring keeps for watch resume; older versions get 410 Gone */
  historySize?: number;
}

/** `<group>/<plural>`, the key objects of one kind share across API versions. */
export function kindKeyOf(group: string, plural: string): string {
  return `${group}/${plural}`;
}

export class ObjectStore {
  private revision = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreChange[] = [];
  private readonly historySize: number;
  /** changes up to and including this version have left the ring */
  private compactedThrough = 0;
  private readonly listeners = new Set<(change: StoreChange) => void>();

  constructor(options: ObjectStoreOptions = {}) {
    this.historySize = options.historySize ?? 2_000;
  }

  /** The current resourceVersion (of the last write). */
  get resourceVersion(): number { return this.revision; }

  /** The oldest resourceVersion a watch can resume from without 410 Gone. */
  get oldestResumable(): number { return this.compactedThrough; }

  get(kindKey: string, namespace: string, name: string): KubeObject | undefined {
    const obj = this.objects.get(kindKey)?.get(objectKey(namespace, name));
    return obj === undefined ? undefined : structuredClone(obj);
  }

  /** Objects of a kind, in one namespace or all (namespace undefined), sorted by namespace/name. */
  list(kindKey: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.objects.get(kindKey)?.values() ?? []) {
      if (namespace === undefined || (obj.metadata.namespace ?? '') === namespace) out.push(structuredClone(obj));
    }
    return out.sort((a, b) => objectKey(a.metadata.namespace ?? '', a.metadata.name!).localeCompare(objectKey(b.metadata.namespace ?? '', b.metadata.name!)));
  }

  /**
   * Objects of a kind (all namespaces) matching `predicate`, cloned; the predicate sees the stored
   * objects without a copy and must not change them. For scans that keep few objects (owner lookups).
   */
  filter(kindKey: string, predicate: (obj: Readonly<KubeObject>) => boolean): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.objects.get(kindKey)?.values() ?? []) if (predicate(obj)) out.push(structuredClone(obj));
    return out;
  }

  /** Every kind key that has objects. */
  kindKeys(): string[] {
    return [...this.objects.keys()];
  }

  /** Stores a new object: assigns uid, creationTimestamp and resourceVersion. The caller checks it does not exist. */
  create(kindKey: string, obj: KubeObject): KubeObject {
    const stored = structuredClone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return this.write('ADDED', kindKey, stored, undefined);
  }

  /** Replaces an existing object with a new resourceVersion; the caller has checked preconditions. */
  update(kindKey: string, obj: KubeObject): KubeObject {
    const previous = this.objects.get(kindKey)?.get(objectKey(obj.metadata.namespace ?? '', obj.metadata.name!));
    if (previous === undefined) throw new Error(`update of missing object ${kindKey} ${obj.metadata.name}`);
    return this.write('MODIFIED', kindKey, structuredClone(obj), previous);
  }

  /**
   * Removes an object; the DELETED change carries a new resourceVersion, as etcd's delete
   * revision, and `finalState` when given (an update that removed the last finalizer).
   */
  delete(kindKey: string, namespace: string, name: string, finalState?: KubeObject): KubeObject | undefined {
    const byName = this.objects.get(kindKey);
    const previous = byName?.get(objectKey(namespace, name));
    if (byName === undefined || previous === undefined) return undefined;
    byName.delete(objectKey(namespace, name));
    const gone = structuredClone(finalState ?? previous);
    gone.metadata.resourceVersion = String(++this.revision);
    this.record({ type: 'DELETED', kindKey, resourceVersion: this.revision, object: gone, previous });
    return structuredClone(gone);
  }

  /** Changes of a kind after `sinceVersion`, or 'gone' if some have left the ring. */
  changesSince(kindKey: string, sinceVersion: number): StoreChange[] | 'gone' {
    if (sinceVersion < this.compactedThrough) return 'gone';
    return this.history.filter((c) => c.kindKey === kindKey && c.resourceVersion > sinceVersion);
  }

  /** Calls `listener` after every change, synchronously; returns the unsubscribe function. */
  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every change from the watch ring (tests use it to force 410 Gone). */
  compact(): void {
    this.compactedThrough = this.revision;
    this.history.length = 0;
  }

  private write(type: ChangeType, kindKey: string, stored: KubeObject, previous: KubeObject | undefined): KubeObject {
    stored.metadata.resourceVersion = String(++this.revision);
    let byName = this.objects.get(kindKey);
    if (byName === undefined) this.objects.set(kindKey, byName = new Map());
    byName.set(objectKey(stored.metadata.namespace ?? '', stored.metadata.name!), stored);
    this.record({ type, kindKey, resourceVersion: this.revision, object: stored, ...(previous ? { previous } : {}) });
    return structuredClone(stored);
  }

  private record(change: StoreChange): void {
    this.history.push(change);
    while (this.history.length > this.historySize) this.compactedThrough = this.history.shift()!.resourceVersion;
    for (const listener of [...this.listeners]) listener(change);
  }
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
