/**
 * Which workloads may use an engine block, checked over the parsed scenario so each problem points
 * at its key: an engine block needs `executor: engine` and the executor needs one; an engine keeps its own load
 * model (autocannon's connections are split over `workers` threads, Artillery runs as one process); an artillery workload runs alone, with no caplab
 * warm-up (its script has its own phases, and its metrics arrive only when it exits).
 */
export const ENGINE_KEYS = ['autocannon', 'artillery'] as const;

export interface EngineIssue { path: (string | number)[]; message: string }

/** Problems of one workload (paths relative to it). */
export function workloadEngineIssues(w: Record<string, unknown>): EngineIssue[] {
  const out: EngineIssue[] = [];
  const engines = ENGINE_KEYS.filter((k) => w[k] !== undefined);
  if (w['executor'] === 'engine') {
    if (engines.length === 0) out.push({ path: ['executor'], message: 'executor: engine runs an external engine: add an `autocannon:` or an `artillery:` block (or use an executor such as constant-vus with an `http:` block)' });
    if (w['artillery'] !== undefined && typeof w['workers'] === 'number' && w['workers'] > 0) out.push({ path: ['workers'], message: 'artillery runs as its own process (it spreads its load itself); remove `workers`' });
  } else {
    for (const k of engines) out.push({ path: [k], message: `an \`${k}:\` block runs its own load model; write \`executor: engine\` with a \`duration:\` (not ${JSON.stringify(w['executor'])})` });
  }
  return out;
}

/** Problems across workloads (paths from the scenario's root). */
export function scenarioEngineIssues(s: { workloads?: Record<string, Record<string, unknown>>; warmup?: number }): EngineIssue[] {
  const workloads = Object.entries(s.workloads ?? {});
  const out: EngineIssue[] = [];
  for (const [name, w] of workloads) {
    if (w['artillery'] === undefined) continue;
    if (workloads.length > 1) out.push({ path: ['workloads', name, 'artillery'], message: 'an artillery workload runs alone: its metrics arrive when Artillery exits and its series replace the run\'s; put the other workloads in another scenario' });
    if (s.warmup !== undefined && s.warmup > 0) out.push({ path: ['warmup'], message: 'a scenario with an artillery workload has no caplab warm-up (the script\'s own phases do that): write `warmup: 0s`' });
  }
  return out;
}
