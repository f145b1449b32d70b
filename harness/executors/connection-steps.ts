/**
 * The steps of a connection sweep (`capacity-sweep` with `load: connections`): one
 * ConnectionHolder (hold-connections' machinery) lives through the whole sweep and each step moves
 * its target, so a step from 2,000 to 4,000 opens 2,000 more instead of reopening 4,000. A step
 * first ramps until the count is held (or until opening the difference at connectRate plus one
 * connectTimeout has passed: refusals are then the step's finding, not a reason to wait for
 * ever), then settles and is measured like any sweep step, with the count held. Opening
 * connections is its own load, so the ramp is left out of the measured window, except for the
 * connect metrics, which the run judges from the ramp's start (sweep-recorder.ts). An optional
 * publish rate runs the driver's iterations (publishes) from the end of the ramp through the
 * settle and measured time, so delivery latency is judged with the connections held, as seed
 * 004's table pairs connections with message latency.
 */
import { ArrivalSchedule } from './arrival-schedule.ts';
import { runArrivals } from './arrival-loop.ts';
import { addOutcome, type ExecutorContext, type ExecutorOutcome } from './executor.ts';
import { ConnectionHolder, type HoldConnectionsConfig } from './hold-connections.ts';

export interface ConnectionStepsConfig {
  connectRate: number;
  connectTimeout: number;
  /** the most connections any step holds */
  maxConnections: number;
  /** iterations (publishes) per second during each step's settle and measured time; 0: none */
  publishRate: number;
  preAllocatedVUs: number;
  maxVUs: number;
  gracefulStop: number;
}

/** How often a held step re-reports its count, so every 1 s window has the gauge (gauges report only when set). */
const TOUCH_MS = 250;

export class ConnectionSteps {
  private readonly holder: ConnectionHolder;
  private readonly holding: Promise<ExecutorOutcome>;
  private readonly publishes: ExecutorOutcome = { iterations: 0, dropped: 0, interrupted: 0 };

  constructor(private readonly c: ConnectionStepsConfig, private readonly ctx: ExecutorContext) {
    const holdConfig: HoldConnectionsConfig = {
      executor: 'hold-connections', connections: c.maxConnections, connectRate: c.connectRate, holdFor: 0, connectTimeout: c.connectTimeout,
    };
    this.holder = new ConnectionHolder(holdConfig, ctx, { max: c.maxConnections });
    this.holding = this.holder.run();
  }

  /** The longest a ramp to `connections` may take from what is held now (ms): opening the difference at connectRate, plus one connectTimeout. */
  rampBoundMs(connections: number): number {
    const more = Math.max(0, connections - this.holder.held);
    return (more * 1000) / this.c.connectRate + this.c.connectTimeout;
  }

  /** Moves the held count to `connections` and waits until it is held, or at most rampBoundMs. */
  async ramp(connections: number): Promise<void> {
    const deadline = this.ctx.clock.now() + this.rampBoundMs(connections);
    this.holder.setTarget(connections);
    await this.holder.whenHeld(deadline);
  }

  /** Holds the count for `ms` (settle and measured time), publishing at publishRate when set. */
  async hold(ms: number): Promise<void> {
    const { clock, signal } = this.ctx;
    const end = clock.now() + ms;
    // The VU count progress shows is the held connections; the publishers' few VUs stay out of it.
    const { onVUs: _, ...publishCtx } = this.ctx;
    const rate = this.c.publishRate;
    const publishing = rate > 0
      ? runArrivals({
        schedule: new ArrivalSchedule(rate, [{ duration: ms, target: rate }]), preAllocatedVUs: this.c.preAllocatedVUs, maxVUs: this.c.maxVUs, gracefulStop: this.c.gracefulStop,
      }, publishCtx)
      : null;
    this.holder.touch();
    while (!signal.aborted && clock.now() < end) {
      await clock.sleepUntil(Math.min(end, clock.now() + TOUCH_MS), signal);
      this.holder.touch();
    }
    if (publishing) addOutcome(this.publishes, await publishing);
  }

  /** Closes every connection (at most connectTimeout for stuck closes) and sums what was done. */
  async finish(): Promise<ExecutorOutcome> {
    this.holder.stop();
    await this.holding;
    await this.holder.closed();
    const total = { ...this.publishes };
    addOutcome(total, this.holder.outcome());
    return total;
  }
}
