/** Loads a scenario by its file name: `.ts`/`.mts` as a TypeScript module, anything else as YAML. */
import { loadPlanOrThrow } from '../plan/load-scenario.ts';
import type { Plan } from '../plan/plan.ts';
import { isTsScenario, loadTsPlanOrThrow } from './load-ts-scenario.ts';

/** The validated plan of a YAML or TypeScript scenario; throws CAPLAB_ERR_SCENARIO_* with every problem. */
export function loadAnyPlanOrThrow(file: string): Promise<Plan> {
  return isTsScenario(file) ? loadTsPlanOrThrow(file) : loadPlanOrThrow(file);
}
