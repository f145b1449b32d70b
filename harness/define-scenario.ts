/**
 * The public entry for TypeScript scenarios (`import { defineScenario } from 'caplab/scenario'`).
 * See harness/authoring/define-scenario.ts for what a scenario module may hold.
 */
export { defineScenario } from './authoring/define-scenario.ts';
export type { CheckFn, NamedCheck, RequestContext, ScenarioDefinition, ScriptedRequest, ScriptedResponse } from './authoring/define-scenario.ts';
