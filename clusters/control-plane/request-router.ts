/**
 * Maps an API request to what it addresses and runs the verb:
 *   /api/v1/<plural>[/<name>[/<sub>]]                      cluster-scoped, or all namespaces
 *   /api/v1/namespaces/<ns>/<plural>[/<name>[/<sub>]]      namespaced
 *   /apis/<group>/<version>/...                           the same under a named group
 * plus discovery (/version, /api, /apis, /api/v1, /apis/<group>[/<version>]), /openapi/v3, /openapi/v2 (empty), /healthz, /readyz, /livez
 * and /metrics (kube-state-metrics-like gauges, state-metrics.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { podMetricsResponse, type PodMetricsLister } from './metrics-api.ts';
import type { ObjectStore } from './object-store.ts';
import { openApiDocument, openApiIndex } from './openapi.ts';
import { OPENAPI_V2_PROTOBUF, openApiV2Json, openApiV2Protobuf } from './openapi-v2.ts';
import { applyPatch, parsePatchBody, patchTypeOf } from './patch.ts';
import type { DeleteOptions, ResourceApi, Subresource, WriteOptions } from './resource-api.ts';
import type { ResourceRegistry, ResourceType } from './resource-registry.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { stateMetricsPage } from './state-metrics.ts';
import { ApiError } from './status-errors.ts';
import { toTable, wantsTable } from './table.ts';
import { serveWatch, type OpenWatch } from './watch-stream.ts';

/** What the router needs from the server. */
export interface RouterContext {
  registry: ResourceRegistry;
  store: ObjectStore;
  api: ResourceApi;
  serverAddress: string;
  bookmarkIntervalMs: number;
  /** open watches, so the server can end them on stop */
  watches: Set<OpenWatch>;
  /** pod usage for metrics.k8s.io, when the kubelet runs */
  podMetrics?: PodMetricsLister;
}

export interface ApiRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** the raw body (empty for GET) */
  body: string;
}

/** The answer: a JSON body with a status code, or 'streamed' when the router wrote the response itself. */
export type ApiResponse = { code: number; body: unknown } | 'streamed';

interface ResourceTarget {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

const VERSION_INFO = {
  major: '1', minor: '32', gitVersion: 'v1.32.0-caplab', gitCommit: 'caplab', gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z', goVersion: 'none', compiler: 'none', platform: 'caplab/node',
};

/** Routes one request; throws ApiError for anything the client got wrong. */
export function route(ctx: RouterContext, req: ApiRequest, res: ServerResponse): ApiResponse {
  const path = req.url.pathname.replace(/\/+$/, '') || '/';
  const segments = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  if (path === '/version') return ok(VERSION_INFO);
  if (['/healthz', '/readyz', '/livez'].includes(path)) return { code: 200, body: 'ok' };
  if (path === '/metrics' && req.method === 'GET') return { code: 200, body: stateMetricsPage(ctx.store) };
  if (path === '/openapi/v2') {
    if (!(req.headers.accept ?? '').includes('protobuf')) return ok(openApiV2Json(VERSION_INFO.gitVersion));
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF }).end(openApiV2Protobuf(VERSION_INFO.gitVersion));
    return 'streamed';
  }
  if (path === '/openapi/v3') return ok(openApiIndex(ctx.registry, ctx.store.resourceVersion));
  if (path.startsWith('/openapi/v3/')) return discovery(openApiDocument(ctx.registry, segments.slice(2).join('/')), path);
  if (path === '/api') return ok(ctx.registry.apiVersions(ctx.serverAddress));
  if (path === '/apis') return ok(ctx.registry.apiGroupList());
  if (segments[0] === 'api' && segments.length === 2) return discovery(ctx.registry.resourceList('', segments[1]!), path);
  if (segments[0] === 'apis' && segments.length === 2) {
    if (ctx.registry.versionsOf(segments[1]!).length === 0) throw new ApiError('NotFound', `the server could not find the requested resource (${path})`);
    return ok(ctx.registry.apiGroup(segments[1]!));
  }
  if (segments[0] === 'apis' && segments.length === 3) return discovery(ctx.registry.resourceList(segments[1]!, segments[2]!), path);
  let rest: string[];
  let group: string;
  let version: string;
  if (segments[0] === 'api' && segments.length > 2) { group = ''; version = segments[1]!; rest = segments.slice(2); }
  else if (segments[0] === 'apis' && segments.length > 3) { group = segments[1]!; version = segments[2]!; rest = segments.slice(3); }
  else throw new ApiError('NotFound', `the server could not find the requested resource (${path})`);
  const target = resolveTarget(ctx.registry, group, version, rest, path);
  if (target.type.group === 'metrics.k8s.io') {
    return ok(podMetricsResponse(ctx.store, ctx.podMetrics, req.method, target.namespace, target.name, parseLabelSelector(req.url.searchParams.get('labelSelector'))));
  }
  return handleResource(ctx, target, req, res);
}

function resolveTarget(registry: ResourceRegistry, group: string, version: string, rest: string[], path: string): ResourceTarget {
  const notServed = () => new ApiError('NotFound', `the server could not find the requested resource (${path})`);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = registry.find(group, version, rest[2]!);
    if (type?.namespaced && rest.length <= 5) return { type, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const type = registry.find(group, version, rest[0]!);
  if (type === undefined || rest.length > 3) throw notServed();
  if (type.namespaced && rest.length > 1) throw notServed();
  return { type, namespace: undefined, name: rest[1], subresource: rest[2] };
}

function handleResource(ctx: RouterContext, t: ResourceTarget, req: ApiRequest, res: ServerResponse): ApiResponse {
  const { api } = ctx;
  const q = req.url.searchParams;
  const { type, namespace, name } = t;
  if (t.subresource !== undefined && !(t.subresource === 'status' && type.subresources.status) && !(t.subresource === 'scale' && type.subresources.scale)) {
    throw new ApiError('NotFound', `the server could not find the requested resource (${type.plural}/${t.subresource})`);
  }
  const sub = t.subresource as Subresource;
  const write: WriteOptions = { fieldValidation: q.get('fieldValidation'), dryRun: q.get('dryRun') === 'All' };
  const table = wantsTable(req.headers.accept) && q.get('includeObject') !== 'None';
  const selectors = () => [parseLabelSelector(q.get('labelSelector')), parseFieldSelector(q.get('fieldSelector'))];

  if (name === undefined) {
    switch (req.method) {
      case 'GET': {
        if (q.get('watch') === 'true' || q.get('watch') === '1') {
          const watch = serveWatch(res, ctx.store, {
            type, namespace, selectors: selectors(), resourceVersion: q.get('resourceVersion'),
            timeoutSeconds: positiveNumber(q.get('timeoutSeconds')) ?? 1800, allowBookmarks: q.get('allowWatchBookmarks') === 'true',
            bookmarkIntervalMs: ctx.bookmarkIntervalMs,
            render: (obj) => (table ? toTable(type, [obj], undefined) : obj),
          });
          ctx.watches.add(watch);
          res.once('close', () => ctx.watches.delete(watch));
          return 'streamed';
        }
        const { items, resourceVersion } = api.list(type, namespace, selectors());
        if (table) return ok(toTable(type, items, resourceVersion));
        return ok({ kind: type.listKind, apiVersion: gv(type), metadata: { resourceVersion }, items });
      }
      case 'POST': {
        if (type.namespaced && namespace === undefined) throw new ApiError('MethodNotAllowed', `POST to all namespaces is not allowed: use /namespaces/<ns>/${type.plural}`);
        return { code: 201, body: api.create(type, namespace, parseJson(req.body), write) };
      }
      case 'DELETE': {
        const { items } = api.list(type, namespace, selectors());
        const deleted = items.map((o) => api.delete(type, o.metadata.namespace, o.metadata.name!, deleteOptions(req)));
        return ok({ kind: type.listKind, apiVersion: gv(type), metadata: { resourceVersion: String(ctx.store.resourceVersion) }, items: deleted });
      }
      default: throw methodNotAllowed(req.method);
    }
  }

  if (sub === 'scale') {
    switch (req.method) {
      case 'GET': return ok(api.getScale(type, namespace, name));
      case 'PUT': return ok(api.updateScale(type, namespace, name, () => asScale(parseJson(req.body))));
      case 'PATCH': {
        const patchType = patchTypeOf(req.headers['content-type']);
        const patch = parsePatchBody(patchType, req.body);
        return ok(api.updateScale(type, namespace, name, (scale) => asScale(applyPatch(patchType === 'apply' ? 'merge' : patchType, scale, patch, true))));
      }
      default: throw methodNotAllowed(req.method);
    }
  }

  switch (req.method) {
    case 'GET': {
      const obj = api.get(type, namespace, name);
      return ok(table ? toTable(type, [obj], obj.metadata.resourceVersion) : obj);
    }
    case 'PUT': return ok(api.update(type, namespace, name, parseJson(req.body), sub, write));
    case 'PATCH': {
      const patchType = patchTypeOf(req.headers['content-type']);
      return ok(api.patch(type, namespace, name, patchType, parsePatchBody(patchType, req.body), sub, write));
    }
    case 'DELETE': {
      if (sub !== undefined) throw methodNotAllowed(req.method);
      return ok(api.delete(type, namespace, name, deleteOptions(req)));
    }
    default: throw methodNotAllowed(req.method);
  }
}

function deleteOptions(req: ApiRequest): DeleteOptions {
  const body = req.body.trim() === '' ? {} : parseJson(req.body) as Record<string, unknown>;
  const policy = req.url.searchParams.get('propagationPolicy') ?? body.propagationPolicy;
  const options: DeleteOptions = {};
  if (policy !== undefined && policy !== null) {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') throw new ApiError('BadRequest', `propagationPolicy must be Background, Foreground or Orphan, not ${JSON.stringify(policy)}`);
    options.propagationPolicy = policy;
  } else if (body.orphanDependents === true) {
    options.propagationPolicy = 'Orphan';
  }
  if (typeof body.preconditions === 'object' && body.preconditions !== null) options.preconditions = body.preconditions as DeleteOptions['preconditions'] & object;
  return options;
}

function asScale(v: unknown): ReturnType<ResourceApi['getScale']> {
  if (typeof v !== 'object' || v === null) throw new ApiError('BadRequest', 'a Scale must be an object');
  const scale = v as ReturnType<ResourceApi['getScale']>;
  scale.metadata ??= {};
  return scale;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new ApiError('BadRequest', `the request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function discovery(list: Record<string, unknown> | undefined, path: string): ApiResponse {
  if (list === undefined) throw new ApiError('NotFound', `the server could not find the requested resource (${path})`);
  return ok(list);
}

function positiveNumber(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new ApiError('BadRequest', `timeoutSeconds must be a non-negative number, not ${JSON.stringify(v)}`);
  return n;
}

function methodNotAllowed(method: string): ApiError {
  return new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

function ok(body: unknown): ApiResponse {
  return { code: 200, body };
}

function gv(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}
