/**
 * Just enough OpenAPI v3 for kubectl's default `--validate=strict`: the `/openapi/v3` index and,
 * per group/version, PATCH operations tagged with x-kubernetes-group-version-kind that take the
 * `fieldValidation` parameter. kubectl then leaves validation to this server (it sends
 * fieldValidation=Strict) instead of downloading schemas. PATCH bodies list no
 * strategic-merge-patch, so kubectl apply computes merge patches for custom resources and its
 * built-in strategic merge for built-in kinds. CRD schemas go in components for `kubectl explain`.
 * OpenAPI v2 is served empty (openapi-v2.ts), for kubectl's client-side check of `kind: List` files.
 */
import { groupVersion, type ResourceRegistry, type ResourceType } from './resource-registry.ts';

/** `GET /openapi/v3`: where each group/version's document is. */
export function openApiIndex(registry: ResourceRegistry, revision: number): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const t of registry.all()) {
    const key = gvPath(t);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${revision}` };
  }
  return { paths };
}

/** `GET /openapi/v3/<api/v1 | apis/group/version>`, or undefined if that group/version is not served. */
export function openApiDocument(registry: ResourceRegistry, path: string): Record<string, unknown> | undefined {
  const types = registry.all().filter((t) => gvPath(t) === path);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const prefix = `/${gvPath(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
    const schemaName = `${t.group === '' ? 'io.k8s.api.core' : t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const content = (types: string[]) => Object.fromEntries(types.map((c) => [c, { schema: ref }]));
    const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
    paths[`${prefix}/{name}`] = {
      get: { 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: { 200: { content: content(['application/json']) } } },
      put: { 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk, parameters: [query('fieldValidation'), query('dryRun')], requestBody: { content: content(['application/json']) } },
      patch: {
        'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk,
        parameters: [query('fieldValidation'), query('dryRun'), query('fieldManager'), query('force')],
        requestBody: { content: content(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']) },
      },
      delete: { 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk },
    };
    paths[prefix] = {
      post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk, parameters: [query('fieldValidation'), query('dryRun')], requestBody: { content: content(['application/json']) } },
    };
    schemas[schemaName] = { ...(t.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'caplab control plane', version: 'v1.32.0-caplab' }, paths, components: { schemas } };
}

function gvPath(t: ResourceType): string {
  return t.group === '' ? `api/${t.version}` : `apis/${groupVersion(t.group, t.version)}`;
}
