/**
 * Checks and defaults every object gets on write, whatever its kind: name format, namespace
 * agreement with the URL, the size limit, and a few built-in defaults (a new Pod is Pending, a
 * Namespace Active, a Deployment has one replica) so clients see what a real apiserver returns.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from './object-store.ts';
import type { ResourceType } from './resource-registry.ts';
import { ApiError, invalid, type StatusCause } from './status-errors.ts';

/**
 * The largest object stored, serialized: etcd's default request limit (1.5 MiB) that bounds a
 * real object. Bigger objects get 422 Invalid. Request bodies are capped separately (MAX_BODY_BYTES).
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Names the object (generateName), sets its namespace from the URL, and checks metadata; throws 400/422. */
export function prepareMetadata(type: ResourceType, namespace: string | undefined, obj: KubeObject, urlName?: string): void {
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) obj.metadata = {};
  const meta = obj.metadata;
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
  if (urlName !== undefined && meta.name !== urlName) {
    throw new ApiError('BadRequest', `the name of the object (${meta.name ?? ''}) does not match the name on the URL (${urlName})`);
  }
  if (type.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
      throw new ApiError('BadRequest', `the namespace of the provided object does not match the namespace sent on the request`);
    }
    meta.namespace = namespace;
  } else {
    delete meta.namespace;
  }
  const causes: StatusCause[] = [];
  const name = meta.name;
  if (!name) causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (type.plural === 'namespaces' || type.plural === 'services' ? !DNS_LABEL.test(name) || name.length > 63 : !DNS_SUBDOMAIN.test(name) || name.length > 253) {
    causes.push({ field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${type.plural === 'namespaces' || type.plural === 'services' ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character` });
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = meta[field];
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) { causes.push({ field: `metadata.${field}`, message: 'Invalid value: must be a map of strings' }); continue; }
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') causes.push({ field: `metadata.${field}.${k}`, message: 'Invalid value: must be a string' });
      else if (field === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) causes.push({ field: `metadata.labels.${k}`, message: `Invalid value: ${JSON.stringify(v)}: a valid label must be 63 characters or less, alphanumeric, '-', '_' or '.'` });
    }
  }
  if (meta.finalizers !== undefined && (!Array.isArray(meta.finalizers) || meta.finalizers.some((f) => typeof f !== 'string'))) {
    causes.push({ field: 'metadata.finalizers', message: 'Invalid value: must be a list of strings' });
  }
  if (causes.length > 0) throw invalid(type.kind, type.group, name ?? '', causes);
}

/** 422 if the object is larger than MAX_OBJECT_BYTES serialized. */
export function checkObjectSize(type: ResourceType, obj: KubeObject): void {
  const bytes = Buffer.byteLength(JSON.stringify(obj));
  if (bytes > MAX_OBJECT_BYTES) {
    throw invalid(type.kind, type.group, obj.metadata.name ?? '', [{ reason: 'FieldValueTooLong', field: '<root>', message: `Too long: object is ${bytes} bytes, more than the ${MAX_OBJECT_BYTES} bytes a stored object may take` }]);
  }
}

/** Built-in defaults on create. */
export function applyCreateDefaults(type: ResourceType, obj: KubeObject): void {
  if (type.custom) return;
  const spec = (obj.spec ??= {}) as Record<string, unknown>;
  const status = obj.status as Record<string, unknown> | undefined;
  switch (`${type.group}/${type.plural}`) {
    case '/namespaces': obj.status = { phase: 'Active', ...status }; break;
    case '/pods':
      spec.restartPolicy ??= 'Always';
      obj.status = { phase: 'Pending', ...status };
      break;
    case '/services': spec.type ??= 'ClusterIP'; obj.status ??= { loadBalancer: {} }; break;
    case 'apps/deployments':
      spec.replicas ??= 1;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      obj.status ??= {};
      break;
    default:
      if (Object.keys(spec).length === 0 && !['/pods', '/services'].includes(`${type.group}/${type.plural}`)) delete obj.spec;
  }
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}
