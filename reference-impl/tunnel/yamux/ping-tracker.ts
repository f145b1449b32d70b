/**
 * A session's outstanding pings: each gets the next opaque u32 (echoed by the peer's ACK), its
 * round-trip time is measured from the send, and it fails if no reply comes within the timeout
 * (Go uses ConnectionWriteTimeout for this too). A late reply to a timed-out ping is ignored.
 */
import { YamuxError } from './errors.ts';

interface PendingPing { start: number; resolve: (rttMs: number) => void; reject: (err: YamuxError) => void; timer: NodeJS.Timeout }

export class PingTracker {
  private readonly pending = new Map<number, PendingPing>();
  private nextId = 0;

  /** `send(id)` writes the Ping SYN frame carrying `id`. */
  constructor(private readonly timeoutMs: number, private readonly send: (id: number) => void) {}

  /** Sends a ping; resolves with the RTT in ms or rejects with YAMUX_ERR_PING_TIMEOUT. */
  ping(): Promise<number> {
    const id = this.nextId;
    this.nextId = (id + 1) >>> 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new YamuxError('YAMUX_ERR_PING_TIMEOUT', `no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.pending.get(id)?.reject(new YamuxError('YAMUX_ERR_PING_TIMEOUT', 'ping id reused after 2^32 pings'));
      this.pending.set(id, { start: performance.now(), resolve, reject, timer });
      this.send(id);
    });
  }

  /** The peer's ACK for `id` arrived. */
  handleReply(id: number): void {
    const ping = this.pending.get(id);
    if (!ping) return;
    this.pending.delete(id);
    clearTimeout(ping.timer);
    ping.resolve(performance.now() - ping.start);
  }

  /** Fails every outstanding ping (the session is closing). */
  rejectAll(err: YamuxError): void {
    for (const ping of this.pending.values()) {
      clearTimeout(ping.timer);
      ping.reject(err);
    }
    this.pending.clear();
  }
}
