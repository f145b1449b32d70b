/**
 * One keep-alive TCP connection to an upstream on the fast path. Its listeners are attached once,
 * when it is dialled, and forward to whichever exchange owns it now: adding and removing four
 * listeners per request cost more than the request's own parsing. It reads with `onread` into
 * one buffer the whole worker shares (no allocation per read, no Readable stream in between), so
 * what an owner is given is valid only during the call: it must copy what it keeps or writes.
 */
import { connect, type NetConnectOpts, type Socket } from 'node:net';

/** The exchange using an upstream connection. */
export interface UpstreamOwner {
  /** bytes from the upstream; `d` is overwritten after this call returns */
  upData(d: Buffer): void;
  /** the upstream closed its side */
  upEnd(): void;
  upError(err: Error): void;
}

export interface DialOptions {
  host: string;
  port: number;
  /** the worker's shared read buffer */
  readBuffer: Buffer;
}

/** A pooled upstream socket and the exchange it serves, if any. */
export class UpstreamConnection {
  owner: UpstreamOwner | null = null;
  /** SweepClock.stamp() of when it went idle or last saw activity */
  stamp = 0;
  readonly socket: Socket;

  /** Dials; `onIdleEvent` is told when an unowned connection gets data, EOF or an error (it should be closed). */
  constructor(o: DialOptions, onIdleEvent: (c: UpstreamConnection) => void) {
    this.socket = connect({
      host: o.host, port: o.port, noDelay: true,
      onread: {
        buffer: o.readBuffer,
        callback: (n: number, buf: Buffer): boolean => {
          if (this.owner !== null) this.owner.upData(buf.subarray(0, n));
          else onIdleEvent(this); // an idle upstream has nothing to say: the answer to no request
          return true;
        },
      },
    } as NetConnectOpts);
    this.socket.on('end', () => { if (this.owner !== null) this.owner.upEnd(); else onIdleEvent(this); });
    this.socket.on('error', (err) => { if (this.owner !== null) this.owner.upError(err); else onIdleEvent(this); });
    // a close with neither 'end' nor 'error' first (destroyed while owned): the owner must not wait for a timeout
    this.socket.on('close', () => { if (this.owner !== null) this.owner.upError(Object.assign(new Error('upstream connection closed'), { code: 'UND_ERR_SOCKET' })); });
  }
}
