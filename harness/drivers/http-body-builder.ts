/**
 * Builds a request's body for one iteration, from any body form: the plain ones (resolved once by
 * http-body.ts), templated strings and JSON, iteration variables, dataset items and multipart
 * forms. Whatever does not depend on the iteration is built once; a body that never varies is
 * reported as `fixed`, so the engine can prebuild the whole request.
 */
import { basename } from 'node:path';
import { CaplabError } from '../errors.ts';
import { itemFor, type Datasets } from './dataset.ts';
import { bodyBytes, readBodyFile, resolveBody, type PlainBody, type RequestBody } from './http-body.ts';
import type { HttpBody } from './http-request-schema.ts';
import { MultipartEncoder, multipartContentType, newBoundary, type MultipartField } from './multipart.ts';
import { compileTemplate, type TemplateScope } from './template.ts';

export interface BodyBuilder {
  /** the body when no iteration changes it (none, static, or random per request); null when it depends on the iteration */
  readonly fixed: RequestBody | null;
  /** Content-Type to send unless the request's headers set one */
  readonly contentType: string | undefined;
  /** The body of one request, or null for none. */
  build(scope: TemplateScope): Buffer | null;
}

export interface BodyDeps {
  /** directory `file:` references resolve against */
  baseDir: string;
  datasets: Datasets;
}

type ValueOf = (scope: TemplateScope) => string | Buffer;

/** Compiles a configured body once. */
export function compileBody(body: HttpBody | undefined, deps: BodyDeps): BodyBuilder {
  if (body !== undefined && typeof body !== 'string' && 'var' in body) return varying(varValue(body.var), undefined);
  if (body !== undefined && typeof body !== 'string' && 'dataset' in body) return varying(datasetValue(body.dataset, deps.datasets), undefined);
  if (body !== undefined && typeof body !== 'string' && 'multipart' in body) return compileMultipart(body.multipart, deps);
  if (typeof body === 'string') {
    const t = compileTemplate(body);
    if (!t.isStatic) return varying((s) => t.render(s), undefined);
  }
  if (body !== undefined && typeof body !== 'string' && 'json' in body) {
    const json = compileJson(body.json);
    if (json !== null) return varying((s) => JSON.stringify(json(s) ?? null), 'application/json');
  }
  return fixed(resolveBody(body as PlainBody | undefined, deps.baseDir));
}

function fixed(body: RequestBody): BodyBuilder {
  return { fixed: body, contentType: body.kind === 'static' ? body.contentType : undefined, build: () => bodyBytes(body) };
}

function varying(value: ValueOf, contentType: string | undefined): BodyBuilder {
  return {
    fixed: null,
    contentType,
    build: (scope) => {
      const v = value(scope);
      return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    },
  };
}

function varValue(name: string): ValueOf {
  // Validation makes sure the var is set before it is read; '' only if a capture came back empty.
  return (scope) => scope.vars.get(name) ?? '';
}

function datasetValue(name: string, datasets: Datasets): ValueOf {
  const dataset = datasets[name];
  if (dataset === undefined || dataset.items.length === 0) {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `http body: dataset "${name}" was not made (made: ${Object.keys(datasets).join(', ') || 'none'})`);
  }
  return (scope) => itemFor(dataset, scope.iteration).body;
}

/** A JSON value whose string leaves hold templates, as a function of the scope; null when it has none. */
function compileJson(value: unknown): ((scope: TemplateScope) => unknown) | null {
  if (typeof value === 'string') {
    const t = compileTemplate(value);
    return t.isStatic ? null : (s) => t.render(s);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileJson);
    if (items.every((f) => f === null)) return null;
    return (s) => value.map((v, i) => (items[i] ? items[i]!(s) : v));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, v, compileJson(v)] as const);
    if (entries.every(([, , f]) => f === null)) return null;
    return (s) => {
      const out: Record<string, unknown> = {};
      for (const [k, v, f] of entries) out[k] = f ? f(s) : v;
      return out;
    };
  }
  return null;
}

type MultipartConfig = Extract<HttpBody, { multipart: unknown }>['multipart'];

function compileMultipart(config: MultipartConfig, deps: BodyDeps): BodyBuilder {
  const fields: MultipartField[] = [];
  const values: (ValueOf | string | Buffer)[] = [];
  for (const [name, spec] of Object.entries(config)) {
    if (typeof spec === 'string') {
      fields.push({ name });
      const t = compileTemplate(spec);
      values.push(t.isStatic ? spec : (s) => t.render(s));
      continue;
    }
    const filename = spec.filename ?? (spec.file !== undefined ? basename(spec.file) : name);
    fields.push({ name, file: { filename, contentType: spec.contentType ?? 'application/octet-stream' } });
    if (spec.file !== undefined) values.push(readBodyFile(spec.file, deps.baseDir));
    else if (spec.dataset !== undefined) values.push(datasetValue(spec.dataset, deps.datasets));
    else values.push(varValue(spec.var!));
  }
  const encoder = new MultipartEncoder(fields, newBoundary());
  const contentType = multipartContentType(encoder.boundary);
  if (values.every((v) => typeof v !== 'function')) {
    return fixed({ kind: 'static', bytes: encoder.encode(values as (string | Buffer)[]), contentType });
  }
  const current: (string | Buffer)[] = new Array(values.length);
  return {
    fixed: null,
    contentType,
    build: (scope) => {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        current[i] = typeof v === 'function' ? v(scope) : v;
      }
      return encoder.encode(current);
    },
  };
}
