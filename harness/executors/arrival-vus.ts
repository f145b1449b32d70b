/**
 * The VU bounds of the open model, shared by both arrival-rate executors: how many VU slots are
 * ready at the start (preAllocatedVUs) and how many may be in flight at once (maxVUs). An
 * arrival that finds maxVUs iterations in flight is dropped, so maxVUs is also the
 * concurrency a driver must be sized for.
 */
import { z } from 'zod';
import { duration } from '../plan/zod-units.ts';
import { ceilShare } from './segment.ts';

/** Schema fields every arrival-rate executor has. */
export const arrivalVUsFields = {
  preAllocatedVUs: z.number().int().min(1).default(10).describe('VU slots ready at the start (default 10)'),
  maxVUs: z.number().int().min(1).optional().describe('most iterations in flight at once; an arrival that finds them all busy is dropped and counted in dropped_iterations (default: preAllocatedVUs)'),
  gracefulStop: duration().default(30_000).describe('how long iterations still running at the end may take before they are interrupted (default 30s)'),
};

interface ArrivalVUs { preAllocatedVUs: number; maxVUs?: number | undefined }

/** Reports maxVUs below preAllocatedVUs, as k6 does. */
export function checkArrivalVUs(config: ArrivalVUs, ctx: z.RefinementCtx): void {
  if (config.maxVUs !== undefined && config.maxVUs < config.preAllocatedVUs) {
    ctx.addIssue({ code: 'custom', path: ['maxVUs'], message: `maxVUs (${config.maxVUs}) must be at least preAllocatedVUs (${config.preAllocatedVUs}); raise maxVUs or lower preAllocatedVUs` });
  }
}

/** maxVUs with its default filled. */
export function maxVUsOf(config: ArrivalVUs): number {
  return Math.max(config.maxVUs ?? config.preAllocatedVUs, config.preAllocatedVUs);
}

/** Each of `count` threads gets the bounds rounded up: every thread must be able to keep up alone. */
export function shardArrivalVUs<C extends ArrivalVUs>(config: C, count: number): C {
  return { ...config, preAllocatedVUs: ceilShare(config.preAllocatedVUs, count), maxVUs: ceilShare(maxVUsOf(config), count) };
}
