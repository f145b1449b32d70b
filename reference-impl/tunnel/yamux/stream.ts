/**
 * One yamux stream as a Node Duplex. `end()` sends FIN (half-close), the peer's FIN ends the
 * readable side, `destroy()` before both FINs sends RST, the peer's RST destroys the stream with
 * YAMUX_ERR_STREAM_RESET. Writes wait for send window and for the transport to drain; the receive
 * window is reopened only as the application reads, so a stream nobody reads holds at most one
 * window of data.
 */
import { Duplex } from 'node:stream';
import type { YamuxConfig } from './config.ts';
import { YamuxError } from './errors.ts';
import { ReceiveWindow, SendWindow } from './flow-control.ts';
import { Flag, FrameType } from './frame-header.ts';
import type { FrameWriter } from './frame-writer.ts';

/** What a stream needs from its session (the session implements it; no import cycle). */
export interface StreamHost {
  readonly writer: FrameWriter;
  readonly config: Readonly<YamuxConfig>;
  /** Our SYN was ACKed: its open slot is free. */
  streamAcked(stream: YamuxStream): void;
  /** Both sides closed, or reset: forget the id. */
  streamEnded(stream: YamuxStream): void;
  /** Our SYN got no ACK within streamOpenTimeoutMs. */
  streamOpenTimedOut(stream: YamuxStream): void;
}

/** Largest Data frame we send; smaller frames let streams sharing a transport interleave. */
const MAX_DATA_FRAME = 256 * 1024;

export class YamuxStream extends Duplex {
  /** Stream id: odd when the client opened it, even when the server did. */
  readonly id: number;
  private readonly host: StreamHost;
  private readonly sendWindow = new SendWindow();
  private readonly recvWindow: ReceiveWindow;
  private localFin = false;
  private remoteFin = false;
  /** Still in the session's table; false once both sides closed, it was reset, or the session ended. */
  private registered = true;
  private awaitingAck: boolean;
  /** Handed to the application (opened, or accepted); until then errors are nobody's to hear. */
  private exposed = false;
  private openTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private out: { chunk: Buffer; offset: number; callback: (err?: Error | null) => void } | null = null;

  /** Created by the session only; `outbound` = opened by us (awaits the peer's ACK). */
  constructor(host: StreamHost, id: number, outbound: boolean) {
    super({ allowHalfOpen: true });
    this.host = host;
    this.id = id;
    this.recvWindow = new ReceiveWindow(host.config.maxStreamWindowSize);
    this.awaitingAck = outbound;
  }

  /** Bytes we may send before the peer grants more window. */
  get sendWindowSize(): number {
    return this.sendWindow.size;
  }

  /** Bytes the peer may send before we grant more window. */
  get receiveWindowSize(): number {
    return this.recvWindow.size;
  }

  // ---- called by the session -------------------------------------------------------------

  /** Send our SYN (a WindowUpdate advertising any window above 256 KiB) and start the open timer. */
  sendSyn(): void {
    this.exposed = true;
    this.sendWindowUpdate(Flag.SYN, true);
    const ms = this.host.config.streamOpenTimeoutMs;
    if (ms > 0) {
      this.openTimer = setTimeout(() => this.host.streamOpenTimedOut(this), ms);
      this.openTimer.unref();
    }
  }

  /** Accepted by the application: ACK at once, so the opener never waits for our first write. */
  sendAck(): void {
    this.exposed = true;
    this.sendWindowUpdate(Flag.ACK, true);
  }

  /** The peer ACKed our SYN. */
  handleAck(): void {
    if (!this.awaitingAck) return;
    this.awaitingAck = false;
    this.clearOpenTimer();
    this.host.streamAcked(this);
  }

  /** A Data frame arrived; throws a protocol YamuxError if it breaks the window or follows FIN. */
  handleData(length: number, payload: readonly Buffer[]): void {
    if (this.remoteFin) throw new YamuxError('YAMUX_ERR_DATA_AFTER_FIN', `stream ${this.id}`);
    this.recvWindow.receive(length);
    for (const piece of payload) this.push(piece);
  }

  /** A WindowUpdate's delta: resume a writer waiting for window. */
  handleWindowUpdate(delta: number): void {
    if (delta === 0) return;
    this.sendWindow.grant(delta);
    if (this.out) this.flushOut();
  }

  /** The peer half-closed: end the readable side; a repeated FIN is a protocol error. */
  handleFin(): void {
    if (this.remoteFin) throw new YamuxError('YAMUX_ERR_UNEXPECTED_FLAG', `second FIN on stream ${this.id}`);
    this.remoteFin = true;
    this.push(null);
    if (this.localFin) this.finishClose();
  }

  /** The peer reset the stream. */
  handleRst(): void {
    this.unregister();
    this.destroy(this.exposed ? new YamuxError('YAMUX_ERR_STREAM_RESET', `stream ${this.id}`) : undefined);
  }

  /** The session is gone: no more frames; `err` reaches the application if it holds the stream. */
  sessionEnded(err: YamuxError | null): void {
    this.registered = false;
    this.clearTimers();
    this.destroy(this.exposed && err ? err : undefined);
  }

  // ---- Duplex implementation -------------------------------------------------------------

  override _read(): void {
    // Nothing to fetch: the peer pushes as far as the window lets it. The window is reopened in read().
  }

  /** Node's read(), plus Go's rule: once the application has consumed half a window, grant it back. */
  override read(size?: number): any {
    const chunk: unknown = super.read(size);
    if (this.registered && !this.remoteFin) this.sendWindowUpdate(0, false);
    return chunk;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.out = { chunk, offset: 0, callback };
    this.flushOut();
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (this.registered) {
      this.host.writer.writeControl(FrameType.WindowUpdate, Flag.FIN, this.id, 0);
      this.localFin = true;
      if (this.remoteFin) this.finishClose();
      else this.startCloseTimer();
    }
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.clearTimers();
    if (this.registered && !(this.localFin && this.remoteFin)) {
      // Aborted before both sides closed: tell the peer, as a socket destroy would.
      this.host.writer.writeControl(FrameType.WindowUpdate, Flag.RST, this.id, 0);
    }
    this.unregister();
    this.out = null;
    callback(err);
  }

  // ---- internals -------------------------------------------------------------------------

  private readonly flushOut = (): void => {
    const out = this.out;
    if (!out || !this.registered) return;
    while (out.offset < out.chunk.length) {
      const window = this.sendWindow.size;
      if (window === 0) return; // handleWindowUpdate resumes
      if (this.host.writer.isBlocked) {
        this.host.writer.whenWritable(this.flushOut);
        return;
      }
      const n = Math.min(window, out.chunk.length - out.offset, MAX_DATA_FRAME);
      const piece = out.offset === 0 && n === out.chunk.length ? out.chunk : out.chunk.subarray(out.offset, out.offset + n);
      this.host.writer.writeData(this.id, 0, piece);
      this.sendWindow.consume(n);
      out.offset += n;
    }
    this.out = null;
    out.callback();
  };

  private sendWindowUpdate(flags: number, force: boolean): void {
    const delta = this.recvWindow.takeUpdate(this.readableLength, force);
    if (force || delta > 0) this.host.writer.writeControl(FrameType.WindowUpdate, flags, this.id, delta);
  }

  private finishClose(): void {
    this.clearTimers();
    this.unregister();
  }

  private unregister(): void {
    if (!this.registered) return;
    this.registered = false;
    this.clearTimers();
    this.host.streamEnded(this);
  }

  private startCloseTimer(): void {
    const ms = this.host.config.streamCloseTimeoutMs;
    if (ms === 0) return;
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      this.destroy(new YamuxError('YAMUX_ERR_STREAM_CLOSE_TIMEOUT', `stream ${this.id}`));
    }, ms);
    this.closeTimer.unref();
  }

  private clearOpenTimer(): void {
    if (this.openTimer) clearTimeout(this.openTimer);
    this.openTimer = null;
  }

  private clearTimers(): void {
    this.clearOpenTimer();
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = null;
  }
}
