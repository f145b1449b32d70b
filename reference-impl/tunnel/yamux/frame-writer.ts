/**
 * The session's write path onto the byte transport. Frames go out in call order (a stream's FIN
 * must never overtake its data). All frames written during one tick are corked and leave together
 * (one writev on a socket); a large payload is written as a view after its header, never copied.
 * Data writers respect the transport's backpressure: while it is blocked they wait for 'drain';
 * if it stays blocked longer than the write timeout the session is told.
 */
import type { Duplex } from 'node:stream';
import { encodeHeader, FrameType, HEADER_SIZE } from './frame-header.ts';

/** Payloads up to this size are copied next to their header (one small buffer beats two writes). */
const COALESCE_LIMIT = 4096;
/** Ping replies are dropped while this much output is queued: a peer that pings without reading gets no memory from us. */
const DROPPABLE_LIMIT = 1024 * 1024;

export class FrameWriter {
  private corked = false;
  private blocked = false;
  private closed = false;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;

  /** `onWriteTimeout` is called once if the transport stays blocked for `writeTimeoutMs`. */
  constructor(private readonly transport: Duplex, private readonly writeTimeoutMs: number, private readonly onWriteTimeout: () => void) {
    transport.on('drain', this.onDrain);
  }

  /** True while the transport asks us to stop writing data. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /** A frame without payload (WindowUpdate, Ping, GoAway). `droppable` frames are skipped under heavy backlog. */
  writeControl(type: number, flags: number, streamId: number, length: number, droppable = false): void {
    if (this.closed) return;
    if (droppable && this.transport.writableLength > DROPPABLE_LIMIT) return;
    this.write(encodeHeader(type, flags, streamId, length));
  }

  /** A Data frame; `payload` is sent as is (a view is fine) and must not be changed afterwards. */
  writeData(streamId: number, flags: number, payload: Buffer): void {
    if (this.closed) return;
    if (payload.length <= COALESCE_LIMIT) {
      const frame = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
      encodeHeader(FrameType.Data, flags, streamId, payload.length, frame);
      payload.copy(frame, HEADER_SIZE);
      this.write(frame);
    } else {
      this.write(encodeHeader(FrameType.Data, flags, streamId, payload.length));
      this.write(payload);
    }
  }

  /** Run `fn` once the transport drains (FIFO across waiters). */
  whenWritable(fn: () => void): void {
    if (!this.closed) this.waiters.push(fn);
  }

  /** Stop writing, forget waiters and timers; the transport itself is the session's to end. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiters = [];
    this.clearTimer();
    this.transport.off('drain', this.onDrain);
    if (this.corked) {
      this.corked = false;
      this.transport.uncork();
    }
  }

  private write(buf: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.transport.cork();
      process.nextTick(this.uncork);
    }
    if (!this.transport.write(buf) && !this.blocked) {
      this.blocked = true;
      this.timer = setTimeout(this.onTimeout, this.writeTimeoutMs);
      this.timer.unref();
    }
  }

  private readonly uncork = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.transport.uncork();
  };

  private readonly onDrain = (): void => {
    this.blocked = false;
    this.clearTimer();
    // A waiter may block the transport again; the rest keep their place for the next drain.
    while (!this.blocked && !this.closed && this.waiters.length > 0) this.waiters.shift()!();
  };

  private readonly onTimeout = (): void => {
    this.timer = null;
    if (this.blocked && !this.closed) this.onWriteTimeout();
  };

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
