/**
 * Per-request checks of the `http:` block, compiled once per workload so that evaluating them on
 * every response costs comparisons, not parsing. A request fails when any check fails; when no
 * check looks at the status, a status >= 400 fails it too (a body check alone must not hide a 500).
 */
import type { HttpCheck } from './http-request-schema.ts';
import { compileTemplate, type TemplateScope } from './template.ts';
import { NOT_JSON, parseJsonBody } from './json-body.ts';

type JsonValue = string | number | boolean | null;
type PathStep = string | number;

export interface CompiledChecks {
  /** one short description per check, in order; the `check` tag of the `checks` metric */
  readonly descriptions: readonly string[];
  /** whether any check reads the body, so engines keep it only when needed */
  readonly needsBody: boolean;
  /** whether any expected value holds a {{…}} template, so evaluating needs the iteration's scope */
  readonly varies: boolean;
  /**
   * Writes each check's outcome into `results` (same order as `descriptions`); returns whether the
   * request failed. `scope` renders templated expected values; only checks that vary read it.
   */
  evaluate(status: number, body: Buffer | null, results: boolean[], scope?: TemplateScope): boolean;
}

interface Compiled {
  description: string;
  /** `json` is the parsed body, or `undefined` when no check needs it or it is not JSON */
  test(status: number, body: Buffer | null, json: unknown, jsonOk: boolean, scope: TemplateScope | undefined): boolean;
  usesJson: boolean;
  usesBody: boolean;
  isStatus: boolean;
  varies: boolean;
}

const MAX_DESCRIBED_TEXT = 40;

/** Compiles checks once; with none, only the status >= 400 rule applies. */
export function compileChecks(checks: readonly HttpCheck[]): CompiledChecks {
  const compiled = checks.map(compileOne);
  const anyJson = compiled.some((c) => c.usesJson);
  const hasStatusCheck = compiled.some((c) => c.isStatus);
  return {
    descriptions: compiled.map((c) => c.description),
    needsBody: compiled.some((c) => c.usesBody),
    varies: compiled.some((c) => c.varies),
    evaluate(status, body, results, scope) {
      let failed = !hasStatusCheck && status >= 400;
      const parsed = anyJson ? parseJsonBody(body) : NOT_JSON;
      const jsonOk = parsed.ok;
      const json = parsed.ok ? parsed.value : undefined;
      for (let i = 0; i < compiled.length; i++) {
        const ok = compiled[i]!.test(status, body, json, jsonOk, scope);
        results[i] = ok;
        if (!ok) failed = true;
      }
      return failed;
    },
  };
}

/** The short, stable text a check is tagged with: `status is 200`, `body contains "ok"`, `$.a.b exists`. */
export function describeCheck(check: HttpCheck): string {
  if ('status' in check) {
    return Array.isArray(check.status) ? `status in ${check.status.join(',')}` : `status is ${check.status}`;
  }
  if ('bodyContains' in check) return `body contains ${quote(check.bodyContains)}`;
  if ('bodyEquals' in check) return `body equals ${quote(check.bodyEquals)}`;
  if (check.equals !== undefined) return `${check.jsonPath} equals ${JSON.stringify(check.equals)}`;
  return check.exists === false ? `${check.jsonPath} does not exist` : `${check.jsonPath} exists`;
}

function compileOne(check: HttpCheck): Compiled {
  const description = describeCheck(check);
  const base = { description, usesJson: false, usesBody: false, isStatus: false, varies: false };
  if ('status' in check) {
    const expected = Array.isArray(check.status) ? check.status : [check.status];
    return { ...base, isStatus: true, test: (status) => expected.includes(status) };
  }
  if ('bodyContains' in check) {
    const t = compileTemplate(check.bodyContains);
    if (!t.isStatic) return { ...base, usesBody: true, varies: true, test: (_s, body, _j, _o, scope) => body !== null && body.includes(render(t.render, scope)) };
    const needle = Buffer.from(check.bodyContains, 'utf8');
    return { ...base, usesBody: true, test: (_s, body) => body !== null && body.includes(needle) };
  }
  if ('bodyEquals' in check) {
    const t = compileTemplate(check.bodyEquals);
    if (!t.isStatic) return { ...base, usesBody: true, varies: true, test: (_s, body, _j, _o, scope) => body !== null && body.equals(Buffer.from(render(t.render, scope), 'utf8')) };
    const expected = Buffer.from(check.bodyEquals, 'utf8');
    return { ...base, usesBody: true, test: (_s, body) => body !== null && body.equals(expected) };
  }
  const steps = parseJsonPath(check.jsonPath);
  const json = { ...base, usesBody: true, usesJson: true };
  if (typeof check.equals === 'string' && !compileTemplate(check.equals).isStatic) {
    const t = compileTemplate(check.equals);
    return { ...json, varies: true, test: (_s, _b, value, ok, scope) => ok && lookupJsonPath(value, steps) === render(t.render, scope) };
  }
  if (check.equals !== undefined) {
    const expected: JsonValue = check.equals;
    return { ...json, test: (_s, _b, value, ok) => ok && lookupJsonPath(value, steps) === expected };
  }
  const mustExist = check.exists !== false;
  // A body that is not JSON fails every JSONPath check, `does not exist` included: the check cannot be judged.
  return { ...json, test: (_s, _b, value, ok) => ok && (lookupJsonPath(value, steps) !== undefined) === mustExist };
}

/** Splits `$.a.b[0]` (the schema's grammar) into steps `['a', 'b', 0]`. */
export function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return steps;
}

/** The value at `steps` inside a parsed JSON value, or undefined when the path does not exist. */
export function lookupJsonPath(value: unknown, steps: readonly PathStep[]): unknown {
  let cur = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(cur) || step >= cur.length) return undefined;
      cur = cur[step];
    } else {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

function render(template: (scope: TemplateScope) => string, scope: TemplateScope | undefined): string {
  // Engines that evaluate without a scope only ever get checks that do not vary.
  if (scope === undefined) throw new Error('a templated check was evaluated without an iteration scope');
  return template(scope);
}

function quote(text: string): string {
  const short = text.length > MAX_DESCRIBED_TEXT ? `${text.slice(0, MAX_DESCRIBED_TEXT)}…` : text;
  return JSON.stringify(short);
}
