/**
 * A yamux session over any byte transport (a net.Socket, a WebSocket adapted to a Duplex, an
 * in-memory pair): opens and accepts streams, dispatches frames, answers and sends pings, handles
 * GoAway, keeps the connection alive and closes it. Wire behaviour follows hashicorp/yamux.
 *
 * The session never emits 'error' (a peer must not be able to crash the process): it closes, and
 * 'close' plus `closed` carry the typed reason. A peer that breaks the protocol gets
 * GoAway(protocol error) before the transport is ended.
 */
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AcceptQueue } from './accept-queue.ts';
import { resolveConfig, type YamuxConfig } from './config.ts';
import { YamuxError } from './errors.ts';
import { Flag, FrameType, GoAwayCode, type FrameHeader } from './frame-header.ts';
import { FrameReader } from './frame-reader.ts';
import { FrameWriter } from './frame-writer.ts';
import { PingTracker } from './ping-tracker.ts';
import { YamuxStream, type StreamHost } from './stream.ts';

/** The client opens odd stream ids, the server even ones; otherwise the two are symmetric. */
export type SessionRole = 'client' | 'server';

/** Go refuses ids from MaxUint32-1 on. */
const LAST_STREAM_ID = 0xffff_ffff - 1;

export interface YamuxSession {
  /** Emitted once, after the transport is closed; `err` is undefined for a normal close or a clean end of the transport. */
  on(event: 'close', listener: (err?: YamuxError) => void): this;
  /** The peer sent GoAway(normal): open() now fails, existing streams continue. */
  on(event: 'goaway', listener: (code: number) => void): this;
  once(event: 'close', listener: (err?: YamuxError) => void): this;
  once(event: 'goaway', listener: (code: number) => void): this;
}

export class YamuxSession extends EventEmitter implements StreamHost {
  readonly role: SessionRole;
  readonly config: Readonly<YamuxConfig>;
  /** @internal the write path, shared with the streams */
  readonly writer: FrameWriter;
  /** Resolves once the session and its transport are closed, with the reason (undefined when normal). */
  readonly closed: Promise<YamuxError | undefined>;

  private readonly transport: Duplex;
  private readonly reader: FrameReader;
  private readonly streams = new Map<number, YamuxStream>();
  private readonly acceptQueue: AcceptQueue;
  private readonly unacked = new Set<YamuxStream>();
  private openWaiters: Array<() => void> = [];
  private readonly pings: PingTracker;
  private nextLocalId: number;
  private lastRemoteId = 0;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private keepaliveInFlight = false;
  private localGoAway = false;
  private remoteGoAway = false;
  private shutDown = false;
  private finalized = false;
  private closeReason: YamuxError | undefined;
  private forceTimer: NodeJS.Timeout | null = null;
  private resolveClosed!: (err: YamuxError | undefined) => void;

  /**
   * Starts a session on `transport` at once (reading, keepalive). Throws YAMUX_ERR_INVALID_CONFIG.
   * A net.Socket gets TCP_NODELAY, as Go's TCP connections have by default: with Nagle, a small
   * frame behind unacknowledged ones waits for a delayed ACK (a stream open+echo+close took 44 ms
   * instead of 0.07 ms on loopback). Other transports should disable Nagle themselves (ws does).
   */
  constructor(transport: Duplex, role: SessionRole, config: Partial<YamuxConfig> = {}) {
    super();
    this.config = resolveConfig(config);
    this.role = role;
    this.transport = transport;
    if (transport instanceof Socket) transport.setNoDelay(true);
    this.nextLocalId = role === 'client' ? 1 : 2;
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
    this.writer = new FrameWriter(transport, this.config.connectionWriteTimeoutMs, () => {
      this.shutdown(new YamuxError('YAMUX_ERR_CONNECTION_WRITE_TIMEOUT', `${this.config.connectionWriteTimeoutMs} ms`), null);
    });
    this.reader = new FrameReader(this.config.maxStreamWindowSize, this.onFrame);
    this.acceptQueue = new AcceptQueue(this.config.acceptBacklog);
    this.pings = new PingTracker(this.config.connectionWriteTimeoutMs, (id) => this.writer.writeControl(FrameType.Ping, Flag.SYN, 0, id));
    transport.on('data', this.onData);
    transport.on('end', this.onEnd);
    transport.on('error', this.onTransportError);
    transport.on('close', this.onTransportClose);
    if (this.config.enableKeepAlive) {
      this.keepaliveTimer = setInterval(this.keepalive, this.config.keepAliveIntervalMs);
      this.keepaliveTimer.unref();
    }
  }

  /** A client-side session (odd stream ids), like Go's yamux.Client. */
  static client(transport: Duplex, config?: Partial<YamuxConfig>): YamuxSession {
    return new YamuxSession(transport, 'client', config);
  }

  /** A server-side session (even stream ids), like Go's yamux.Server. */
  static server(transport: Duplex, config?: Partial<YamuxConfig>): YamuxSession {
    return new YamuxSession(transport, 'server', config);
  }

  /** True once the session has shut down (even if the transport is still closing). */
  get isClosed(): boolean {
    return this.shutDown;
  }

  /** Streams the session still tracks (open, half-closed, or waiting in the accept backlog). */
  get numStreams(): number {
    return this.streams.size;
  }

  /** True once the peer sent GoAway(normal). */
  get remoteGoAwayReceived(): boolean {
    return this.remoteGoAway;
  }

  /**
   * Opens a stream: sends SYN and resolves without waiting for the ACK (data may follow at once).
   * Waits while acceptBacklog of our opens are un-ACKed. Rejects after GoAway, on close, or when ids run out.
   */
  async open(): Promise<YamuxStream> {
    for (;;) {
      this.assertCanOpen();
      if (this.unacked.size < this.config.acceptBacklog) break;
      await new Promise<void>((resolve) => this.openWaiters.push(resolve));
    }
    if (this.nextLocalId >= LAST_STREAM_ID) throw new YamuxError('YAMUX_ERR_STREAMS_EXHAUSTED');
    const id = this.nextLocalId;
    this.nextLocalId += 2;
    const stream = new YamuxStream(this, id, true);
    this.streams.set(id, stream);
    this.unacked.add(stream);
    stream.sendSyn();
    return stream;
  }

  /** The next stream the peer opened; it is ACKed now. Rejects once the session is closed. */
  accept(): Promise<YamuxStream> {
    if (this.shutDown) return Promise.reject(this.sessionClosedError());
    return this.acceptQueue.take();
  }

  /** Accepted streams until the session closes: `for await (const stream of session)`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<YamuxStream, void, undefined> {
    while (!this.shutDown) {
      try {
        yield await this.accept();
      } catch (err) {
        if (this.shutDown) return;
        throw err;
      }
    }
  }

  /** Round-trip time in ms of one Ping; rejects with YAMUX_ERR_PING_TIMEOUT after connectionWriteTimeoutMs. */
  ping(): Promise<number> {
    if (this.shutDown) return Promise.reject(this.sessionClosedError());
    return this.pings.ping();
  }

  /** Tell the peer we accept no new streams (their SYNs get RST from now on); existing streams go on. */
  goAway(code: GoAwayCode = GoAwayCode.Normal): void {
    if (this.shutDown) return;
    this.localGoAway = true;
    this.writer.writeControl(FrameType.GoAway, 0, 0, code);
  }

  /**
   * Graceful shutdown, like Go's Close plus a GoAway(normal) first: ends the transport and destroys
   * the streams still open (without an error: the application asked for it). Resolves when the
   * transport is closed.
   */
  async close(): Promise<void> {
    this.shutdown(undefined, this.localGoAway ? null : GoAwayCode.Normal, true);
    await this.closed;
  }

  /** Immediate shutdown: no GoAway, the transport is destroyed; open streams get `err` if given. */
  destroy(err?: YamuxError): void {
    this.shutdown(err, null, err === undefined);
    this.transport.destroy();
  }

  // ---- StreamHost -------------------------------------------------------------------------

  /** @internal */
  streamAcked(stream: YamuxStream): void {
    if (this.unacked.delete(stream)) this.openWaiters.shift()?.();
  }

  /** @internal */
  streamEnded(stream: YamuxStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
    this.acceptQueue.remove(stream);
    if (this.unacked.delete(stream)) this.openWaiters.shift()?.();
  }

  /** @internal Go closes the whole session when an open is never ACKed. */
  streamOpenTimedOut(stream: YamuxStream): void {
    this.shutdown(new YamuxError('YAMUX_ERR_STREAM_OPEN_TIMEOUT', `stream ${stream.id} after ${this.config.streamOpenTimeoutMs} ms`), null);
  }

  // ---- receiving ---------------------------------------------------------------------------

  private readonly onData = (chunk: Buffer): void => {
    if (this.shutDown) return; // keep draining the transport so it can close cleanly
    try {
      this.reader.push(chunk);
    } catch (err) {
      if (err instanceof YamuxError) {
        this.shutdown(err, err.kind === 'protocol' ? GoAwayCode.ProtocolError : null);
      } else {
        this.shutdown(new YamuxError('YAMUX_ERR_INTERNAL', String(err), { cause: err }), GoAwayCode.InternalError);
        throw err; // a bug (ours or a 'data' listener's) must stay visible
      }
    }
  };

  private readonly onFrame = (header: FrameHeader, payload: readonly Buffer[]): void => {
    if (this.shutDown) return;
    switch (header.type) {
      case FrameType.Data:
      case FrameType.WindowUpdate:
        this.onStreamFrame(header, payload);
        break;
      case FrameType.Ping:
        this.onPing(header);
        break;
      default:
        this.onGoAway(header);
    }
  };

  private onStreamFrame(header: FrameHeader, payload: readonly Buffer[]): void {
    const { streamId: id, flags } = header;
    if (id === 0) throw new YamuxError('YAMUX_ERR_INVALID_STREAM_ID', `stream frame on id 0`);
    let stream = this.streams.get(id);
    if (flags & Flag.SYN) {
      if (stream !== undefined) throw new YamuxError('YAMUX_ERR_DUPLICATE_STREAM', `stream ${id}`);
      if (this.isLocalId(id)) throw new YamuxError('YAMUX_ERR_INVALID_STREAM_ID', `SYN for ${id}, an id of our own parity`);
      // Not necessarily increasing: Go goroutines opening at once may send their SYNs out of order.
      this.lastRemoteId = Math.max(this.lastRemoteId, id);
      stream = this.incomingStream(id);
      if (stream === undefined) return; // refused with RST; its payload is dropped
    } else if (stream === undefined) {
      if (this.wasOpened(id)) return; // in flight when we reset or closed it: drop, as Go does
      throw new YamuxError('YAMUX_ERR_UNKNOWN_STREAM', `stream ${id}`);
    }
    if (flags & Flag.ACK) stream.handleAck();
    if (flags & Flag.RST) {
      stream.handleRst();
      return;
    }
    if (header.type === FrameType.Data) stream.handleData(header.length, payload);
    else stream.handleWindowUpdate(header.length);
    if (flags & Flag.FIN) stream.handleFin();
  }

  private incomingStream(id: number): YamuxStream | undefined {
    if (this.localGoAway || this.acceptQueue.isFull) {
      this.writer.writeControl(FrameType.WindowUpdate, Flag.RST, id, 0);
      return undefined;
    }
    const stream = new YamuxStream(this, id, false);
    this.streams.set(id, stream);
    this.acceptQueue.add(stream);
    return stream;
  }

  private onPing(header: FrameHeader): void {
    if (header.streamId !== 0) throw new YamuxError('YAMUX_ERR_INVALID_STREAM_ID', `ping on stream ${header.streamId}`);
    if (header.flags & Flag.SYN) {
      this.writer.writeControl(FrameType.Ping, Flag.ACK, 0, header.length, true);
      return;
    }
    if (header.flags & Flag.ACK) this.pings.handleReply(header.length);
  }

  private onGoAway(header: FrameHeader): void {
    if (header.streamId !== 0) throw new YamuxError('YAMUX_ERR_INVALID_STREAM_ID', `GoAway on stream ${header.streamId}`);
    switch (header.length) {
      case GoAwayCode.Normal: {
        this.remoteGoAway = true;
        const waiters = this.openWaiters;
        this.openWaiters = [];
        for (const wake of waiters) wake(); // they re-check and reject
        this.emit('goaway', header.length);
        return;
      }
      case GoAwayCode.ProtocolError:
        return this.shutdown(new YamuxError('YAMUX_ERR_REMOTE_PROTOCOL_ERROR'), null);
      case GoAwayCode.InternalError:
        return this.shutdown(new YamuxError('YAMUX_ERR_REMOTE_INTERNAL_ERROR'), null);
      default:
        return this.shutdown(new YamuxError('YAMUX_ERR_REMOTE_GOAWAY_UNKNOWN', `code ${header.length}`), null);
    }
  }

  private readonly onEnd = (): void => this.shutdown(undefined, null);
  private readonly onTransportError = (err: Error): void => {
    this.shutdown(new YamuxError('YAMUX_ERR_TRANSPORT', err.message, { cause: err }), null);
  };
  private readonly onTransportClose = (): void => {
    this.shutdown(undefined, null);
    this.finalize();
  };

  // ---- keepalive and shutdown -------------------------------------------------------------

  private readonly keepalive = (): void => {
    if (this.keepaliveInFlight || this.shutDown) return;
    this.keepaliveInFlight = true;
    this.ping().then(
      () => { this.keepaliveInFlight = false; },
      (err: YamuxError) => {
        this.keepaliveInFlight = false;
        if (err.code === 'YAMUX_ERR_PING_TIMEOUT') this.shutdown(new YamuxError('YAMUX_ERR_KEEPALIVE_TIMEOUT', err.message), null);
      },
    );
  };

  /**
   * Ends the session once. Streams still open are destroyed with YAMUX_ERR_SESSION_CLOSED (cause:
   * `reason`) so the application learns its data may be cut short, unless the shutdown is a clean
   * local one (`quietStreams`).
   */
  private shutdown(reason: YamuxError | undefined, goAway: GoAwayCode | null, quietStreams = false): void {
    if (this.shutDown) return;
    this.shutDown = true;
    this.closeReason = reason;
    this.reader.stop();
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
    if (goAway !== null) this.writer.writeControl(FrameType.GoAway, 0, 0, goAway);
    this.writer.close();

    const closedErr = this.sessionClosedError();
    this.pings.rejectAll(closedErr);
    this.acceptQueue.close(closedErr);
    const openWaiters = this.openWaiters;
    this.openWaiters = [];
    for (const wake of openWaiters) wake();
    const streams = [...this.streams.values()];
    this.streams.clear();
    this.unacked.clear();
    for (const stream of streams) stream.sessionEnded(quietStreams ? null : closedErr);

    // End gracefully so a GoAway reaches the peer; destroy if it does not close in time.
    if (this.transport.destroyed) {
      this.finalize();
      return;
    }
    if (!this.transport.writableEnded) this.transport.end();
    this.forceTimer = setTimeout(() => {
      this.transport.destroy();
      this.finalize();
    }, this.config.connectionWriteTimeoutMs);
    this.forceTimer.unref();
  }

  private finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    if (this.forceTimer) clearTimeout(this.forceTimer);
    this.forceTimer = null;
    this.transport.off('data', this.onData);
    this.transport.off('end', this.onEnd);
    this.transport.off('close', this.onTransportClose);
    // onTransportError stays: a late transport error must not become an uncaught exception.
    this.resolveClosed(this.closeReason);
    this.emit('close', this.closeReason);
  }

  private assertCanOpen(): void {
    if (this.shutDown) throw this.sessionClosedError();
    if (this.remoteGoAway) throw new YamuxError('YAMUX_ERR_REMOTE_GOAWAY');
  }

  private sessionClosedError(): YamuxError {
    return new YamuxError('YAMUX_ERR_SESSION_CLOSED', this.closeReason?.message, this.closeReason ? { cause: this.closeReason } : undefined);
  }

  private isLocalId(id: number): boolean {
    return (id % 2 === 1) === (this.role === 'client');
  }

  /** An id that may have existed: ours below the next one, or the peer's up to its highest SYN. */
  private wasOpened(id: number): boolean {
    return this.isLocalId(id) ? id < this.nextLocalId : id <= this.lastRemoteId;
  }
}
