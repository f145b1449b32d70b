/**
 * `caplab import artillery.yml`: the common subset of an Artillery script as a caplab scenario
 * (YAML text, validated before it is returned). Phases become an arrival-rate executor (one
 * constant phase: constant-arrival-rate; anything else: ramping-arrival-rate stages), one flow
 * becomes a single request or `steps:`, several scenarios of one request each become a weighted
 * `requests:` mix, `capture` and the expect plugin's common checks map, and `ensure` becomes
 * thresholds. Everything else is listed in the notes (and as comments in the output).
 */
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { CaplabError } from '../errors.ts';
import { parseScenario } from '../plan/load-scenario.ts';
import { formatIssue } from '../plan/plan.ts';
import { parseDuration } from '../plan/units.ts';
import { fromArtilleryTemplate } from './artillery-template.ts';
import { importThresholds } from './import-artillery-ensure.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

const phaseSchema = z.looseObject({
  name: z.string().optional(),
  duration: z.union([z.number(), z.string()]).optional(),
  arrivalRate: z.number().optional(),
  rampTo: z.number().optional(),
  arrivalCount: z.number().optional(),
  pause: z.union([z.number(), z.string()]).optional(),
  maxVusers: z.number().optional(),
});

const scriptSchema = z.looseObject({
  config: z.looseObject({
    target: z.string().min(1),
    phases: z.array(phaseSchema).min(1),
    http: z.looseObject({ timeout: z.number().optional() }).optional(),
    ensure: z.unknown().optional(),
    plugins: z.record(z.string(), z.unknown()).optional(),
  }),
  scenarios: z.array(z.looseObject({ name: z.string().optional(), weight: z.number().optional(), flow: z.array(z.record(z.string(), z.unknown())).min(1) })).min(1),
});

type Script = z.output<typeof scriptSchema>;

export interface ImportOutput {
  /** the scenario, as YAML */
  text: string;
  notes: string[];
}

/** Converts Artillery script text; `name` becomes the scenario name, `schemaRef` the editor's schema path. */
export function importArtillery(text: string, file: string, opts: { name: string; schemaRef: string }): ImportOutput {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new CaplabError('CAPLAB_ERR_IMPORT', `${file}: YAML syntax: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = scriptSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CaplabError('CAPLAB_ERR_IMPORT', `${file}: not an Artillery script this importer reads (${i.path.join('.') || 'top level'}: ${i.message})`, { hint: 'it needs config.target, config.phases and scenarios[].flow' });
  }
  const script = parsed.data;
  const notes: string[] = [];
  const note = (what: string): void => { if (!notes.includes(what)) notes.push(what); };
  const cfg = script.config;
  for (const key of Object.keys(cfg)) if (!['target', 'phases', 'http', 'ensure', 'plugins'].includes(key)) note(`config.${key}: no caplab counterpart; left out`);
  for (const p of Object.keys(cfg.plugins ?? {})) if (!['expect', 'ensure', 'metrics-by-endpoint'].includes(p)) note(`plugin ${p}: left out`);

  const timeoutS = cfg.http?.timeout ?? 10;
  const workload: Record<string, unknown> = { ...executorOf(script, timeoutS, note) };
  workload['http'] = { target: cfg.target.replace(/\/+$/, ''), ...(cfg.http?.timeout !== undefined ? { timeout: `${timeoutS}s` } : {}), ...httpOf(script, cfg.target, note) };
  const scenario: Record<string, unknown> = {
    name: opts.name,
    description: `imported from ${file} by caplab import`,
    workloads: { main: workload },
  };
  const thresholds = importThresholds(cfg.ensure, note);
  if (Object.keys(thresholds).length > 0) scenario['thresholds'] = thresholds;
  note('caplab measures http_req_duration from each arrival\'s intended start (corrected for coordinated omission); Artillery from the send');

  const header = [`yaml-language-server: $schema=${opts.schemaRef}`, `Imported from ${file} by \`caplab import\`.`, ...(notes.length > 0 ? ['What did not map:', ...notes.map((n) => `- ${n}`)] : [])];
  const out = `${header.map((l) => `# ${l}`).join('\n')}\n${stringify(scenario, { lineWidth: 0 })}`;
  const check = parseScenario(out, `${opts.name}.yaml`);
  if (!check.ok) throw new CaplabError('CAPLAB_ERR_IMPORT', `${file}: the converted scenario is not valid`, { details: check.issues.map(formatIssue) });
  return { text: out, notes };
}

function seconds(v: number | string | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  // Artillery reads a bare number string as seconds; caplab's parser reads it as ms.
  return /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : (parseDuration(v) ?? 0) / 1000;
}

function executorOf(script: Script, timeoutS: number, note: (what: string) => void): Record<string, unknown> {
  const phases = script.config.phases;
  const stages: { duration: number; target: number }[] = [];
  let rate: number | null = null;
  let start = 0;
  let maxVusers: number | undefined;
  const jumpTo = (to: number): void => {
    if (rate === null) start = to;
    else if (rate !== to) stages.push({ duration: 0, target: to });
    rate = to;
  };
  for (const p of phases) {
    if (p.maxVusers !== undefined) maxVusers = Math.max(maxVusers ?? 0, p.maxVusers);
    if (p.pause !== undefined) {
      jumpTo(0);
      stages.push({ duration: seconds(p.pause), target: 0 });
      continue;
    }
    const d = seconds(p.duration);
    const from = p.arrivalRate ?? (p.arrivalCount !== undefined && d > 0 ? p.arrivalCount / d : 0);
    jumpTo(from);
    const to = p.rampTo ?? from;
    stages.push({ duration: d, target: to });
    rate = to;
  }
  const peak = Math.max(start, ...stages.map((s) => s.target));
  // Artillery caps virtual users only when a phase says so; caplab needs a bound: enough for
  // every arrival of a second to wait out its timeout.
  const maxVUs = maxVusers ?? Math.min(10_000, Math.max(10, Math.ceil(peak * timeoutS)));
  if (maxVusers === undefined) note(`maxVUs: Artillery sets no cap without maxVusers; caplab needs one and uses ${maxVUs} (peak rate x timeout)`);
  const vus = { preAllocatedVUs: Math.min(maxVUs, Math.max(1, Math.ceil(peak))), maxVUs };
  const fmtRate = (r: number): string => `${+r.toFixed(6)}/s`;
  const fmtDur = (s: number): string => `${+(s * 1000).toFixed(3)}ms`.replace(/^(\d+)000ms$/, '$1s');
  if (stages.length === 1 && stages[0]!.target === start) {
    return { executor: 'constant-arrival-rate', rate: fmtRate(start), duration: fmtDur(stages[0]!.duration), ...vus };
  }
  return { executor: 'ramping-arrival-rate', startRate: fmtRate(start), stages: stages.map((s) => ({ duration: fmtDur(s.duration), target: fmtRate(s.target) })), ...vus };
}

function httpOf(script: Script, target: string, note: (what: string) => void): Record<string, unknown> {
  const flows = script.scenarios.map((s, i) => ({ name: s.name, weight: s.weight ?? 1, requests: requestsOf(s.flow, target, `scenario ${s.name ?? i}`, note) }));
  if (flows.length === 1) {
    const reqs = flows[0]!.requests;
    if (reqs.length === 1) {
      const { name: _name, capture: _capture, ...single } = reqs[0]!;
      return single;
    }
    const used = new Set<string>();
    return { steps: reqs.map((r, i) => ({ ...r, name: uniqueName(r['name'] as string | undefined, `step-${i}`, used) })) };
  }
  const used = new Set<string>();
  return {
    requests: flows.map((f, i) => {
      if (f.requests.length > 1) note(`scenario ${f.name ?? i}: a mix entry is one request; only the first of its ${f.requests.length} is kept`);
      const { capture: _capture, ...first } = f.requests[0]!;
      return { ...first, name: uniqueName(f.name, `request-${i}`, used), weight: f.weight };
    }),
  };
}

function uniqueName(wanted: string | undefined, fallback: string, used: Set<string>): string {
  const base = (wanted ?? fallback).replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/^-+|-+$/g, '') || fallback;
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  used.add(name);
  return name;
}

function requestsOf(flow: readonly Record<string, unknown>[], target: string, where: string, note: (what: string) => void): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const step of flow) {
    const method = METHODS.find((m) => step[m] !== undefined);
    if (method === undefined) {
      note(`${where}: flow action ${Object.keys(step).join(', ')} has no caplab counterpart (think time is per iteration and closed-model only; loops and functions need a TypeScript scenario); left out`);
      continue;
    }
    out.push(requestOf(method, step[method] as Record<string, unknown>, target, note));
  }
  if (out.length === 0) throw new CaplabError('CAPLAB_ERR_IMPORT', `${where}: its flow has no HTTP request caplab can send`);
  return out;
}

function requestOf(method: string, spec: Record<string, unknown>, target: string, note: (what: string) => void): Record<string, unknown> {
  const t = (s: string): string => fromArtilleryTemplate(s, note);
  let url = String(spec['url'] ?? '/');
  if (/^https?:\/\//.test(url)) {
    if (url.startsWith(target)) url = url.slice(target.replace(/\/+$/, '').length) || '/';
    else note(`url ${url}: another host than config.target; sent to the target with this path`);
    url = url.replace(/^https?:\/\/[^/]+/, '') || '/';
  }
  if (!url.startsWith('/')) url = `/${url}`;
  const qs = spec['qs'];
  if (qs !== null && typeof qs === 'object') url += (url.includes('?') ? '&' : '?') + Object.entries(qs).map(([k, v]) => `${encodeURIComponent(k)}=${String(v)}`).join('&');
  const r: Record<string, unknown> = { method: method.toUpperCase(), path: t(url) };
  if (typeof spec['name'] === 'string') r['name'] = spec['name'];
  const headers = spec['headers'];
  if (headers !== null && typeof headers === 'object') r['headers'] = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, t(String(v))]));
  if (spec['json'] !== undefined) r['body'] = { json: mapStrings(spec['json'], t) };
  else if (typeof spec['body'] === 'string') r['body'] = t(spec['body']);
  else if (spec['formData'] !== null && typeof spec['formData'] === 'object') {
    r['body'] = { multipart: Object.fromEntries(Object.entries(spec['formData'] as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? t(v) : JSON.stringify(v)])) };
  }
  const capture = capturesOf(spec['capture'], note);
  if (Object.keys(capture).length > 0) r['capture'] = capture;
  const checks = checksOf(spec['expect'], note);
  if (checks.length > 0) r['checks'] = checks;
  for (const key of Object.keys(spec)) if (!['url', 'name', 'headers', 'json', 'body', 'formData', 'capture', 'expect', 'qs'].includes(key)) note(`request option ${key}: no caplab counterpart; left out`);
  return r;
}

function mapStrings(v: unknown, t: (s: string) => string): unknown {
  if (typeof v === 'string') return t(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, t));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, t)]));
  return v;
}

function capturesOf(raw: unknown, note: (what: string) => void): Record<string, string> {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Record<string, string> = {};
  for (const c of list as Record<string, unknown>[]) {
    const as = String(c['as'] ?? '');
    if (typeof c['json'] === 'string' && /^\$(\.[A-Za-z_][\w-]*|\[\d+\])*$/.test(c['json'])) out[as] = c['json'];
    else if (typeof c['header'] === 'string') out[as] = `header:${c['header']}`;
    else if (c['regexp'] === '^[\\s\\S]*$' || c['regexp'] === '[\\s\\S]*') out[as] = 'body';
    else note(`capture ${JSON.stringify(c)}: caplab captures a simple JSONPath ($.a.b[0]), a header or the body; left out`);
  }
  return out;
}

function checksOf(raw: unknown, note: (what: string) => void): Record<string, unknown>[] {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Record<string, unknown>[] = [];
  for (const e of list as Record<string, unknown>[]) {
    const [kind, value] = Object.entries(e)[0] ?? [];
    if (kind === 'statusCode' && (typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number')))) out.push({ status: value });
    else if (kind === 'hasProperty' && typeof value === 'string') out.push({ jsonPath: jsonPathOf(value), exists: true });
    else if (kind === 'notHasProperty' && typeof value === 'string') out.push({ jsonPath: jsonPathOf(value), exists: false });
    else if (kind === 'matchesRegexp' && typeof value === 'string' && !/[.*+?^$()|[\]\\{}]/.test(value)) out.push({ bodyContains: value });
    else note(`expect ${JSON.stringify(e)}: no caplab check for it; left out`);
  }
  return out;
}

function jsonPathOf(prop: string): string {
  return `$${prop.split('.').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('')}`;
}
