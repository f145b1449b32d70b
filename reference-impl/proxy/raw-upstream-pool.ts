/**
 * Keep-alive TCP connections to one upstream for the fast path: at most `connections` open, idle
 * ones reused most recently used first and closed after `keepAliveTimeout`, waiters served in order.
 */
import { connect, type NetConnectOpts, type Socket } from 'node:net';

export interface RawPoolOptions {
  connections: number;
  keepAliveTimeout: number;
  connectTimeout: number;
  highWaterMark: number;
}

/** One upstream's raw keep-alive connections for the fast path. */
export class RawUpstreamPool {
  private readonly idle: Socket[] = [];
  private readonly waiters: Array<(s: Socket | Error) => void> = [];
  private open = 0;
  private closed = false;
  private readonly host: string;
  private readonly port: number;

  constructor(origin: string, private readonly o: RawPoolOptions) {
    const u = new URL(origin);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
  }

  /** Calls `cb` with a connected socket (reused or new), or the error connecting failed with. */
  acquire(cb: (s: Socket | Error) => void): void {
    const s = this.idle.pop();
    if (s !== undefined) { s.setTimeout(0); cb(s); return; }
    if (this.closed) { cb(Object.assign(new Error('pool closed'), { code: 'ECONNREFUSED' })); return; }
    if (this.open >= this.o.connections) { this.waiters.push(cb); return; }
    this.dial(cb);
  }

  /** Gives a socket back after a complete exchange; `reusable` false closes it. */
  release(s: Socket, reusable: boolean): void {
    if (!reusable || this.closed || s.destroyed) { s.destroy(); return; }
    const w = this.waiters.shift();
    if (w !== undefined) { w(s); return; }
    s.setTimeout(this.o.keepAliveTimeout);
    this.idle.push(s);
  }

  /** Closes idle connections and refuses new ones; busy ones close when released. */
  close(): void {
    this.closed = true;
    for (const s of this.idle.splice(0)) s.destroy();
  }

  private dial(cb: (s: Socket | Error) => void): void {
    this.open++;
    const s = connect({ host: this.host, port: this.port, noDelay: true, highWaterMark: this.o.highWaterMark } as NetConnectOpts);
    let connected = false;
    s.setTimeout(this.o.connectTimeout);
    s.on('timeout', () => {
      if (!connected) s.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }));
      else if (this.idle.includes(s)) s.destroy(); // idle past keepAliveTimeout; busy sockets' timeouts are the exchange's
    });
    s.once('connect', () => { connected = true; s.setTimeout(0); cb(s); });
    s.on('error', (err) => { if (!connected) { connected = true; cb(err); } });
    s.once('close', () => {
      this.open--;
      const i = this.idle.indexOf(s);
      if (i !== -1) this.idle.splice(i, 1);
      const w = this.waiters.shift();
      if (w !== undefined) this.dial(w);
    });
  }
}
