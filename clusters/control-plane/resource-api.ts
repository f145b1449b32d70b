/**
 * The semantics of each API verb on stored objects, independent of HTTP: optimistic concurrency
 * (a stale metadata.resourceVersion is 409 Conflict), generation bumped on spec changes only,
 * the status and scale subresources, finalizers holding a deleted object with a
 * deletionTimestamp, no-op updates that write nothing, and schema validation of custom resources.
 */
import { isDeepStrictEqual } from 'node:util';
import { kindKeyOf, type KubeObject, type ObjectStore } from './object-store.ts';
import { applyCreateDefaults, checkObjectSize, prepareMetadata } from './object-meta.ts';
import { applyPatch, type PatchType } from './patch.ts';
import { groupVersion, type ResourceType } from './resource-registry.ts';
import { validateAgainstSchema, type UnknownFieldPolicy } from './schema-validation.ts';
import type { Selector } from './selectors.ts';
import { alreadyExists, ApiError, conflict, invalid, notFound } from './status-errors.ts';

/** Namespaces the apiserver refuses to delete. */
const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export type Subresource = 'status' | 'scale' | undefined;

export interface WriteOptions {
  /** the fieldValidation query parameter: Strict rejects unknown fields (the default here), Ignore and Warn prune them */
  fieldValidation?: string | null;
  dryRun?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Hooks the verbs call out to: CRD checks and the garbage collector's orphaning. */
export interface ResourceApiHooks {
  /** extra validation of an object about to be written (CRDs use it) */
  validate?(type: ResourceType, obj: KubeObject): void;
  /** called before an object is removed with propagationPolicy Orphan */
  orphan?(obj: KubeObject): void;
}

export class ResourceApi {
  constructor(private readonly store: ObjectStore, private readonly hooks: ResourceApiHooks = {}) {}

  /** GET one object, in the type's apiVersion. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return asVersion(type, this.existing(type, namespace, name));
  }

  /** LIST, filtered; `resourceVersion` is the store's current version, where a watch resumes. */
  list(type: ResourceType, namespace: string | undefined, selectors: Selector[]): { items: KubeObject[]; resourceVersion: string } {
    const resourceVersion = String(this.store.resourceVersion);
    const items = this.store.list(kindKeyOf(type.group, type.plural), type.namespaced ? namespace : undefined)
      .filter((o) => selectors.every((s) => s(o))).map((o) => asVersion(type, o));
    return { items, resourceVersion };
  }

  /** POST: create, or 409 AlreadyExists. */
  create(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions = {}): KubeObject {
    const obj = asKubeObject(body);
    prepareMetadata(type, namespace, obj);
    const kindKey = kindKeyOf(type.group, type.plural);
    const name = obj.metadata.name!;
    if (type.namespaced && namespace !== undefined && this.store.get(kindKeyOf('', 'namespaces'), '', namespace) === undefined) {
      throw notFound('namespaces', '', namespace);
    }
    if (this.store.get(kindKey, namespace ?? '', name) !== undefined) throw alreadyExists(type.plural, type.group, name);
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) delete obj.metadata[field];
    obj.metadata.generation = 1;
    obj.apiVersion = groupVersion(type.group, type.version);
    obj.kind = type.kind;
    applyCreateDefaults(type, obj);
    this.check(type, obj, options);
    if (options.dryRun) return obj;
    return asVersion(type, this.store.create(kindKey, obj));
  }

  /** PUT on the object or its status subresource. */
  update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, subresource: Subresource, options: WriteOptions = {}): KubeObject {
    const incoming = asKubeObject(body);
    prepareMetadata(type, namespace, incoming, name);
    const existing = this.existing(type, namespace, name);
    return this.write(type, existing, incoming, subresource, options);
  }

  /** PATCH; an apply patch creates the object if it is missing. */
  patch(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, subresource: Subresource, options: WriteOptions = {}): KubeObject {
    const current = this.store.get(kindKeyOf(type.group, type.plural), namespace ?? '', name);
    if (current === undefined) {
      if (patchType === 'apply' && subresource === undefined) {
        const body = asKubeObject(patch);
        body.metadata.name ??= name;
        if (body.metadata.name !== name) throw new ApiError('BadRequest', `the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${name})`);
        return this.create(type, namespace, body, options);
      }
      throw notFound(type.plural, type.group, name);
    }
    if (patchType === 'apply') {
      const applied = asKubeObject(patch);
      if (applied.kind !== undefined && applied.kind !== type.kind) throw new ApiError('BadRequest', `the kind of the applied object (${String(applied.kind)}) does not match ${type.kind}`);
    }
    const patched = applyPatch(patchType, asVersion(type, current), patch, type.custom) as KubeObject;
    prepareMetadata(type, namespace, patched, name);
    return this.write(type, current, patched, subresource, options);
  }

  /** DELETE: held by finalizers (deletionTimestamp set), else removed; dependents go to the garbage collector. */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const existing = this.existing(type, namespace, name);
    if (!type.custom && type.plural === 'namespaces' && PROTECTED_NAMESPACES.includes(name)) {
      throw new ApiError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(type.plural, type.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
    }
    if (options.propagationPolicy === 'Orphan') this.hooks.orphan?.(existing);
    const kindKey = kindKeyOf(type.group, type.plural);
    if ((existing.metadata.finalizers ?? []).length > 0) {
      if (existing.metadata.deletionTimestamp !== undefined) return asVersion(type, existing);
      existing.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      existing.metadata.deletionGracePeriodSeconds = 0;
      existing.metadata.generation = (existing.metadata.generation ?? 1) + 1;
      return asVersion(type, this.store.update(kindKey, existing));
    }
    return asVersion(type, this.store.delete(kindKey, namespace ?? '', name)!);
  }

  /** GET .../scale: an autoscaling/v1 Scale of a type with the scale subresource. */
  getScale(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return scaleOf(type, this.existing(type, namespace, name));
  }

  /** PUT or PATCH .../scale: sets spec.replicas (at the type's specReplicasPath). */
  updateScale(type: ResourceType, namespace: string | undefined, name: string, change: (scale: KubeObject) => KubeObject): KubeObject {
    const existing = this.existing(type, namespace, name);
    const scale = change(scaleOf(type, existing));
    const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
    if (!Number.isInteger(replicas) || (replicas as number) < 0) {
      throw invalid('Scale', 'autoscaling', name, [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    if (scale.metadata.resourceVersion && scale.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const updated = structuredClone(existing);
    setPath(updated, type.subresources.scale!.specReplicasPath, replicas);
    return scaleOf(type, this.write(type, existing, updated, undefined, {}));
  }

  private existing(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(kindKeyOf(type.group, type.plural), namespace ?? '', name);
    if (obj === undefined) throw notFound(type.plural, type.group, name);
    return obj;
  }

  /** The shared tail of PUT and PATCH: concurrency check, subresource rules, generation, no-op detection, finalizer completion. */
  private write(type: ResourceType, existing: KubeObject, incoming: KubeObject, subresource: Subresource, options: WriteOptions): KubeObject {
    const name = existing.metadata.name!;
    const rv = incoming.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== existing.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    let next: KubeObject;
    if (subresource === 'status') {
      next = structuredClone(existing);
      if (incoming.status === undefined) delete next.status; else next.status = incoming.status;
    } else {
      next = incoming;
      if (type.subresources.status) {
        if (existing.status === undefined) delete next.status; else next.status = structuredClone(existing.status);
      }
      const meta = next.metadata;
      for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
        if (existing.metadata[field] === undefined) delete meta[field]; else meta[field] = existing.metadata[field] as never;
      }
      if (!isDeepStrictEqual(specOf(existing), specOf(next))) meta.generation = (existing.metadata.generation ?? 1) + 1;
    }
    next.apiVersion = groupVersion(type.group, type.version);
    next.kind = type.kind;
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    this.check(type, next, options);
    const kindKey = kindKeyOf(type.group, type.plural);
    const comparable = { ...existing, apiVersion: next.apiVersion };
    if (isDeepStrictEqual(comparable, next)) return asVersion(type, existing);
    if (options.dryRun) return next;
    if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      return asVersion(type, this.store.delete(kindKey, next.metadata.namespace ?? '', name, next)!);
    }
    return asVersion(type, this.store.update(kindKey, next));
  }

  private check(type: ResourceType, obj: KubeObject, options: WriteOptions): void {
    if (type.schema !== undefined) {
      const policy: UnknownFieldPolicy = options.fieldValidation === 'Ignore' || options.fieldValidation === 'Warn' ? 'prune' : 'reject';
      const causes = validateAgainstSchema(obj, type.schema, policy);
      if (causes.length > 0) throw invalid(type.kind, type.group, obj.metadata.name ?? '', causes);
    }
    this.hooks.validate?.(type, obj);
    checkObjectSize(type, obj);
  }
}

/** The stored object as the requested version sees it (conversion None: only apiVersion differs). */
export function asVersion(type: ResourceType, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: groupVersion(type.group, type.version), kind: type.kind };
}

function asKubeObject(body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('BadRequest', 'the request body must be a JSON object');
  const obj = body as KubeObject;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw new ApiError('BadRequest', 'metadata must be an object');
  return obj;
}

/** Everything generation tracks: all but metadata and status. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function scaleOf(type: ResourceType, obj: KubeObject): KubeObject {
  const spec = type.subresources.scale!;
  const selector = spec.labelSelectorPath ? getPath(obj, spec.labelSelectorPath) : undefined;
  return {
    apiVersion: 'autoscaling/v1', kind: 'Scale',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: getPath(obj, spec.specReplicasPath) ?? 0 },
    status: { replicas: getPath(obj, spec.statusReplicasPath) ?? 0, ...(typeof selector === 'string' ? { selector } : {}) },
  };
}

/** Reads `.spec.replicas`-style paths. */
export function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const p of path.replace(/^\./, '').split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let v = obj;
  for (const p of parts.slice(0, -1)) v = (v[p] ??= {}) as Record<string, unknown>;
  v[parts.at(-1)!] = value;
}
