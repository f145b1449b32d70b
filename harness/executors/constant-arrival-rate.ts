/**
 * constant-arrival-rate (open model, k6's name and semantics): iterations start at a fixed rate
 * whatever the target's latency, the first at 0 and then every 1/rate s; latency is measured
 * from each intended start, so a slow target shows as latency and dropped iterations.
 */
import { z } from 'zod';
import { duration, rate } from '../plan/zod-units.ts';
import { runArrivals } from './arrival-loop.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { arrivalVUsFields, checkArrivalVUs, maxVUsOf, shardArrivalVUs } from './arrival-vus.ts';
import type { ExecutorModule } from './executor.ts';
import { subSegment, type Segment } from './segment.ts';

const schema = z.strictObject({
  executor: z.literal('constant-arrival-rate').describe('open model: iterations start at a fixed rate, whether or not earlier ones have finished'),
  rate: rate().refine((r) => r > 0, 'rate must be above 0/s').describe('iterations started per second, e.g. 1000/s'),
  duration: duration().refine((ms) => ms > 0, 'duration must be longer than 0s').describe('how long iterations keep being started'),
  ...arrivalVUsFields,
}).superRefine(checkArrivalVUs);

export type ConstantArrivalRateConfig = z.output<typeof schema> & { readonly segment?: Segment };

function scheduleOf(config: ConstantArrivalRateConfig): ArrivalSchedule {
  return new ArrivalSchedule(config.rate, [{ duration: config.duration, target: config.rate }]);
}

export const constantArrivalRate = {
  type: 'constant-arrival-rate',
  schema,
  duration: (config) => config.duration + config.gracefulStop,
  targetRate: (config, tMs) => (tMs >= 0 && tMs < config.duration ? config.rate / (config.segment?.count ?? 1) : 0),
  maxConcurrency: (config) => maxVUsOf(config),
  shard: (config, index, count) => ({ ...shardArrivalVUs(config, count), segment: subSegment(config.segment, index, count) }),
  run: (config, ctx) => runArrivals({
    schedule: scheduleOf(config), segment: config.segment,
    preAllocatedVUs: config.preAllocatedVUs, maxVUs: maxVUsOf(config), gracefulStop: config.gracefulStop,
  }, ctx),
} as const satisfies ExecutorModule<ConstantArrivalRateConfig>;
