/**
 * One keep-alive HTTP/1.1 connection of the fast engine: one request in flight at a time, the
 * same prebuilt bytes written for each, the response parsed straight out of a read buffer that
 * every connection shares (node:net's `onread`), so a request costs one write and one read and
 * allocates next to nothing. The socket is reopened on demand after the peer closes it.
 * A request is accepted by `send()` and written by `flush()`, which the owner calls for many
 * connections at once (see fast-driver.ts).
 */
import { connect, type Socket } from 'node:net';
import { ABORTED, PROTOCOL_ERROR, TIMEOUT, transportErrorCode } from '../http-error-code.ts';
import { ResponseParser, type ResponseSink } from './response-parser.ts';

/** Told how each request ended; exactly one call per `send()`. */
export interface ConnectionOwner {
  /** `body` (when kept) is valid only during the call; `received` counts every byte read for the request */
  onResponse(conn: Connection, status: number, body: Buffer | null, received: number): void;
  /** the request got no (complete) response; `code` as in http-error-code.ts */
  onFailure(conn: Connection, code: string, received: number): void;
}

export interface ConnectionOptions {
  host: string;
  port: number;
  /** the whole request, written as is for every `send()` */
  request: Buffer;
  /** the request is HEAD: responses carry no body */
  noBody: boolean;
  /** keep response bodies for the owner (checks read them) */
  keepBody: boolean;
  timeoutMs: number;
  /** safe to send again when a reused connection turns out to be closed by the peer */
  idempotent: boolean;
}

// Reads are handled synchronously, before the next one can happen, so one buffer serves all sockets.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class Connection implements ResponseSink {
  /** the owner's bookkeeping for the request in flight, kept here so it needs no per-request object */
  intendedTime = 0;
  sentAt = 0;
  signal: AbortSignal | null = null;
  resolve: (() => void) | null = null;
  /** Stores the resolver of a new Promise; made once, so `new Promise(conn.capture)` makes no closure. */
  readonly capture: (resolve: () => void) => void;

  private socket: Socket | null = null;
  private inFlight = false;
  private unsent = false;
  private received = 0;
  /** the socket already carried a response, so a silent close may be the peer's idle timeout */
  private reused = false;
  private retried = false;
  private lastError: unknown = null;
  // Timeout bookkeeping for the owner's sweep: requests are numbered, and a number seen unchanged
  // by consecutive sweeps has been in flight for at least that many sweep intervals.
  private seq = 0;
  private seqSeen = -1;
  private sweepsSeen = 0;
  private readonly parser: ResponseParser;
  private readonly onRead: (nread: number) => boolean;
  private readonly onError: (this: Socket, err: Error) => void;
  private readonly onClose: (this: Socket) => void;

  constructor(private readonly options: ConnectionOptions, private readonly owner: ConnectionOwner) {
    this.parser = new ResponseParser(this, { keepBody: options.keepBody });
    this.parser.noBody = options.noBody;
    this.capture = (resolve) => {
      this.resolve = resolve;
    };
    // The bytes are always in READ_BUFFER; returning true keeps the socket reading.
    this.onRead = (nread) => {
      this.read(READ_BUFFER, nread);
      return true;
    };
    const self = this;
    this.onError = function (this: Socket, err: Error) {
      if (this === self.socket) self.lastError = err;
    };
    this.onClose = function (this: Socket) {
      if (this === self.socket) self.closed();
    };
  }

  /** Whether a request is in flight. */
  get busy(): boolean {
    return this.inFlight;
  }

  /** Accepts a request, to be written by the next `flush()`; the owner hears back exactly once. */
  send(): void {
    this.inFlight = true;
    this.unsent = true;
    this.received = 0;
    this.retried = false;
    this.seq++;
  }

  /** Writes the accepted request, if it is still waiting; returns whether it wrote. */
  flush(): boolean {
    if (!this.unsent) return false;
    this.unsent = false;
    if (!this.inFlight) return false;
    this.write();
    return true;
  }

  /** Ends the request in flight (reported as aborted) and closes the socket. */
  abort(): void {
    this.unsent = false;
    this.drop();
    if (this.inFlight) this.fail(ABORTED);
  }

  /** Closes for good. */
  close(): void {
    this.abort();
  }

  /**
   * Called by the owner every `intervalMs`: times the request out once it has been in flight for
   * `timeoutMs`, give or take one interval. This replaces a timer re-armed per request, which
   * cost about 7% of the fast path's CPU.
   */
  sweep(intervalMs: number): void {
    if (!this.inFlight) return;
    if (this.seq !== this.seqSeen) {
      this.seqSeen = this.seq;
      this.sweepsSeen = 0;
      return;
    }
    if (++this.sweepsSeen * intervalMs >= this.options.timeoutMs) {
      this.drop();
      this.fail(TIMEOUT);
    }
  }

  /** ResponseSink: the parser completed a response. */
  onResponse(status: number, keepAlive: boolean, body: Buffer | null): void {
    if (!this.inFlight) {
      // A response nobody asked for: the stream is out of step, so the socket is useless.
      this.drop();
      return;
    }
    this.inFlight = false;
    if (keepAlive) {
      this.reused = true;
    } else {
      this.drop();
    }
    this.owner.onResponse(this, status, body, this.received);
  }

  private write(): void {
    if (this.socket === null) this.open();
    this.socket!.write(this.options.request);
  }

  private open(): void {
    const socket = connect({
      host: this.options.host,
      port: this.options.port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: this.onRead },
    });
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    this.socket = socket;
    this.reused = false;
    this.lastError = null;
    this.parser.reset();
  }

  private read(buf: Buffer, nread: number): void {
    if (!this.inFlight || this.unsent) {
      // Nothing asked for these bytes (an idle server's 408, say): the stream is out of step.
      this.drop();
      return;
    }
    this.received += nread;
    try {
      this.parser.execute(buf, 0, nread);
    } catch {
      this.drop();
      if (this.inFlight) this.fail(PROTOCOL_ERROR);
    }
  }

  /** The current socket closed: the peer hung up, or the connection broke. */
  private closed(): void {
    this.socket = null;
    const err = this.lastError;
    this.lastError = null;
    // A request not written yet loses nothing: flush() opens a new socket for it.
    if (this.unsent) return;
    if (this.inFlight) {
      try {
        // A body that runs until close is complete now; anything else was cut short.
        this.parser.finish();
      } catch {
        // Cut short: by a reset when the socket says so, else by a clean close mid-response.
        this.fail(err === null ? PROTOCOL_ERROR : transportErrorCode(err));
        return;
      }
    }
    if (!this.inFlight) return;
    if (this.received === 0 && this.reused && !this.retried && this.options.idempotent) {
      // The peer closed an idle keep-alive connection as we sent on it; browsers and undici retry these.
      this.retried = true;
      this.write();
      return;
    }
    this.fail(err === null ? 'ECONNRESET' : transportErrorCode(err));
  }

  /** Forgets the socket at once; its late events are ignored because it is no longer `this.socket`. */
  private drop(): void {
    const socket = this.socket;
    if (socket === null) return;
    this.socket = null;
    this.parser.reset();
    socket.destroy();
  }

  private fail(code: string): void {
    this.inFlight = false;
    this.owner.onFailure(this, code, this.received);
  }
}
