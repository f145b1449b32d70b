/**
 * constant-vus (closed model, k6's name and semantics): a fixed number of VUs each run
 * iterations back to back for `duration`. The offered load depends on how fast the target
 * answers, so latency here is measured from each iteration's actual start.
 */
import { z } from 'zod';
import { duration } from '../plan/zod-units.ts';
import type { ExecutorModule } from './executor.ts';
import { stripeShare, subSegment, type Segment } from './segment.ts';
import { StagedCount } from './staged-count.ts';
import { runVUPool } from './vu-pool.ts';

const schema = z.strictObject({
  executor: z.literal('constant-vus').describe('closed model: a fixed number of VUs iterating back to back'),
  vus: z.number().int().min(1).describe('virtual users, each running one iteration at a time'),
  duration: duration().refine((ms) => ms > 0, 'duration must be longer than 0s').describe('how long VUs keep starting iterations'),
  gracefulStop: duration().default(30_000).describe('how long iterations still running at the end may take before they are interrupted (default 30s)'),
});

export type ConstantVusConfig = z.output<typeof schema> & { readonly segment?: Segment };

function vusOf(config: ConstantVusConfig): StagedCount {
  return new StagedCount(config.vus, [{ duration: config.duration, target: config.vus }]);
}

export const constantVus = {
  type: 'constant-vus',
  schema,
  duration: (config) => config.duration + config.gracefulStop,
  maxConcurrency: (config) => stripeShare(config.vus, config.segment),
  shard: (config, index, count) => ({ ...config, segment: subSegment(config.segment, index, count) }),
  run: (config, ctx) => runVUPool({ vus: vusOf(config), segment: config.segment, gracefulRampDown: config.gracefulStop, gracefulStop: config.gracefulStop }, ctx),
} as const satisfies ExecutorModule<ConstantVusConfig>;
