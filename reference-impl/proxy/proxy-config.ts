/**
 * The proxy's configuration: one zod schema that is both the validator and the type. It comes
 * from a YAML or JSON file (`--config`), inline JSON (`--config-json`, merged over the file) and
 * `--upstreams` (used when neither lists any). Every problem is reported at once, one line each,
 * with the path of the field, so a rejected reload says exactly what to fix.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseBytes, parseDuration } from '../common/units.ts';

/** A duration as `250ms` / `1.5s`, or a number of milliseconds. */
const duration = () => z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseDuration(v);
  if (ms === null) { ctx.addIssue({ code: 'custom', message: `expected a duration like 250ms or 2s, got ${JSON.stringify(v)}` }); return z.NEVER; }
  return ms;
});

/** A size as `64KiB` / `16k`, or a number of bytes. */
const bytes = () => z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : parseBytes(v);
  if (n === null || n <= 0) { ctx.addIssue({ code: 'custom', message: `expected a size like 16KiB or 65536, got ${JSON.stringify(v)}` }); return z.NEVER; }
  return n;
});

const upstreamUrl = z.string().transform((v, ctx) => {
  let u: URL;
  try { u = new URL(v); } catch { ctx.addIssue({ code: 'custom', message: `not a URL: ${JSON.stringify(v)} (expected http://host:port)` }); return z.NEVER; }
  if (u.protocol !== 'http:') { ctx.addIssue({ code: 'custom', message: `only http:// upstreams are supported, got ${u.protocol}//` }); return z.NEVER; }
  if (u.pathname !== '/' || u.search !== '') { ctx.addIssue({ code: 'custom', message: `an upstream is an origin (http://host:port), without a path: ${v}` }); return z.NEVER; }
  return u.origin;
});

const healthCheckSchema = z.strictObject({
  enabled: z.boolean().default(true),
  path: z.string().startsWith('/').default('/health'),
  interval: duration().default(1000).refine((ms) => ms >= 10, 'interval must be at least 10ms'),
  timeout: duration().default(500).refine((ms) => ms >= 1, 'timeout must be at least 1ms'),
  rise: z.number().int().min(1).default(2),
  fall: z.number().int().min(1).default(2),
  healthyStatuses: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
});

const outlierSchema = z.strictObject({
  enabled: z.boolean().default(true),
  consecutiveFailures: z.number().int().min(1).default(5),
  baseEjectionTime: duration().default(30_000).refine((ms) => ms >= 1, 'baseEjectionTime must be at least 1ms'),
  maxEjectionTime: duration().default(300_000),
  maxEjectionPercent: z.number().min(0).max(100).default(10),
});

const breakerSchema = z.strictObject({
  enabled: z.boolean().default(true),
  failureThreshold: z.number().int().min(1).default(5),
  recoveryTimeout: duration().default(30_000),
});

export const proxyConfigSchema = z.strictObject({
  upstreams: z.array(upstreamUrl).default([]),
  workers: z.number().int().min(1).max(64).default(2),
  buffers: z.strictObject({
    /** socket and stream high-water mark, both sides */
    highWaterMark: bytes().default(64 * 1024),
    /** largest request header block accepted from clients */
    maxHeaderSize: bytes().default(16 * 1024),
  }).prefault({}),
  pool: z.strictObject({
    /** keep-alive connections per upstream, per worker */
    connections: z.number().int().min(1).default(64),
    keepAliveTimeout: duration().default(4_000),
    connectTimeout: duration().default(1_000),
    /** time for the upstream to send response headers */
    headersTimeout: duration().default(30_000),
  }).prefault({}),
  /** try another upstream when connecting failed (nothing was sent, so it is safe for any method) */
  retryOnConnectError: z.boolean().default(true),
  /** upstream statuses that count as failures for outlier detection and the breaker */
  failureStatuses: z.array(z.number().int().min(100).max(599)).default([500, 502, 503, 504]),
  healthCheck: healthCheckSchema.prefault({}),
  outlierDetection: outlierSchema.prefault({}),
  circuitBreaker: breakerSchema.prefault({}),
  /** on SIGTERM or reload, how long in-flight requests may take to finish */
  drainTimeout: duration().default(10_000),
  /** on reload, old workers close their client connections at random moments within this window, not all at once */
  drainSpread: duration().default(1_000),
  /**
   * plain keep-alive requests (a body framed by Content-Length included) go over raw sockets (fast-path.ts) instead of Node's
   * HTTP server and undici; everything else takes the full path. false: every request takes the full path
   */
  fastPath: z.boolean().default(true),
  admin: z.strictObject({
    metricsPath: z.string().startsWith('/').default('/metrics'),
    healthPath: z.string().startsWith('/').default('/healthz'),
  }).prefault({}),
}).superRefine((c, ctx) => {
  if (c.upstreams.length === 0) ctx.addIssue({ code: 'custom', path: ['upstreams'], message: 'no upstreams: list them under `upstreams:` or pass --upstreams http://a:1,http://b:2' });
  if (new Set(c.upstreams).size !== c.upstreams.length) ctx.addIssue({ code: 'custom', path: ['upstreams'], message: 'an upstream is listed twice' });
  if (c.healthCheck.timeout >= c.healthCheck.interval) ctx.addIssue({ code: 'custom', path: ['healthCheck', 'timeout'], message: `timeout (${c.healthCheck.timeout}ms) must be shorter than interval (${c.healthCheck.interval}ms)` });
  if (c.drainSpread >= c.drainTimeout) ctx.addIssue({ code: 'custom', path: ['drainSpread'], message: `drainSpread (${c.drainSpread}ms) must be shorter than drainTimeout (${c.drainTimeout}ms), or connections are cut at the deadline` });
  if (c.outlierDetection.maxEjectionTime < c.outlierDetection.baseEjectionTime) ctx.addIssue({ code: 'custom', path: ['outlierDetection', 'maxEjectionTime'], message: 'maxEjectionTime must be at least baseEjectionTime' });
});

export type ProxyConfig = z.output<typeof proxyConfigSchema>;

/** Where a config comes from; the same sources are read again on SIGHUP. */
export interface ConfigSources {
  /** YAML or JSON file */
  file?: string | undefined;
  /** inline JSON object, merged over the file */
  json?: string | undefined;
  /** comma-separated upstream URLs, used when file and json list none */
  upstreams?: string | undefined;
  /** reload only: JSON merged over everything else (a staged change a scenario can apply with SIGHUP) */
  overlay?: string | undefined;
}

/** A config that failed to load or validate; `problems` holds one line per problem. */
export class ProxyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid proxy config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProxyConfigError';
  }
}

/** Reads and validates the config; throws ProxyConfigError listing every problem. */
export function loadProxyConfig(sources: ConfigSources): ProxyConfig {
  let raw: Record<string, unknown> = {};
  if (sources.file !== undefined) raw = readObject(() => readFileSync(sources.file!, 'utf8'), `--config ${sources.file}`, 'yaml');
  if (sources.json !== undefined) raw = merge(raw, readObject(() => sources.json!, '--config-json', 'json'));
  if (sources.overlay !== undefined) raw = merge(raw, readObject(() => sources.overlay!, '--reload-json', 'json'));
  if ((raw.upstreams === undefined || (Array.isArray(raw.upstreams) && raw.upstreams.length === 0)) && sources.upstreams !== undefined) {
    raw.upstreams = sources.upstreams.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
  return validateProxyConfig(raw);
}

/** Validates an already-parsed config object. */
export function validateProxyConfig(raw: unknown): ProxyConfig {
  const parsed = proxyConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ProxyConfigError(parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(config)'}: ${i.message}`));
}

function readObject(read: () => string, where: string, kind: 'yaml' | 'json'): Record<string, unknown> {
  let text: string;
  try { text = read(); } catch (err) { throw new ProxyConfigError([`${where}: cannot read it (${(err as Error).message})`]); }
  let value: unknown;
  try { value = kind === 'json' ? JSON.parse(text) : parseYaml(text); } catch (err) {
    throw new ProxyConfigError([`${where}: not valid ${kind === 'json' ? 'JSON' : 'YAML or JSON'} (${(err as Error).message.split('\n')[0]})`]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ProxyConfigError([`${where}: expected an object of settings, got ${Array.isArray(value) ? 'a list' : typeof value}`]);
  return value as Record<string, unknown>;
}

/** Deep merge of plain objects; arrays and scalars of `over` replace. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? merge(b, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
