/**
 * The `http` driver. It resolves the target, builds what can be built once (body, checks, metric
 * handles, for the fast engine the whole request), and picks the engine: the lean HTTP/1.1 path
 * for a single plain-http request whose bytes never change, undici for everything else (https,
 * random bodies, and through http-flow.ts templates, datasets, request mixes and steps).
 */
import { CaplabError } from '../errors.ts';
import { M } from '../metrics/metric-names.ts';
import type { Dataset, Datasets } from './dataset.ts';
import type { Driver, DriverDeps, Endpoints } from './driver.ts';
import type { BodyDeps } from './http-body-builder.ts';
import type { RequestBody } from './http-body.ts';
import { compileCaptures } from './http-capture.ts';
import { compileChecks, type CompiledChecks } from './http-checks.ts';
import { FastHttpDriver } from './http-fast/fast-driver.ts';
import { buildRequestBytes } from './http-fast/request-bytes.ts';
import { HttpFlowDriver, type FlowOptions, type FlowRequest } from './http-flow.ts';
import { HttpConnectionHolder } from './http-hold.ts';
import { httpBaseTags, HttpMetrics } from './http-metrics.ts';
import { requestRefs } from './http-request-refs.ts';
import type { HttpRequestConfig } from './http-request-schema.ts';
import { compileRequestTemplate } from './http-request-template.ts';
import { UndiciClient, UndiciHttpDriver } from './http-undici.ts';
import { compileTemplate } from './template.ts';
import { WeightedPick } from './weighted-pick.ts';

export type HttpEngine = 'fast' | 'undici';

export interface ResolvedTarget {
  /** scheme://host:port */
  origin: URL;
  /** the endpoint's own path prefix, then the request's path and query */
  path: string;
}

/** Builds the driver for one workload's `http:` block; throws a scenario error for config it cannot honour. */
export function createHttpDriver(config: HttpRequestConfig, deps: DriverDeps): Driver {
  const bodyDeps = { baseDir: deps.baseDir, datasets: deps.datasets ?? {} };
  if (config.requests === undefined && config.steps === undefined) {
    const single = compileRequestTemplate({ method: config.method, path: config.path, headers: config.headers, body: config.body }, bodyDeps);
    const checks = compileChecks(config.checks);
    if (single.isStatic && !checks.varies) return createStaticDriver(config, deps, single.body.fixed!, checks);
  }
  return createFlowDriver(config, deps, bodyDeps);
}

/** One request whose bytes never change (but for a random body): the fast engine when it can. */
function createStaticDriver(config: HttpRequestConfig, deps: DriverDeps, body: RequestBody, checks: CompiledChecks): Driver {
  const target = resolveTarget(config.target, config.path, deps.endpoints);
  const engine = pickEngine(config.engine, target.origin, body);
  const metrics = new HttpMetrics(deps.recorder, httpBaseTags(deps.tags, config.name, config.method), checks);
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

/** Requests built per iteration (templates, datasets, a mix, steps): undici, with the flow driver. */
function createFlowDriver(config: HttpRequestConfig, deps: DriverDeps, bodyDeps: BodyDeps): Driver {
  const target = resolveTarget(config.target, '', deps.endpoints);
  if (config.engine === 'fast') {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', 'http.engine fast sends one prebuilt request, but templates, datasets, `requests:` and `steps:` build each request per iteration; use engine: undici (or auto)');
  }
  const client = new UndiciClient({
    origin: target.origin.origin,
    timeoutMs: config.timeout,
    maxConnections: Math.max(1, config.connections ?? deps.maxConcurrency),
    clock: deps.clock,
  });
  const compile = (entry: FlowEntry, name: string | undefined, isStep: boolean): FlowRequest => {
    const headers = config.requests || config.steps ? mergeHeaders(config.headers, entry.headers) : entry.headers;
    const template = compileRequestTemplate({ method: entry.method, path: entry.path, headers, body: entry.body }, bodyDeps);
    const tags = httpBaseTags(deps.tags, name, entry.method);
    return {
      template,
      metrics: new HttpMetrics(deps.recorder, tags, compileChecks(entry.checks)),
      captures: isStep ? compileCaptures(entry.capture ?? {}) : null,
      failed: isStep ? failedCounter(tags['name']!) : null,
    };
  };
  // Recorded as 0 up front, so `iterations_failed count == 0` is judged Good rather than no-data.
  const failedCounter = (name: string) => {
    const c = deps.recorder.counter(M.iterationsFailed, { ...deps.tags, name });
    c.add(0);
    return c;
  };
  let form: FlowOptions['form'];
  if (config.steps) form = { kind: 'steps', steps: config.steps.map((s) => compile(s, s.name, true)) };
  else if (config.requests) form = { kind: 'mix', requests: config.requests.map((r) => compile(r, r.name, false)), pick: new WeightedPick(config.requests.map((r) => r.weight)) };
  else form = { kind: 'one', request: compile(config, config.name, false) };
  return new HttpFlowDriver({
    client,
    prefix: target.path,
    host: target.origin.host,
    vars: Object.entries(config.vars).map(([name, source]) => [name, compileTemplate(source)] as const),
    form,
    seed: deps.seed ?? 0,
    dataset: itemDataset(config, bodyDeps.datasets),
    clock: deps.clock,
  });
}

type FlowEntry = Pick<HttpRequestConfig, 'method' | 'path' | 'headers' | 'body' | 'checks'> & { capture?: Readonly<Record<string, string>> };

/** The block's default headers under an entry's own; names compare case-insensitively, as HTTP does. */
function mergeHeaders(defaults: Readonly<Record<string, string>>, own: Readonly<Record<string, string>>): Record<string, string> {
  const ownNames = new Set(Object.keys(own).map((n) => n.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [n, v] of Object.entries(defaults)) if (!ownNames.has(n.toLowerCase())) out[n] = v;
  return { ...out, ...own };
}

/** The dataset `{{item.…}}` reads: the one the workload sends (validation allows no more than one when items are read). */
function itemDataset(config: HttpRequestConfig, datasets: Datasets): Dataset | undefined {
  const entries: unknown[] = config.steps ?? config.requests ?? [config];
  const names = new Set(entries.flatMap((e) => requestRefs(e, [])).flatMap((r) => (r.kind === 'dataset' ? [r.name] : [])));
  return names.size === 1 ? datasets[[...names][0]!] : undefined;
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
