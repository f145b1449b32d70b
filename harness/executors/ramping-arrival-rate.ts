/**
 * ramping-arrival-rate (open model, k6's semantics): the start rate moves linearly through the
 * stages; arrivals are due where the integral of the rate crosses each whole number, so a ramp
 * densifies smoothly and a stage at 0/s starts nothing.
 */
import { z } from 'zod';
import { duration, rate } from '../plan/zod-units.ts';
import { runArrivals } from './arrival-loop.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { arrivalVUsFields, checkArrivalVUs, maxVUsOf, shardArrivalVUs } from './arrival-vus.ts';
import type { ExecutorModule } from './executor.ts';
import { subSegment, type Segment } from './segment.ts';

const stage = z.strictObject({
  duration: duration().describe('how long this stage takes to move from the previous rate to its own'),
  target: rate().describe('rate at the end of this stage, e.g. 500/s'),
});

const schema = z.strictObject({
  executor: z.literal('ramping-arrival-rate').describe('open model: the iteration start rate follows linear stages'),
  startRate: rate().default(0).describe('rate at the start, before the first stage (default 0/s)'),
  stages: z.array(stage).min(1).describe('the rate targets, reached linearly one after the other'),
  ...arrivalVUsFields,
}).superRefine(checkArrivalVUs);

export type RampingArrivalRateConfig = z.output<typeof schema> & { readonly segment?: Segment };

/** The arrival schedule a ramping-arrival-rate config asks for (the whole workload, not a shard). */
export function rampingArrivalSchedule(config: RampingArrivalRateConfig): ArrivalSchedule {
  return new ArrivalSchedule(config.startRate, config.stages);
}

export const rampingArrivalRate = {
  type: 'ramping-arrival-rate',
  schema,
  duration: (config) => rampingArrivalSchedule(config).duration + config.gracefulStop,
  targetRate: (config, tMs) => rampingArrivalSchedule(config).rateAt(tMs) / (config.segment?.count ?? 1),
  maxConcurrency: (config) => maxVUsOf(config),
  shard: (config, index, count) => ({ ...shardArrivalVUs(config, count), segment: subSegment(config.segment, index, count) }),
  run: (config, ctx) => runArrivals({
    schedule: rampingArrivalSchedule(config), segment: config.segment,
    preAllocatedVUs: config.preAllocatedVUs, maxVUs: maxVUsOf(config), gracefulStop: config.gracefulStop,
  }, ctx),
} as const satisfies ExecutorModule<RampingArrivalRateConfig>;
