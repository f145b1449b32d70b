/** The Plan: a validated scenario, defaults filled, units parsed, deep-frozen before anything runs. */
import type { Scenario } from './scenario-schema.ts';

export interface Plan extends Scenario {
  /** absolute path of the scenario file, or null for a plan built in code */
  readonly sourceFile: string | null;
  /** directory that relative paths in the scenario resolve against */
  readonly baseDir: string;
}

/** One problem with a scenario, located in its file. */
export interface PlanIssue {
  file: string;
  line: number;
  col: number;
  /** dotted path in the scenario, e.g. `workloads.main.rate` */
  path: string;
  message: string;
}

export type PlanOutcome = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };

/** Freezes an object graph so the plan cannot change once validated (fastify's deepFreezeObject habit). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** `file:line:col: message (at path)`, the form editors and CI logs link. */
export function formatIssue(i: PlanIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.message}${i.path ? ` (at ${i.path})` : ''}`;
}
