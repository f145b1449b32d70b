/** A driver whose iterations take a set amount of virtual time and that remembers every call. */
import type { Clock } from '../../../harness/executors/clock.ts';
import type { Driver, HeldConnection, IterationContext } from '../../../harness/drivers/driver.ts';

export interface Call {
  intendedTime: number;
  vu: number;
  iteration: number;
  startedAt: number;
  endedAt: number | null;
  aborted: boolean;
}

export class FakeDriver implements Driver {
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;

  /** `work` is the virtual ms one iteration takes, or a function of the call number. */
  constructor(private readonly clock: Clock, private readonly work: number | ((call: number) => number)) {}

  async iterate(ctx: IterationContext): Promise<void> {
    const call: Call = { intendedTime: ctx.intendedTime, vu: ctx.vu, iteration: ctx.iteration, startedAt: this.clock.now(), endedAt: null, aborted: false };
    const ms = typeof this.work === 'number' ? this.work : this.work(this.calls.length);
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await this.clock.sleepUntil(this.clock.now() + ms, ctx.signal);
    this.inFlight--;
    call.aborted = ctx.signal.aborted;
    call.endedAt = this.clock.now();
  }

  async close(): Promise<void> {}
}

export interface Held {
  openedAt: number;
  vu: number;
  closedAt: number | null;
  /** ends the connection from the far side, as a server restart would */
  drop(reason: string): void;
}

/** A driver that holds connections: opening takes `connectMs`, and attempts listed in `failing` are refused. */
export class FakeHoldDriver implements Driver {
  readonly attempts: { startedAt: number; vu: number }[] = [];
  readonly held: Held[] = [];
  open = 0;

  constructor(private readonly clock: Clock, private readonly connectMs: number, private readonly failing: ReadonlySet<number> = new Set()) {}

  async iterate(): Promise<void> { throw new Error('FakeHoldDriver only holds connections'); }

  async hold(ctx: IterationContext): Promise<HeldConnection> {
    const attempt = this.attempts.length;
    this.attempts.push({ startedAt: this.clock.now(), vu: ctx.vu });
    await this.clock.sleepUntil(this.clock.now() + this.connectMs, ctx.signal);
    if (ctx.signal.aborted) throw new Error('connect aborted');
    if (this.failing.has(attempt)) throw new Error('connection refused');
    let end!: (reason: string) => void;
    const ended = new Promise<string>((resolve) => { end = resolve; });
    const h: Held = { openedAt: this.clock.now(), vu: ctx.vu, closedAt: null, drop: (reason) => { if (h.closedAt === null) { this.open--; h.closedAt = -1; } end(reason); } };
    this.held.push(h);
    this.open++;
    return {
      ended,
      close: async () => {
        if (h.closedAt === null) { this.open--; h.closedAt = this.clock.now(); }
        end('closed');
      },
    };
  }

  async close(): Promise<void> {}
}
