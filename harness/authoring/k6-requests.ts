/**
 * The per-request part of an exported k6 script: one function per caplab request (a single
 * request, a mix entry or a step) that sends it with k6/http, runs its checks with `check()`,
 * applies a step's captures, and returns whether the request succeeded as caplab judges it
 * (every check passes, and without a status check a status below 400).
 */
import path from 'node:path';
import { describeCheck, parseJsonPath } from '../drivers/http-checks.ts';
import type { HttpBody, HttpCheck } from '../drivers/http-request-schema.ts';
import { goDuration, str, templateExpr, type JsTemplateContext } from './js-source.ts';

export type ResponseHelper = 'jsonAt' | 'jsonText' | 'header';

export interface K6Request {
  fn: string;
  target: string;
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: HttpBody | undefined;
  checks: readonly HttpCheck[];
  capture: Readonly<Record<string, string>>;
  name: string;
  timeoutMs: number;
}

export interface K6Context extends JsTemplateContext {
  baseDir: string;
  /** init-context lines (k6 allows `open()` only there) */
  init: string[];
  /** whether `k6/crypto` is needed */
  crypto: { used: boolean };
  /** response helpers the script needs */
  responseHelpers: Set<ResponseHelper>;
}

/** The function that sends `r`; returns its source lines. */
export function requestFunction(r: K6Request, ctx: K6Context): string[] {
  const out = [`function ${r.fn}(vars: Vars): boolean {`];
  const headers = Object.entries(r.headers).map(([k, v]) => `${str(k)}: ${templateExpr(v, ctx)}`);
  const body = bodyExpr(r.body, ctx);
  if (body.contentType && !Object.keys(r.headers).some((h) => h.toLowerCase() === 'content-type')) headers.push(`"content-type": ${str(body.contentType)}`);
  const statuses = r.checks.flatMap((c) => ('status' in c ? (Array.isArray(c.status) ? c.status : [c.status]) : []));
  const params = [
    headers.length === 0 ? 'headers: {}' : `headers: { ${headers.join(', ')} }`,
    `tags: { name: ${str(r.name)} }`,
    `timeout: ${str(goDuration(r.timeoutMs))}`,
    ...(statuses.length > 0 ? [`responseCallback: http.expectedStatuses(${statuses.join(', ')})`] : []),
  ];
  out.push(`  const res = http.request(${str(r.method)}, TARGETS[${str(r.target)}] + ${templateExpr(r.path, ctx)}, ${body.expr}, { ${params.join(', ')} });`);
  const checks = r.checks.map((c) => `    ${str(describeCheck(c))}: (x) => ${checkExpr(c, ctx)},`);
  if (checks.length > 0) out.push('  const passed = check(res, {', ...checks, '  });');
  else out.push('  const passed = true;');
  const statusRule = statuses.length > 0 ? 'res.status !== 0' : 'res.status !== 0 && res.status < 400';
  out.push(`  if (!passed || !(${statusRule})) return false;`);
  for (const [name, spec] of Object.entries(r.capture)) {
    out.push(`  const ${captureVar(name)} = ${captureExpr(spec, ctx)};`, `  if (${captureVar(name)} === undefined) return false;`, `  vars[${str(name)}] = ${captureVar(name)};`);
  }
  out.push('  return true;', '}');
  return out;
}

function captureVar(name: string): string {
  return `captured_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function captureExpr(spec: string, ctx: K6Context): string {
  if (spec === 'body') return 'typeof res.body === "string" ? res.body : undefined';
  if (spec.startsWith('header:')) {
    ctx.responseHelpers.add('header');
    return `header(res, ${str(spec.slice('header:'.length))})`;
  }
  ctx.responseHelpers.add('jsonText').add('jsonAt');
  return `jsonText(res, ${str(gjsonPath(spec))})`;
}

/** `$.a.b[0]` as k6's (gjson) selector `a.b.0`; `$` alone is the whole body. */
export function gjsonPath(jsonPath: string): string {
  return parseJsonPath(jsonPath).map(String).join('.');
}

function checkExpr(c: HttpCheck, ctx: K6Context): string {
  if ('status' in c) return Array.isArray(c.status) ? `[${c.status.join(', ')}].includes(x.status)` : `x.status === ${c.status}`;
  if ('bodyContains' in c) return `typeof x.body === "string" && x.body.includes(${templateExpr(c.bodyContains, ctx)})`;
  if ('bodyEquals' in c) return `x.body === ${templateExpr(c.bodyEquals, ctx)}`;
  ctx.responseHelpers.add('jsonAt');
  const at = `jsonAt(x, ${str(gjsonPath(c.jsonPath))})`;
  if (c.equals !== undefined) return `${at} === ${typeof c.equals === 'string' ? templateExpr(c.equals, ctx) : JSON.stringify(c.equals)}`;
  return c.exists === false ? `${at} === undefined` : `${at} !== undefined`;
}

interface BodyOut { expr: string; contentType?: string }

function bodyExpr(body: HttpBody | undefined, ctx: K6Context): BodyOut {
  if (body === undefined) return { expr: 'null' };
  if (typeof body === 'string') return { expr: templateExpr(body, ctx) };
  if ('file' in body) return { expr: openFile(body.file, ctx) };
  if ('json' in body) return { expr: `JSON.stringify(${jsonLiteral(body.json, ctx)})`, contentType: 'application/json' };
  if ('randomBytes' in body) {
    ctx.crypto.used = true;
    return { expr: `crypto.randomBytes(${body.randomBytes})`, contentType: 'application/octet-stream' };
  }
  if ('randomText' in body) {
    ctx.helpers.add('randString');
    return { expr: `randString(${body.randomText})`, contentType: 'text/plain' };
  }
  if ('var' in body) return { expr: `vars[${str(body.var)}]` };
  if ('dataset' in body) {
    ctx.unsupported(`body { dataset: ${body.dataset} } (datasets are made by caplab before the run; k6 has no equivalent; sent as an empty body)`);
    return { expr: 'null' };
  }
  const fields = Object.entries(body.multipart).map(([field, v]) => {
    if (typeof v === 'string') return `${str(field)}: ${templateExpr(v, ctx)}`;
    const filename = v.filename ?? (v.file !== undefined ? path.basename(v.file) : field);
    const type = v.contentType ?? 'application/octet-stream';
    let data = "''";
    if (v.file !== undefined) data = openFile(v.file, ctx);
    else if (v.var !== undefined) data = `vars[${str(v.var)}]`;
    else ctx.unsupported(`multipart field ${field} from dataset ${v.dataset} (no k6 equivalent; sent empty)`);
    return `${str(field)}: http.file(${data}, ${str(filename)}, ${str(type)})`;
  });
  return { expr: `{ ${fields.join(', ')} }` };
}

function openFile(file: string, ctx: K6Context): string {
  const name = `FILE_${ctx.init.length}`;
  ctx.init.push(`// open() resolves relative to this script in k6; the scenario's file is given absolute, as caplab resolves it.`, `const ${name} = open(${str(path.resolve(ctx.baseDir, file))}, "b");`);
  return name;
}

function jsonLiteral(value: unknown, ctx: K6Context): string {
  if (typeof value === 'string') return templateExpr(value, ctx);
  if (Array.isArray(value)) return `[${value.map((v) => jsonLiteral(v, ctx)).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${str(k)}: ${jsonLiteral(v, ctx)}`).join(', ')} }`;
  return JSON.stringify(value ?? null);
}

/** Helpers for JSON selectors and header lookup, each emitted when a request needs it. */
export function responseHelperSource(used: ReadonlySet<ResponseHelper>): string[] {
  const out: string[] = [];
  if (used.has('jsonAt')) {
    out.push(
      'function jsonAt(r: Response, selector: string): JSONValue | undefined {',
      '  try {',
      '    return selector === "" ? r.json() : r.json(selector);',
      '  } catch {',
      '    return undefined;',
      '  }',
      '}',
    );
  }
  if (used.has('jsonText')) {
    out.push(
      'function jsonText(r: Response, selector: string): string | undefined {',
      '  const v = jsonAt(r, selector);',
      '  if (v === undefined || v === null) return undefined;',
      '  return typeof v === "string" ? v : JSON.stringify(v);',
      '}',
    );
  }
  if (used.has('header')) {
    out.push(
      'function header(r: Response, name: string): string | undefined {',
      '  const wanted = name.toLowerCase();',
      '  for (const [k, v] of Object.entries(r.headers)) if (k.toLowerCase() === wanted) return v;',
      '  return undefined;',
      '}',
    );
  }
  return out;
}
