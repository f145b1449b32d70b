/**
 * The executor registry: the string a scenario writes (`executor: constant-vus`) is the key,
 * and each key resolves to exactly one file (k6's RegisterExecutorConfigType habit).
 */
import { CaplabError } from '../errors.ts';
import { engineExecutor, type EngineConfig } from '../engines/engine-executor.ts';
import { bulkTransfer, type BulkTransferConfig } from './bulk-transfer.ts';
import { capacitySweep, type CapacitySweepConfig } from './capacity-sweep.ts';
import { constantArrivalRate, type ConstantArrivalRateConfig } from './constant-arrival-rate.ts';
import { constantVus, type ConstantVusConfig } from './constant-vus.ts';
import type { ExecutorModule } from './executor.ts';
import { holdConnections, type HoldConnectionsConfig } from './hold-connections.ts';
import { rampingArrivalRate, type RampingArrivalRateConfig } from './ramping-arrival-rate.ts';
import { rampingVus, type RampingVusConfig } from './ramping-vus.ts';
import { reconcileChurn, type ReconcileChurnConfig } from './reconcile-churn.ts';

/** Any executor's config, as the plan holds it. */
export type ExecutorConfig = ConstantArrivalRateConfig | RampingArrivalRateConfig | ConstantVusConfig | RampingVusConfig | HoldConnectionsConfig | BulkTransferConfig | CapacitySweepConfig | ReconcileChurnConfig | EngineConfig;

// Keys are taken from each module's own `type`, so a key and its module cannot disagree.
export const executors = {
  [constantArrivalRate.type]: constantArrivalRate,
  [rampingArrivalRate.type]: rampingArrivalRate,
  [constantVus.type]: constantVus,
  [rampingVus.type]: rampingVus,
  [holdConnections.type]: holdConnections,
  [bulkTransfer.type]: bulkTransfer,
  [capacitySweep.type]: capacitySweep,
  [reconcileChurn.type]: reconcileChurn,
  [engineExecutor.type]: engineExecutor,
} as const satisfies Record<string, ExecutorModule<ExecutorConfig>>;

export type ExecutorType = keyof typeof executors;

/** Every executor's config schema, for the plan's `z.discriminatedUnion('executor', ...)`. */
export const executorSchemas = [constantArrivalRate.schema, rampingArrivalRate.schema, constantVus.schema, rampingVus.schema, holdConnections.schema, bulkTransfer.schema, capacitySweep.schema, reconcileChurn.schema, engineExecutor.schema] as const;

/** The executor registered under `type`; throws a scenario error naming the known ones otherwise. */
export function getExecutor(type: string): ExecutorModule<ExecutorConfig> {
  if (!Object.prototype.hasOwnProperty.call(executors, type)) {
    throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `unknown executor "${type}"; use one of: ${Object.keys(executors).join(', ')}`);
  }
  return executors[type as ExecutorType] as ExecutorModule<ExecutorConfig>;
}
