/**
 * Keep-alive TCP connections to one upstream for the fast path: at most `connections` open, idle
 * ones reused most recently used first and closed after `keepAliveTimeout` (by the worker's
 * SweepClock, and never reused past it: acquire() checks the age, since an upstream may close a
 * connection it considers idle just as a request goes out on it), waiters served in order.
 */
import { UpstreamConnection } from './upstream-connection.ts';
import type { SweepClock } from './sweep-clock.ts';

export interface RawPoolOptions {
  connections: number;
  keepAliveTimeout: number;
  connectTimeout: number;
  /** the worker's shared read buffer (upstream-connection.ts) */
  readBuffer: Buffer;
}

/** Who asked for a connection: an object, not a callback, so asking allocates no closure. */
export interface Waiter {
  acquired(c: UpstreamConnection | Error): void;
  /** true once it no longer wants a connection (its client left): it is told with an error, not given one */
  readonly gone: boolean;
}

const poolClosed = (): Error => Object.assign(new Error('pool closed'), { code: 'ECONNREFUSED' });
const clientGone = (): Error => new Error('client went away');

/** One upstream's raw keep-alive connections for the fast path. */
export class RawUpstreamPool {
  /** least recently used first: the sweep closes from the front, acquire takes from the back */
  private readonly idle: UpstreamConnection[] = [];
  private readonly waiters: Waiter[] = [];
  private open = 0;
  private closed = false;
  private readonly host: string;
  private readonly port: number;
  /** an idle connection got data, EOF or an error: it leaves the idle list now, not at its 'close' */
  private readonly closeIdle = (c: UpstreamConnection): void => { this.forget(c); c.socket.destroy(); };

  constructor(origin: string, private readonly o: RawPoolOptions, private readonly clock: SweepClock) {
    const u = new URL(origin);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
    clock.every(() => {
      while (this.idle.length > 0 && clock.expired(this.idle[0]!.stamp, o.keepAliveTimeout)) this.idle.shift()!.socket.destroy();
    });
  }

  /** Gives `w` a connected connection (reused or new), or the error connecting failed with. */
  acquire(w: Waiter): void {
    const c = this.reusable();
    if (c !== undefined) { w.acquired(c); return; }
    if (this.closed) { w.acquired(poolClosed()); return; }
    if (this.open >= this.o.connections) { this.waiters.push(w); return; }
    this.dial(w);
  }

  /** Gives a connection back after a complete exchange (its owner already cleared); `reusable` false closes it. */
  release(c: UpstreamConnection, reusable: boolean): void {
    if (!reusable || this.closed || c.socket.destroyed) { c.socket.destroy(); return; }
    const w = this.nextWaiter();
    if (w !== undefined) { w.acquired(c); return; }
    c.stamp = this.clock.stamp();
    this.idle.push(c);
  }

  /** Closes idle connections and refuses new ones; busy ones close when released. */
  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.socket.destroy();
    for (const w of this.waiters.splice(0)) w.acquired(poolClosed());
  }

  /** The most recently used idle connection still fit to carry a request; stale ones are closed on the way. */
  private reusable(): UpstreamConnection | undefined {
    if (this.idle.length === 0) return undefined;
    const now = this.clock.stamp();
    for (let c = this.idle.pop(); c !== undefined; c = this.idle.pop()) {
      const stale = this.o.keepAliveTimeout > 0 && now - c.stamp >= this.o.keepAliveTimeout;
      if (!stale && !c.socket.destroyed) return c;
      c.socket.destroy();
      if (stale) { for (const old of this.idle.splice(0)) old.socket.destroy(); return undefined; } // the rest are older still
    }
    return undefined;
  }

  /**
   * The first waiter that still wants a connection. Those whose client left are told so here, in a
   * loop: handing them the connection would make each release it again, one stack frame per waiter.
   */
  private nextWaiter(): Waiter | undefined {
    for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) {
      if (!w.gone) return w;
      w.acquired(clientGone());
    }
    return undefined;
  }

  private forget(c: UpstreamConnection): void {
    const i = this.idle.indexOf(c);
    if (i !== -1) this.idle.splice(i, 1);
  }

  private dial(w: Waiter): void {
    this.open++;
    const c = new UpstreamConnection({ host: this.host, port: this.port, readBuffer: this.o.readBuffer }, this.closeIdle);
    const s = c.socket;
    let settled = false;
    // one timer per new connection, not per request: connects are rare next to requests
    s.setTimeout(this.o.connectTimeout, () => s.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })));
    s.once('connect', () => { settled = true; s.setTimeout(0); s.removeAllListeners('timeout'); w.acquired(c); });
    s.once('error', (err) => { if (!settled) { settled = true; w.acquired(err); } });
    s.once('close', () => {
      this.open--;
      if (!settled) { settled = true; w.acquired(Object.assign(new Error('upstream connection closed while connecting'), { code: 'UND_ERR_SOCKET' })); }
      this.forget(c);
      const next = this.nextWaiter();
      if (next !== undefined) this.dial(next);
    });
  }
}
