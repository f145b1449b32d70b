/**
 * Per-stream flow control, as hashicorp/yamux does it: no session-level window, only Data bytes
 * count, and both windows start at 256 KiB whatever either side's maximum is.
 */
import { YamuxError } from './errors.ts';
import { INITIAL_STREAM_WINDOW } from './frame-header.ts';

const MAX_U32 = 0xffff_ffff;

/** Bytes we may still send: consumed by our Data frames, replenished by the peer's WindowUpdates. */
export class SendWindow {
  private available = INITIAL_STREAM_WINDOW;

  get size(): number {
    return this.available;
  }

  /** Spend `n` bytes of credit; callers never send more than `size`. */
  consume(n: number): void {
    this.available -= n;
  }

  /** Add the delta of a WindowUpdate. A window past 2^32-1 cannot be expressed on the wire, so it is a protocol error. */
  grant(delta: number): void {
    if (this.available + delta > MAX_U32) {
      throw new YamuxError('YAMUX_ERR_SEND_WINDOW_OVERFLOW', `${this.available} + ${delta}`);
    }
    this.available += delta;
  }
}

/**
 * Bytes the peer may still send us. It is reopened only as the application reads what was
 * received (backpressure): an unread stream buffers at most `max` bytes. The invariant is
 * `window + unread <= max`.
 */
export class ReceiveWindow {
  private window = INITIAL_STREAM_WINDOW;

  constructor(readonly max: number) {}

  get size(): number {
    return this.window;
  }

  /** Account for a Data frame of `n` bytes; more than the window is a protocol error. */
  receive(n: number): void {
    if (n > this.window) {
      throw new YamuxError('YAMUX_ERR_RECV_WINDOW_EXCEEDED', `${n} bytes into a window of ${this.window}`);
    }
    this.window -= n;
  }

  /**
   * The delta to advertise now that `unread` bytes are still buffered, or 0 to stay quiet. Like Go,
   * an update goes out only once it reaches half the maximum (fewer, larger updates), unless
   * `force` (a SYN/ACK/FIN must be sent anyway, so it carries whatever delta there is).
   */
  takeUpdate(unread: number, force: boolean): number {
    const delta = Math.max(0, this.max - unread - this.window);
    if (!force && delta < Math.floor(this.max / 2)) return 0;
    this.window += delta;
    return delta;
  }
}
