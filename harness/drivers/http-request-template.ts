/**
 * One request compiled for building per iteration: its path, header values and body as templates,
 * rendered with an iteration's scope. Used by the flow driver (mixes, steps, templated requests)
 * and by dataset setup. Header names and framing are checked once, here, as for prebuilt requests.
 */
import { buildRequestBytes } from './http-fast/request-bytes.ts';
import { compileBody, type BodyBuilder, type BodyDeps } from './http-body-builder.ts';
import type { HttpBody } from './http-request-schema.ts';
import type { Method } from './http-undici.ts';
import { compileTemplate, type Template, type TemplateScope } from './template.ts';

export interface RequestSource {
  method: Method;
  path: string;
  /** every header, block defaults already merged under the request's own */
  headers: Readonly<Record<string, string>>;
  body: HttpBody | undefined;
}

export interface RenderedRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** approximate bytes of the request line and headers, for data_sent */
  headBytes: number;
}

export interface RequestTemplate {
  readonly method: Method;
  /** nothing in it changes with the iteration (a random body may still change per request) */
  readonly isStatic: boolean;
  readonly body: BodyBuilder;
  /** Renders the request; `prefix` is the target's own path prefix, `host` its Host header. */
  render(scope: TemplateScope, prefix: string, host: string): RenderedRequest;
}

/** Compiles a request once; throws a scenario error for header names or framing headers that would break the request. */
export function compileRequestTemplate(source: RequestSource, deps: BodyDeps): RequestTemplate {
  // Validated with placeholders: templated values are checked when rendered, by undici.
  const placeholders = Object.fromEntries(Object.keys(source.headers).map((name) => [name, '']));
  buildRequestBytes({ method: source.method, path: '/', host: 'h', headers: placeholders, body: null });
  const path = compileTemplate(source.path);
  const headers: [string, Template][] = Object.entries(source.headers).map(([name, value]) => [name, compileTemplate(value)]);
  const body = compileBody(source.body, deps);
  const hasContentType = Object.keys(source.headers).some((h) => h.toLowerCase() === 'content-type');
  const contentType = hasContentType ? undefined : body.contentType;
  const isStatic = path.isStatic && headers.every(([, t]) => t.isStatic) && body.fixed !== null;
  return {
    method: source.method,
    isStatic,
    body,
    render(scope, prefix, host) {
      const p = prefix + path.render(scope);
      const out: Record<string, string> = {};
      // `METHOD path HTTP/1.1`, `Host: host`, each header, the blank line: each line ends in CRLF.
      let headBytes = source.method.length + 1 + p.length + 11 + 6 + host.length + 2 + 2;
      for (const [name, t] of headers) {
        const value = t.render(scope);
        out[name] = value;
        headBytes += name.length + 2 + value.length + 2;
      }
      if (contentType !== undefined) {
        out['content-type'] = contentType;
        headBytes += 14 + contentType.length + 2;
      }
      const bytes = body.build(scope);
      if (bytes !== null) headBytes += 16 + String(bytes.length).length + 2;
      return { path: p, headers: out, body: bytes, headBytes };
    },
  };
}
