/**
 * `defineScenario({...})`: a scenario written in TypeScript, typed from the same zod schema the
 * YAML loader validates with (ScenarioInput), so editors complete and check every field. Where
 * YAML can only hold data, a TypeScript scenario may hold functions:
 *
 *   http: { target: 'echo', request: (ctx) => ({ method: 'POST', path: `/items/${ctx.iteration}`, json: { n: ctx.random() } }),
 *           checks: [{ status: 200 }, (res) => res.json() !== null || 'not JSON', { name: 'has id', check: (res) => res.body.includes('"id"') }] }
 *
 * The file's default export is the scenario (`export default defineScenario({...})`); caplab run,
 * validate and export load it by path. How functions reach the load: see scripted-http.ts.
 */
import type { Method } from '../drivers/http-undici.ts';
import type { ScenarioInput } from '../plan/scenario-schema.ts';

/** What a request function sees for one iteration. */
export interface RequestContext {
  /** iteration number within this thread's share of the workload */
  readonly iteration: number;
  /** VU slot running the iteration, 0-based */
  readonly vu: number;
  /** seeded by the scenario's seed and the iteration: the same run makes the same numbers */
  random(): number;
}

/** The request an iteration sends; `path` is appended to the target URL. */
export interface ScriptedRequest {
  method?: Method;
  path: string;
  headers?: Record<string, string>;
  /** raw body; use `json` for a value sent as JSON */
  body?: string | Uint8Array;
  json?: unknown;
}

/** The response a check function judges. */
export interface ScriptedResponse {
  readonly status: number;
  /** the body as UTF-8 text */
  readonly body: string;
  /** the body parsed as JSON, or null when it is not JSON */
  json(): unknown;
}

/** true passes; false or a string (the reason) fails the request. A check that throws fails too. */
export type CheckFn = (res: ScriptedResponse) => boolean | string;

/** A check function with the name its `checks` samples are tagged with (default: the function's name). */
export interface NamedCheck { name: string; check: CheckFn }

type WorkloadInput = ScenarioInput['workloads'][string];
type HttpCheckInput = NonNullable<NonNullable<Extract<WorkloadInput, { http?: unknown }>['http']>['checks']>[number];

/** An `http:` block that may hold a request function and check functions. */
export type ScriptedHttpInput<H> = Omit<H, 'checks'> & {
  /** builds each iteration's request; replaces method, path, headers and body */
  request?: (ctx: RequestContext) => ScriptedRequest;
  checks?: (HttpCheckInput | CheckFn | NamedCheck)[];
};

type ScriptedWorkload<W> = W extends { http?: infer H } ? Omit<W, 'http'> & { http?: ScriptedHttpInput<NonNullable<H>> } : W;

/** A scenario as a TypeScript module writes it. */
export type ScenarioDefinition = Omit<ScenarioInput, 'workloads'> & { workloads: Record<string, ScriptedWorkload<WorkloadInput>> };

/**
 * Returns its argument: it exists for the types (editors check and complete the scenario).
 * Not generic on purpose, so a misspelt key is an excess-property error in the editor.
 */
export function defineScenario(scenario: ScenarioDefinition): ScenarioDefinition {
  return scenario;
}
