/**
 * How functions in a TypeScript scenario reach the driver. A plan is data: it is validated by
 * zod, frozen, copied by --time-scale (structuredClone) and posted to worker threads, and none
 * of those carry functions. So the loader takes the functions out before validation and leaves a
 * plain reference in their place, `http.script: { module, workload }`; the driver, in whichever
 * thread it runs, imports the module again by that absolute path and takes the functions from
 * its default export. In the main thread the import is the module already loaded; a worker
 * thread evaluates the module once more, so its top level must not have side effects it cannot
 * repeat (building the scenario object is fine).
 */
import { pathToFileURL } from 'node:url';
import { CaplabError } from '../errors.ts';
import type { HttpRequestConfig } from '../drivers/http-request-schema.ts';
import type { CheckFn, NamedCheck, RequestContext, ScriptedRequest } from './define-scenario.ts';

/** The plain reference the plan carries instead of functions. */
export interface ScriptRef {
  /** absolute path of the scenario module */
  readonly module: string;
  readonly workload: string;
}

/** The functions of one workload's `http:` block. */
export interface ScriptHooks {
  request: ((ctx: RequestContext) => ScriptedRequest) | undefined;
  checks: NamedCheck[];
}

/** The script reference of an `http:` block, if it came from a TypeScript scenario with functions. */
export function scriptOf(http: HttpRequestConfig): ScriptRef | undefined {
  const ref = (http as { script?: unknown }).script;
  if (ref === null || typeof ref !== 'object') return undefined;
  const { module, workload } = ref as Record<string, unknown>;
  return typeof module === 'string' && typeof workload === 'string' ? { module, workload } : undefined;
}

/** Whether a `checks:` entry is a function check (bare or named). */
export function isFunctionCheck(c: unknown): c is CheckFn | NamedCheck {
  return typeof c === 'function' || (c !== null && typeof c === 'object' && typeof (c as { check?: unknown }).check === 'function');
}

/**
 * A copy of a scenario definition without functions, for zod, and the workloads that had some.
 * Functions anywhere else (a mix entry, a step, a header) are left in place for zod to reject.
 */
export function withoutFunctions(def: Record<string, unknown>): { data: Record<string, unknown>; scripted: string[] } {
  const scripted: string[] = [];
  const workloads = def['workloads'];
  if (workloads === null || typeof workloads !== 'object') return { data: def, scripted };
  const out: Record<string, unknown> = {};
  for (const [name, w] of Object.entries(workloads)) {
    const http = (w as { http?: unknown } | null)?.http;
    if (http === null || typeof http !== 'object') {
      out[name] = w;
      continue;
    }
    const { request, checks, ...rest } = http as Record<string, unknown>;
    const fnChecks = Array.isArray(checks) ? checks.filter(isFunctionCheck) : [];
    if (typeof request !== 'function' && fnChecks.length === 0) {
      out[name] = w;
      continue;
    }
    scripted.push(name);
    const dataChecks = Array.isArray(checks) ? checks.filter((c) => !isFunctionCheck(c)) : checks;
    const cleaned: Record<string, unknown> = { ...rest, ...(dataChecks !== undefined ? { checks: dataChecks } : {}) };
    if (request !== undefined && typeof request !== 'function') cleaned['request'] = request;
    out[name] = { ...(w as Record<string, unknown>), http: cleaned };
  }
  return { data: { ...def, workloads: out }, scripted };
}

/** Imports the module a reference names and returns that workload's functions. */
export async function loadScriptHooks(ref: ScriptRef): Promise<ScriptHooks> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(ref.module).href)) as { default?: unknown };
  } catch (err) {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_READ', `${ref.module}: ${(err as Error).message}`, { cause: err });
  }
  const http = (mod.default as { workloads?: Record<string, { http?: Record<string, unknown> }> } | undefined)?.workloads?.[ref.workload]?.http;
  if (http === undefined) throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `${ref.module}: workload ${ref.workload} has no http block any more (the module changed after it was loaded?)`);
  const request = typeof http['request'] === 'function' ? (http['request'] as ScriptHooks['request']) : undefined;
  // A bare function is named after itself, else after its position among all the checks.
  const all = Array.isArray(http['checks']) ? (http['checks'] as unknown[]) : [];
  const checks = all.flatMap((c, i): NamedCheck[] => {
    if (!isFunctionCheck(c)) return [];
    return [typeof c === 'function' ? { name: c.name !== '' ? c.name : `check ${i + 1}`, check: c } : c];
  });
  return { request, checks };
}
