/**
 * The HTTP driver for a TypeScript scenario's functions: each iteration calls the workload's
 * `request(ctx)` (or renders its data request when only checks are functions), sends it on
 * undici like the flow driver, and judges the response with the data checks and then the check
 * functions. A request function that throws or returns something unsendable counts as a failed
 * request with error SCRIPT_ERROR, so a broken script fails its thresholds instead of quietly
 * sending nothing. The functions are imported when the driver is made (scripted-http.ts); if that
 * import fails, iterations reject and the run stops with the error.
 */
import type { Driver, DriverDeps, IterationContext } from '../drivers/driver.ts';
import { resolveTarget } from '../drivers/http.ts';
import { compileChecks, type CompiledChecks } from '../drivers/http-checks.ts';
import { httpBaseTags, HttpMetrics } from '../drivers/http-metrics.ts';
import type { HttpRequestConfig } from '../drivers/http-request-schema.ts';
import { compileRequestTemplate, type RequestTemplate } from '../drivers/http-request-template.ts';
import { UndiciClient, type Method } from '../drivers/http-undici.ts';
import { parseJsonBody } from '../drivers/json-body.ts';
import { iterationRandom } from '../drivers/seeded-random.ts';
import type { TemplateScope } from '../drivers/template.ts';
import type { NamedCheck, ScriptedRequest, ScriptedResponse } from './define-scenario.ts';
import { loadScriptHooks, scriptOf, type ScriptHooks, type ScriptRef } from './scripted-http.ts';

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

interface Built { method: Method; path: string; headers: Record<string, string>; body: Buffer | null }

/** The driver for an `http:` block from a TypeScript scenario with functions, or undefined for any other block. */
export function scriptedHttpDriver(config: HttpRequestConfig, deps: DriverDeps): Driver | undefined {
  const ref = scriptOf(config);
  return ref === undefined ? undefined : new ScriptedHttpDriver(config, ref, deps);
}

class ScriptedHttpDriver implements Driver {
  private readonly client: UndiciClient;
  private readonly prefix: string;
  private readonly host: string;
  private readonly ready: Promise<ScriptHooks>;
  private readonly metrics = new Map<string, HttpMetrics>();
  private checks: CompiledChecks | null = null;
  private readonly fallback: RequestTemplate;

  constructor(private readonly config: HttpRequestConfig, ref: ScriptRef, private readonly deps: DriverDeps) {
    const target = resolveTarget(config.target, '', deps.endpoints);
    this.prefix = target.path;
    this.host = target.origin.host;
    this.client = new UndiciClient({ origin: target.origin.origin, timeoutMs: config.timeout, maxConnections: Math.max(1, config.connections ?? deps.maxConcurrency), clock: deps.clock });
    this.fallback = compileRequestTemplate({ method: config.method, path: config.path, headers: config.headers, body: config.body }, { baseDir: deps.baseDir, datasets: deps.datasets ?? {} });
    this.ready = loadScriptHooks(ref);
    // Handled here too so an import failure before the first iteration is not an unhandled rejection.
    this.ready.catch(() => {});
  }

  async iterate(ctx: IterationContext): Promise<void> {
    const hooks = await this.ready;
    if (ctx.signal.aborted || this.client.isClosed) return;
    this.checks ??= withFunctionChecks(compileChecks(this.config.checks), hooks.checks);
    const rng = iterationRandom(this.deps.seed ?? 0, ctx.iteration);
    const scope: TemplateScope = { iteration: ctx.iteration, vu: ctx.vu, index: ctx.iteration, rng, vars: new Map(), item: undefined };
    let req: Built;
    try {
      req = hooks.request ? this.build(hooks.request({ iteration: ctx.iteration, vu: ctx.vu, random: () => rng.next() })) : this.render(scope);
    } catch {
      this.metricsFor(this.config.method).transportError('SCRIPT_ERROR', 0, 0, 0, 0);
      return;
    }
    let headBytes = req.method.length + req.path.length + this.host.length + 23;
    for (const [k, v] of Object.entries(req.headers)) headBytes += k.length + v.length + 4;
    await this.client.exchange({ path: req.path, method: req.method, headers: req.headers, headBytes, metrics: this.metricsFor(req.method), keepBody: false, scope }, req.body, ctx.intendedTime, ctx.signal);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private render(scope: TemplateScope): Built {
    const r = this.fallback.render(scope, this.prefix, this.host);
    return { method: this.fallback.method, path: r.path, headers: r.headers, body: r.body };
  }

  private build(r: ScriptedRequest): Built {
    if (r === null || typeof r !== 'object' || typeof r.path !== 'string' || !r.path.startsWith('/')) throw new TypeError('request() must return { path: "/..." }');
    const method = (r.method ?? 'GET').toUpperCase();
    if (!METHODS.has(method)) throw new TypeError(`request() returned method ${method}`);
    const headers: Record<string, string> = {};
    const own = new Set(Object.keys(r.headers ?? {}).map((h) => h.toLowerCase()));
    for (const [k, v] of Object.entries(this.config.headers)) if (!own.has(k.toLowerCase())) headers[k] = v;
    Object.assign(headers, r.headers ?? {});
    let body: Buffer | null = null;
    if (r.json !== undefined) {
      body = Buffer.from(JSON.stringify(r.json), 'utf8');
      if (![...own].includes('content-type')) headers['content-type'] = 'application/json';
    } else if (typeof r.body === 'string') {
      body = Buffer.from(r.body, 'utf8');
    } else if (r.body instanceof Uint8Array) {
      body = Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
    }
    return { method: method as Method, path: this.prefix + r.path, headers, body };
  }

  private metricsFor(method: string): HttpMetrics {
    let m = this.metrics.get(method);
    if (m === undefined) {
      m = new HttpMetrics(this.deps.recorder, httpBaseTags(this.deps.tags, this.config.name, method), this.checks ?? compileChecks(this.config.checks));
      this.metrics.set(method, m);
    }
    return m;
  }
}

/** The data checks, then each check function, as one CompiledChecks. */
export function withFunctionChecks(base: CompiledChecks, fns: readonly NamedCheck[]): CompiledChecks {
  if (fns.length === 0) return base;
  const n = base.descriptions.length;
  return {
    descriptions: [...base.descriptions, ...fns.map((f) => f.name)],
    needsBody: true,
    varies: base.varies,
    evaluate(status, body, results, scope) {
      let failed = base.evaluate(status, body, results, scope);
      const view = responseView(status, body);
      for (let i = 0; i < fns.length; i++) {
        let ok: boolean;
        try {
          ok = fns[i]!.check(view) === true;
        } catch {
          ok = false;
        }
        results[n + i] = ok;
        if (!ok) failed = true;
      }
      return failed;
    },
  };
}

function responseView(status: number, body: Buffer | null): ScriptedResponse {
  let text: string | undefined;
  let json: { value: unknown } | undefined;
  return {
    status,
    get body() {
      return (text ??= body === null ? '' : body.toString('utf8'));
    },
    json() {
      if (json === undefined) {
        const parsed = parseJsonBody(body);
        json = { value: parsed.ok ? parsed.value : null };
      }
      return json.value;
    },
  };
}
