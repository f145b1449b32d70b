/**
 * PATCH bodies by Content-Type:
 * - application/merge-patch+json: RFC 7386 (null deletes, objects merge, arrays replace);
 * - application/json-patch+json: RFC 6902 via fast-json-patch (a failed `test` is 409 Conflict,
 *   as in the apiserver; a bad path is 422);
 * - application/strategic-merge-patch+json: a merge patch that also merges lists of objects by
 *   their well-known merge key (containers by name, ports by containerPort/port, conditions by
 *   type, ...) and honours `$patch: delete|replace` and `$setElementOrder`, `$retainKeys` (dropped);
 *   for custom resources it is a plain merge patch;
 * - application/apply-patch+yaml: server-side apply without field ownership: the applied
 *   configuration is merged like a strategic merge patch (created if missing; handled by the caller).
 */
import jsonpatch from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import { ApiError } from './status-errors.ts';

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

/** The patch type of a PATCH request's Content-Type, or 415 Unsupported Media Type. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (mime) {
    case 'application/merge-patch+json': return 'merge';
    case 'application/json-patch+json': return 'json';
    case 'application/strategic-merge-patch+json': return 'strategic';
    case 'application/apply-patch+yaml': case 'application/apply-patch+json': return 'apply';
    default: throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml`);
  }
}

/** Parses a patch body (JSON, or YAML for apply) or throws 400 BadRequest. */
export function parsePatchBody(type: PatchType, body: string): unknown {
  try {
    return type === 'apply' ? parseYaml(body) : JSON.parse(body);
  } catch (err) {
    throw new ApiError('BadRequest', `error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Applies a patch to a copy of `target`; `custom` selects plain merge for strategic patches of CRs. */
export function applyPatch(type: PatchType, target: Record<string, unknown>, patch: unknown, custom: boolean): Record<string, unknown> {
  switch (type) {
    case 'merge':
      return asObject(mergePatch(structuredClone(target), patch));
    case 'json':
      return applyJsonPatch(target, patch);
    case 'strategic':
    case 'apply':
      return asObject(custom ? mergePatch(structuredClone(target), patch) : strategicMerge(structuredClone(target), patch, ''));
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function applyJsonPatch(target: Record<string, unknown>, patch: unknown): Record<string, unknown> {
  if (!Array.isArray(patch)) throw new ApiError('BadRequest', 'a JSON patch must be an array of operations');
  try {
    return asObject(jsonpatch.applyPatch(structuredClone(target), patch as jsonpatch.Operation[], true, false).newDocument);
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    if (name === 'TEST_OPERATION_FAILED') throw new ApiError('Conflict', `the server rejected our request due to an error in our request: testing value failed`);
    if (name.startsWith('OPERATION_') || name === 'SEQUENCE_NOT_AN_ARRAY') throw new ApiError('BadRequest', `invalid JSON patch: ${message}`);
    throw new ApiError('Invalid', `the server rejected our request due to an error in our request: ${message}`);
  }
}

/** Merge keys of built-in list fields by field name (the patchMergeKey tags of k8s.io/api). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name',
  imagePullSecrets: 'name', volumeMounts: 'mountPath', volumeDevices: 'devicePath', conditions: 'type',
  ownerReferences: 'uid', hostAliases: 'ip', topologySpreadConstraints: 'topologyKey',
};

function mergeKeyFor(field: string, parentPath: string): string | undefined {
  if (field === 'ports') return parentPath.endsWith('containers[]') ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

/** Strategic merge: a merge patch where keyed lists merge element by element. */
function strategicMerge(target: unknown, patch: unknown, path: string): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) { delete out[k]; continue; }
    const key = mergeKeyFor(k, path);
    if (key !== undefined && Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeKeyedList(out[k] as unknown[], v, key, `${path}.${k}[]`);
    else if (Array.isArray(v)) out[k] = v.filter((e) => !(isPlainObject(e) && e.$patch === 'delete')).map(stripDirectives);
    else out[k] = strategicMerge(out[k], v, `${path}.${k}`);
  }
  return out;
}

function mergeKeyedList(target: unknown[], patch: unknown[], key: string, path: string): unknown[] {
  const out = [...target];
  for (const element of patch) {
    if (!isPlainObject(element) || !(key in element)) { out.push(stripDirectives(element)); continue; }
    const i = out.findIndex((t) => isPlainObject(t) && t[key] === element[key]);
    if (element.$patch === 'delete') { if (i !== -1) out.splice(i, 1); continue; }
    if (i === -1) out.push(stripDirectives(element));
    else out[i] = strategicMerge(out[i], element, path);
  }
  return out;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('$')).map(([k, v]) => [k, stripDirectives(v)]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asObject(v: unknown): Record<string, unknown> {
  if (!isPlainObject(v)) throw new ApiError('BadRequest', 'the patch must leave an object');
  return v;
}
