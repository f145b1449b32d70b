/**
 * Scenario file -> Plan. Reports every problem at once, each with file:line:col, instead of
 * stopping at the first (k6's Validate() []error habit).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { CaplabError } from '../errors.ts';
import { executors } from '../executors/index.ts';
import { crossReferenceIssues } from './cross-references.ts';
import { deepFreeze, type Plan, type PlanIssue, type PlanOutcome } from './plan.ts';
import { scenarioSchema } from './scenario-schema.ts';
import { positionOf } from './yaml-positions.ts';

/** Reads and validates a scenario file. Throws only when the file cannot be read. */
export async function loadScenarioFile(file: string): Promise<PlanOutcome> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_READ', `${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return parseScenario(text, file);
}

/** Validates scenario text; `file` names it in the issues and anchors relative paths. */
export function parseScenario(text: string, file: string): PlanOutcome {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const yamlIssues: PlanIssue[] = doc.errors.map((e) => {
    const p = lines.linePos(e.pos[0]);
    return { file, line: p.line, col: p.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` };
  });
  if (yamlIssues.length > 0) return { ok: false, issues: yamlIssues };

  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, issues: [{ file, line: 1, col: 1, path: '', message: 'a scenario is a YAML mapping with at least `name:` and `workloads:`' }] };
  }
  const parsed = scenarioSchema.safeParse(data);
  const crossIssues = crossReferenceIssues(data).map((i) => {
    const pos = positionOf(doc, lines, i.path);
    return { file, line: pos.line, col: pos.col, path: i.path.join('.'), message: i.message };
  });
  if (!parsed.success || crossIssues.length > 0) {
    const schemaIssues = parsed.success ? [] : parsed.error.issues.flatMap((issue) => toPlanIssues(issue, doc, lines, file));
    const issues = [...schemaIssues, ...crossIssues];
    issues.sort((a, b) => a.line - b.line || a.col - b.col);
    return { ok: false, issues: dedupe(issues) };
  }
  const abs = path.resolve(file);
  const plan: Plan = { ...parsed.data, sourceFile: abs, baseDir: path.dirname(abs) };
  return { ok: true, plan: deepFreeze(plan) };
}

/** Like loadScenarioFile, but throws CAPLAB_ERR_SCENARIO_INVALID with every issue as a detail line. */
export async function loadPlanOrThrow(file: string): Promise<Plan> {
  const out = await loadScenarioFile(file);
  if (out.ok) return out.plan;
  throw invalidScenarioError(out.issues);
}

export function invalidScenarioError(issues: PlanIssue[]): CaplabError {
  const details = issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}${i.path ? ` (at ${i.path})` : ''}`);
  return new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `${issues.length} problem${issues.length === 1 ? '' : 's'} in ${issues[0]?.file ?? 'scenario'}`, { details });
}

type Issue = z.core.$ZodIssue;

function toPlanIssues(issue: Issue, doc: ReturnType<typeof parseDocument>, lines: LineCounter, file: string): PlanIssue[] {
  const at = (p: readonly PropertyKey[], key?: string, message = issue.message): PlanIssue => {
    const pos = positionOf(doc, lines, p, key);
    const full = key === undefined ? p : [...p, key];
    return { file, line: pos.line, col: pos.col, path: full.map(String).join('.'), message };
  };
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => at(issue.path, k, `unknown key "${k}": remove it or check its spelling`));
    case 'invalid_union': {
      // A discriminated union with an unknown discriminator: point at the discriminator value.
      const disc = (issue as { discriminator?: string }).discriminator;
      if (disc && issue.errors.length === 0) {
        const discPath = issue.path.at(-1) === disc ? issue.path : [...issue.path, disc];
        const value = getIn(doc, discPath);
        const what = value === undefined ? `missing ${disc}` : `unknown ${disc} "${String(value)}"`;
        return [at(discPath, undefined, `${what}: use one of ${describeOptions(disc)}`)];
      }
      // Otherwise report the branch that got furthest (most specific issues) rather than every branch.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
      return best && best.length > 0 ? best.flatMap((i) => toPlanIssues(i as Issue, doc, lines, file)) : [at(issue.path)];
    }
    case 'invalid_type':
      if (issue.input === undefined) return [at(issue.path, undefined, `missing required field "${String(issue.path.at(-1))}" (${issue.expected})`)];
      return [at(issue.path, undefined, `expected ${issue.expected}, got ${describeValue(issue.input)}`)];
    default:
      return [at(issue.path)];
  }
}

function getIn(doc: ReturnType<typeof parseDocument>, p: readonly PropertyKey[]): unknown {
  return doc.getIn(p as unknown[]);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function describeOptions(disc: string): string {
  return disc === 'executor' ? Object.keys(executors).join(', ') : 'a valid value';
}

function dedupe(issues: PlanIssue[]): PlanIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.col}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
