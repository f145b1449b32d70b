/**
 * When each agent of a `tunnel-agent --count N` fleet starts: all at once, or in steps of
 * `--ramp` agents every `--ramp-every`, so one run sees the server go from a few agents to N
 * (memory per agent is then a fit of the server's RSS against its agent count, not a difference
 * between two runs). Pure functions: the process wires them to timers, tests call them directly.
 */

export interface FleetRamp {
  /** agents in the fleet */
  count: number;
  /** agents started per step; 0 = all at once */
  step: number;
  /** time between steps, ms */
  everyMs: number;
  /** wait before the first step, ms (0 = start at once) */
  delayMs?: number;
}

/** Start delay in ms of each agent, by index (agent i is `<agent-id>-(i+1)`). */
export function startDelays(ramp: FleetRamp): number[] {
  const step = ramp.step > 0 ? ramp.step : ramp.count;
  return Array.from({ length: ramp.count }, (_, i) => (ramp.delayMs ?? 0) + Math.floor(i / step) * ramp.everyMs);
}

/** Agents that must be connected for /health to answer 200: the first step (all of them without a ramp). */
export function readyCount(ramp: FleetRamp): number {
  return ramp.step > 0 ? Math.min(ramp.step, ramp.count) : ramp.count;
}
