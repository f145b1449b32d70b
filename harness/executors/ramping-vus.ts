/**
 * ramping-vus (closed model, k6's semantics): the number of active VUs follows linear stages,
 * changing by one VU each time the line crosses a whole number. A VU removed by a ramp-down
 * finishes its current iteration, within gracefulRampDown, before it stops.
 */
import { z } from 'zod';
import { duration } from '../plan/zod-units.ts';
import type { ExecutorModule } from './executor.ts';
import { stripeShare, subSegment, type Segment } from './segment.ts';
import { StagedCount } from './staged-count.ts';
import { runVUPool } from './vu-pool.ts';

const stage = z.strictObject({
  duration: duration().describe('how long this stage takes to move from the previous target to its own'),
  target: z.number().int().min(0).describe('VUs active at the end of this stage'),
});

const schema = z.strictObject({
  executor: z.literal('ramping-vus').describe('closed model: the number of VUs follows linear stages'),
  startVUs: z.number().int().min(0).default(1).describe('VUs active at the start, before the first stage (default 1)'),
  stages: z.array(stage).min(1).describe('the VU targets, reached linearly one after the other'),
  gracefulRampDown: duration().default(30_000).describe('how long a VU removed by a ramp-down may take to finish its iteration (default 30s)'),
  gracefulStop: duration().default(30_000).describe('how long iterations still running at the end may take before they are interrupted (default 30s)'),
});

export type RampingVusConfig = z.output<typeof schema> & { readonly segment?: Segment };

/** The active-VU count over time that a ramping-vus config asks for (the whole workload, not a shard). */
export function rampingVusCount(config: RampingVusConfig): StagedCount {
  return new StagedCount(config.startVUs, config.stages);
}

export const rampingVus = {
  type: 'ramping-vus',
  schema,
  duration: (config) => rampingVusCount(config).duration + config.gracefulStop,
  maxConcurrency: (config) => stripeShare(rampingVusCount(config).max, config.segment),
  shard: (config, index, count) => ({ ...config, segment: subSegment(config.segment, index, count) }),
  run: (config, ctx) => runVUPool({
    vus: rampingVusCount(config), segment: config.segment,
    gracefulRampDown: config.gracefulRampDown, gracefulStop: config.gracefulStop,
  }, ctx),
} as const satisfies ExecutorModule<RampingVusConfig>;
