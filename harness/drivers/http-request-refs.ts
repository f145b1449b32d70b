/**
 * Lists what the parts of an HTTP request refer to (iteration variables, dataset items, datasets),
 * each with its path, so validation can say "used before it is captured" or "no such dataset" at
 * the right line. It walks raw YAML data as well as parsed configs, so it is defensive about types.
 */
import { compileTemplate, TemplateError } from './template.ts';

export type RefPath = (string | number)[];

export type HttpRef =
  | { kind: 'var'; name: string; path: RefPath }
  | { kind: 'item'; field: string; path: RefPath }
  | { kind: 'dataset'; name: string; path: RefPath };

/** The single-request fields of an `http:` block, and the fields of one mix entry or step. */
const REQUEST_KEYS = ['path', 'headers', 'body', 'checks'] as const;

/** Refs made by one request (a single-form block, a mix entry or a step); `path` is where it sits. */
export function requestRefs(request: unknown, path: RefPath): HttpRef[] {
  const r = asRecord(request);
  if (r === null) return [];
  const out: HttpRef[] = [];
  for (const key of REQUEST_KEYS) if (r[key] !== undefined) collect(key, r[key], [...path, key], out);
  return out;
}

/** Refs made by templates in a string, e.g. a `vars:` value. */
export function stringRefs(source: unknown, path: RefPath): HttpRef[] {
  const out: HttpRef[] = [];
  templateRefs(source, path, out);
  return out;
}

function collect(key: (typeof REQUEST_KEYS)[number], value: unknown, path: RefPath, out: HttpRef[]): void {
  if (key === 'path') return templateRefs(value, path, out);
  if (key === 'headers') {
    for (const [name, v] of Object.entries(asRecord(value) ?? {})) templateRefs(v, [...path, name], out);
    return;
  }
  if (key === 'checks') {
    if (!Array.isArray(value)) return;
    value.forEach((c, i) => {
      const check = asRecord(c);
      for (const k of ['bodyContains', 'bodyEquals', 'equals']) if (check?.[k] !== undefined) templateRefs(check[k], [...path, i, k], out);
    });
    return;
  }
  bodyRefs(value, path, out);
}

function bodyRefs(body: unknown, path: RefPath, out: HttpRef[]): void {
  if (typeof body === 'string') return templateRefs(body, path, out);
  const b = asRecord(body);
  if (b === null) return;
  if (typeof b['var'] === 'string') out.push({ kind: 'var', name: b['var'], path: [...path, 'var'] });
  if (typeof b['dataset'] === 'string') out.push({ kind: 'dataset', name: b['dataset'], path: [...path, 'dataset'] });
  if ('json' in b) jsonRefs(b['json'], [...path, 'json'], out);
  for (const [field, v] of Object.entries(asRecord(b['multipart']) ?? {})) {
    const fieldPath = [...path, 'multipart', field];
    if (typeof v === 'string') templateRefs(v, fieldPath, out);
    const source = asRecord(v);
    if (typeof source?.['var'] === 'string') out.push({ kind: 'var', name: source['var'], path: [...fieldPath, 'var'] });
    if (typeof source?.['dataset'] === 'string') out.push({ kind: 'dataset', name: source['dataset'], path: [...fieldPath, 'dataset'] });
  }
}

function jsonRefs(value: unknown, path: RefPath, out: HttpRef[]): void {
  if (typeof value === 'string') return templateRefs(value, path, out);
  if (Array.isArray(value)) return value.forEach((v, i) => jsonRefs(v, [...path, i], out));
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) jsonRefs(v, [...path, k], out);
}

function templateRefs(source: unknown, path: RefPath, out: HttpRef[]): void {
  if (typeof source !== 'string' || !source.includes('{{')) return;
  try {
    const { refs } = compileTemplate(source);
    for (const name of refs.vars) out.push({ kind: 'var', name, path });
    for (const field of refs.itemFields) out.push({ kind: 'item', field, path });
  } catch (err) {
    // A template that does not parse is reported by the schema, at this same path.
    if (!(err instanceof TemplateError)) throw err;
  }
}

/** The value as a plain mapping, or null. */
export function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
