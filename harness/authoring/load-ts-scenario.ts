/**
 * TypeScript scenario module -> Plan. The module's default export (from defineScenario) is
 * validated by the same zod schema and cross-reference checks as a YAML file. There are no line
 * numbers to give, so every problem is reported by its path in the scenario
 * (`workloads.main.rate`). Functions are taken out first and replaced by a `script` reference
 * (scripted-http.ts). A workload with functions may use worker threads: each worker imports the
 * module again by its path.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { CaplabError } from '../errors.ts';
import { crossReferenceIssues } from '../plan/cross-references.ts';
import { deepFreeze, type Plan } from '../plan/plan.ts';
import { scenarioSchema } from '../plan/scenario-schema.ts';
import { withoutFunctions, type ScriptRef } from './scripted-http.ts';

/** One problem with a TypeScript scenario, by path. */
export interface TsScenarioIssue { path: string; message: string }

export type TsScenarioOutcome = { ok: true; plan: Plan } | { ok: false; issues: TsScenarioIssue[] };

/** Whether `file` is loaded as a TypeScript module rather than YAML. */
export function isTsScenario(file: string): boolean {
  return /\.(m?ts)$/.test(file);
}

/** Imports and validates a TypeScript scenario; throws only when the module cannot be imported. */
export async function loadTsScenario(file: string): Promise<TsScenarioOutcome> {
  const abs = path.resolve(file);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CaplabError('CAPLAB_ERR_SCENARIO_READ', `${file}: ${e.code === 'ERR_MODULE_NOT_FOUND' ? 'not found' : e.message}`, { cause: err });
  }
  return validateScenarioObject(mod.default, abs);
}

/** Validates a scenario object as a module exported it; `abs` is the module's absolute path. */
export function validateScenarioObject(def: unknown, abs: string): TsScenarioOutcome {
  if (def === null || typeof def !== 'object' || Array.isArray(def)) {
    return { ok: false, issues: [{ path: '', message: 'the module needs a default export: `export default defineScenario({ name, workloads, ... })`' }] };
  }
  const { data, scripted } = withoutFunctions(def as Record<string, unknown>);
  const parsed = scenarioSchema.safeParse(data);
  const issues: TsScenarioIssue[] = crossReferenceIssues(data).map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (!parsed.success) issues.unshift(...parsed.error.issues.flatMap((i) => toIssues(i, data)));
  if (!parsed.success || issues.length > 0) return { ok: false, issues: dedupe(issues) };
  const scenario = parsed.data;
  for (const name of scripted) {
    const http = scenario.workloads[name]?.http;
    if (http === undefined) continue;
    const ref: ScriptRef = { module: abs, workload: name };
    Object.assign(http, { script: ref });
  }
  const plan: Plan = { ...scenario, sourceFile: abs, baseDir: path.dirname(abs) };
  return { ok: true, plan: deepFreeze(plan) };
}

/** Like loadTsScenario, but throws CAPLAB_ERR_SCENARIO_INVALID listing every problem. */
export async function loadTsPlanOrThrow(file: string): Promise<Plan> {
  const out = await loadTsScenario(file);
  if (out.ok) return out.plan;
  throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `${out.issues.length} problem${out.issues.length === 1 ? '' : 's'} in ${file}`, {
    details: out.issues.map((i) => `${file}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`),
  });
}

function toIssues(issue: z.core.$ZodIssue, data: unknown): TsScenarioIssue[] {
  const at = issue.path.map(String).join('.');
  // zod does not keep the input, so what stands at the path is read from the data itself.
  if (typeof valueAt(data, issue.path) === 'function') return [{ path: at, message: 'a function is not allowed here: functions go in `http.request` and `http.checks` of a workload' }];
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ path: at === '' ? k : `${at}.${k}`, message: `unknown key "${k}": remove it or check its spelling` }));
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
    return best.flatMap((i) => toIssues(i as z.core.$ZodIssue, data));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [{ path: at, message: `missing required field "${String(issue.path.at(-1))}" (${issue.expected})` }];
  return [{ path: at, message: issue.message }];
}

function valueAt(data: unknown, p: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function dedupe(issues: TsScenarioIssue[]): TsScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
