/**
 * A step's `capture:` block: values taken from its response into iteration variables, for the
 * templates and bodies of later steps. `body` keeps the bytes as they are (a WAV stays a WAV), a
 * JSONPath keeps the value as text (strings as they are, anything else as JSON), `header:NAME`
 * keeps the header's value. A capture that finds nothing fails the step: later steps would send
 * nonsense otherwise.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { lookupJsonPath, parseJsonPath } from './http-checks.ts';
import { NOT_JSON, parseJsonBody } from './json-body.ts';

export interface CompiledCaptures {
  /** whether the response body must be kept */
  readonly needsBody: boolean;
  /** Stores every capture in `vars`; returns the name of the first one that found nothing, or null. */
  apply(body: Buffer | null, headers: IncomingHttpHeaders, vars: Map<string, string | Buffer>): string | null;
}

type One =
  | { name: string; kind: 'body' }
  | { name: string; kind: 'json'; steps: (string | number)[] }
  | { name: string; kind: 'header'; header: string };

/** Compiles `NAME: body | $.path | header:NAME` once; null when there is nothing to capture. */
export function compileCaptures(spec: Readonly<Record<string, string>>): CompiledCaptures | null {
  const all: One[] = Object.entries(spec).map(([name, what]) => {
    if (what === 'body') return { name, kind: 'body' };
    if (what.startsWith('header:')) return { name, kind: 'header', header: what.slice('header:'.length).toLowerCase() };
    return { name, kind: 'json', steps: parseJsonPath(what) };
  });
  if (all.length === 0) return null;
  const anyJson = all.some((c) => c.kind === 'json');
  return {
    needsBody: all.some((c) => c.kind !== 'header'),
    apply(body, headers, vars) {
      const parsed = anyJson ? parseJsonBody(body) : NOT_JSON;
      const jsonOk = parsed.ok;
      const json = parsed.ok ? parsed.value : undefined;
      for (const c of all) {
        if (c.kind === 'body') {
          vars.set(c.name, body ?? Buffer.alloc(0));
        } else if (c.kind === 'header') {
          const v = headers[c.header];
          if (v === undefined) return c.name;
          vars.set(c.name, Array.isArray(v) ? v.join(', ') : v);
        } else {
          const v = jsonOk ? lookupJsonPath(json, c.steps) : undefined;
          if (v === undefined) return c.name;
          vars.set(c.name, typeof v === 'string' ? v : JSON.stringify(v));
        }
      }
      return null;
    },
  };
}
