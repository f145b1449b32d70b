/**
 * The `http` driver: one request per iteration. It resolves the target, builds what can be built
 * once (body, checks, metric handles, for the fast engine the whole request), and picks the
 * engine: the lean HTTP/1.1 path for plain-http requests whose bytes never change, undici for
 * everything else (https, bodies made fresh per request).
 */
import { CaplabError } from '../errors.ts';
import type { Driver, DriverDeps, Endpoints } from './driver.ts';
import { resolveBody, type RequestBody } from './http-body.ts';
import { compileChecks } from './http-checks.ts';
import { FastHttpDriver } from './http-fast/fast-driver.ts';
import { HttpConnectionHolder } from './http-hold.ts';
import { buildRequestBytes } from './http-fast/request-bytes.ts';
import { httpBaseTags, HttpMetrics } from './http-metrics.ts';
import type { HttpRequestConfig } from './http-request-schema.ts';
import { UndiciHttpDriver } from './http-undici.ts';

export type HttpEngine = 'fast' | 'undici';

export interface ResolvedTarget {
  /** scheme://host:port */
  origin: URL;
  /** the endpoint's own path prefix, then the request's path and query */
  path: string;
}

/** Builds the driver for one workload's `http:` block; throws a scenario error for config it cannot honour. */
export function createHttpDriver(config: HttpRequestConfig, deps: DriverDeps): Driver {
  const target = resolveTarget(config.target, config.path, deps.endpoints);
  const body = resolveBody(config.body, deps.baseDir);
  const engine = pickEngine(config.engine, target.origin, body);
  const metrics = new HttpMetrics(deps.recorder, httpBaseTags(deps.tags, config.name, config.method), compileChecks(config.checks));
  // Fewer connections than VUs queue iterations for a connection (wrk2's model); the wait counts
  // in http_req_duration, measured from the intended time, and not in http_req_duration_raw.
  const maxConnections = Math.max(1, config.connections ?? deps.maxConcurrency);
  const staticBody = body.kind === 'static' ? body.bytes : null;
  const spec = {
    method: config.method,
    path: target.path,
    host: target.origin.host,
    headers: config.headers,
    body: staticBody,
    contentType: body.kind === 'static' ? body.contentType : undefined,
  };
  // Built for both engines: it validates headers and path the same way, whichever engine sends them.
  const request = buildRequestBytes(spec);
  const holder = new HttpConnectionHolder({ origin: target.origin, request, noBody: config.method === 'HEAD', timeoutMs: config.timeout, accept: acceptedStatus(config) });
  return withHold(makeEngine(), holder);

  function makeEngine(): Driver {
    if (engine === 'fast') return new FastHttpDriver({
      host: unbracket(target.origin.hostname),
      port: Number(target.origin.port || 80),
      request,
      method: config.method,
      timeoutMs: config.timeout,
      maxConnections,
      metrics,
      clock: deps.clock,
    });
    return new UndiciHttpDriver({
    origin: target.origin.origin,
    path: target.path,
    method: config.method,
    headers: config.headers,
    body,
    timeoutMs: config.timeout,
    maxConnections,
      headBytes: request.length - (staticBody?.length ?? 0),
      metrics,
      clock: deps.clock,
    });
  }
}

/** The engine's iterations plus holding connections for the hold-connections executor. */
// The engine object itself is returned (callers and tests see which engine ran), given hold()
// and a close() that also closes held connections.
function withHold<D extends Driver>(inner: D, holder: HttpConnectionHolder): D {
  const closeEngine = inner.close.bind(inner);
  inner.hold = (ctx) => holder.hold(ctx);
  inner.close = async () => {
    await holder.close();
    await closeEngine();
  };
  return inner;
}

/** Which status the opening request of a held connection may get: the status checks', else any below 400. */
function acceptedStatus(config: HttpRequestConfig): (status: number) => boolean {
  const wanted = config.checks.flatMap((c) => ('status' in c ? (Array.isArray(c.status) ? c.status : [c.status]) : []));
  return wanted.length > 0 ? (s) => wanted.includes(s) : (s) => s < 400;
}

/** Resolves `target` (a component name from `endpoints`, else an absolute http(s) URL) and joins `path` to it. */
export function resolveTarget(target: string, path: string, endpoints: Endpoints): ResolvedTarget {
  const base = Object.prototype.hasOwnProperty.call(endpoints, target) ? endpoints[target]! : target;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const known = Object.keys(endpoints);
    throw new CaplabError(
      'CAPLAB_ERR_SCENARIO_INVALID',
      `http.target ${JSON.stringify(target)} is neither a component (${known.length > 0 ? known.join(', ') : 'none deployed'}) nor an http:// or https:// URL`,
    );
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  return { origin: new URL(url.origin), path: prefix + path };
}

/** `auto` takes the fast engine for plain http with a body that never changes, undici otherwise. */
export function pickEngine(requested: HttpRequestConfig['engine'], origin: URL, body: RequestBody): HttpEngine {
  const fastPossible = origin.protocol === 'http:' && body.kind !== 'random';
  if (requested === 'undici') return 'undici';
  if (requested === 'auto') return fastPossible ? 'fast' : 'undici';
  if (origin.protocol !== 'http:') {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `http.engine fast speaks plain HTTP/1.1 only, but the target is ${origin.origin}; use engine: undici (or auto) for https`);
  }
  if (body.kind === 'random') {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', 'http.engine fast sends one prebuilt request, but a random body changes every request; use engine: undici (or auto)');
  }
  return 'fast';
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}
