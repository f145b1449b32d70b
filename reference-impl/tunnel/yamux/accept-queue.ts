/**
 * Inbound streams waiting for accept(), bounded like Go's acceptCh: when it holds `capacity`
 * streams the session refuses the next SYN with RST. A stream is ACKed as it is handed over.
 */
import type { YamuxError } from './errors.ts';
import type { YamuxStream } from './stream.ts';

interface Waiter { resolve: (stream: YamuxStream) => void; reject: (err: YamuxError) => void }

export class AcceptQueue {
  private readonly backlog = new Set<YamuxStream>();
  private waiters: Waiter[] = [];
  private handoverQueued = false;

  constructor(private readonly capacity: number) {}

  /** True when the next inbound stream must be refused. */
  get isFull(): boolean {
    return this.backlog.size >= this.capacity;
  }

  /**
   * Queue a new inbound stream. Waiting callers get it once the current input chunk is parsed:
   * a RST or session error later in the same chunk then meets a stream nobody holds yet, instead
   * of an 'error' emitted before the caller could add a listener.
   */
  add(stream: YamuxStream): void {
    this.backlog.add(stream);
    if (this.waiters.length > 0 && !this.handoverQueued) {
      this.handoverQueued = true;
      queueMicrotask(this.handOver);
    }
  }

  /** The oldest waiting stream, ACKed; or a promise for the next one. */
  take(): Promise<YamuxStream> {
    const next = this.shift();
    if (next) return Promise.resolve(next);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Forget a stream reset (or ended) before anyone accepted it. */
  remove(stream: YamuxStream): void {
    this.backlog.delete(stream);
  }

  /** Reject every waiting caller and forget the backlog (the session is closing). */
  close(err: YamuxError): void {
    for (const waiter of this.waiters) waiter.reject(err);
    this.waiters = [];
    this.backlog.clear();
  }

  private shift(): YamuxStream | undefined {
    const next = this.backlog.values().next();
    if (next.done) return undefined;
    this.backlog.delete(next.value);
    next.value.sendAck();
    return next.value;
  }

  private readonly handOver = (): void => {
    this.handoverQueued = false;
    while (this.waiters.length > 0 && this.backlog.size > 0) this.waiters.shift()!.resolve(this.shift()!);
  };
}
