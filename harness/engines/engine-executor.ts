/**
 * `executor: engine`: the workload is run by an external engine named by its block (`autocannon:`
 * or `artillery:`), which keeps its own load model (autocannon: a fixed number of connections,
 * closed model; Artillery: the phases of the user's script). caplab gives it the duration, the
 * stop signal and its share, and judges what it recorded like any other workload.
 */
import { z } from 'zod';
import { CaplabError } from '../errors.ts';
import type { ExecutorModule } from '../executors/executor.ts';
import { subSegment, type Segment } from '../executors/segment.ts';
import { duration } from '../plan/zod-units.ts';
import { engineOf } from './engine-driver.ts';

const schema = z.strictObject({
  executor: z.literal('engine').describe('an external load engine runs this workload in its own loop: give an `autocannon:` or an `artillery:` block'),
  duration: duration().refine((ms) => ms > 0, 'duration must be longer than 0s').describe('autocannon: how long to drive; artillery: how long the script\'s phases last (the planned time; Artillery runs its phases, and is stopped past duration + its block\'s timeout)'),
});

/** The engine executor's config as the plan holds it: the workload, with its engine block. */
export type EngineConfig = z.output<typeof schema> & {
  readonly startTime?: number;
  readonly autocannon?: { connections: number; pipelining: number };
  readonly artillery?: unknown;
  readonly segment?: Segment;
};

export const engineExecutor = {
  type: 'engine',
  schema,
  duration: (config) => config.duration,
  maxConcurrency: (config) => (config.autocannon ? config.autocannon.connections * config.autocannon.pipelining : 1),
  shard: (config, index, count) => ({ ...config, segment: subSegment(config.segment, index, count) }),
  run: async (config, ctx) => {
    const engine = engineOf(ctx.driver);
    if (!engine) throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', 'executor: engine needs an `autocannon:` or an `artillery:` block');
    return engine.drive({
      durationMs: config.duration,
      signal: ctx.signal,
      shard: config.segment ?? { index: 0, count: 1 },
      offsetSeconds: (config.startTime ?? 0) / 1000,
      ...(ctx.onVUs ? { onVUs: ctx.onVUs } : {}),
    });
  },
} as const satisfies ExecutorModule<EngineConfig>;
