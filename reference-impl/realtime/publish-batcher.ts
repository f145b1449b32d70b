/**
 * Hands accepted messages to the broker, one PUBLISH per message or, with a batch window, one
 * PUBLISH per room per window (the seed's "batch Redis pub/sub messages": fewer round trips and
 * less Redis bandwidth for a few ms of latency). A batch is also flushed early at maxBatch messages.
 */
import type { Broker } from './broker.ts';
import type { RoomMessage } from './protocol.ts';

interface Pending { messages: RoomMessage[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[] }

export class PublishBatcher {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly broker: Broker, private readonly windowMs: number, private readonly maxBatch: number, private readonly onPublish: () => void) {}

  /** Resolves once the broker took the message; rejects if it would not. */
  publish(m: RoomMessage): Promise<void> {
    if (this.windowMs <= 0) {
      this.onPublish();
      return this.broker.publish({ room: m.room, messages: [m] });
    }
    return new Promise<void>((resolve, reject) => {
      let p = this.pending.get(m.room);
      if (p === undefined) {
        p = { messages: [], waiters: [] };
        this.pending.set(m.room, p);
      }
      p.messages.push(m);
      p.waiters.push({ resolve, reject });
      if (p.messages.length >= this.maxBatch) this.flushRoom(m.room, p);
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Sends everything pending now. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const [room, p] of this.pending) this.flushRoom(room, p);
  }

  private flushRoom(room: string, p: Pending): void {
    this.pending.delete(room);
    this.onPublish();
    this.broker.publish({ room, messages: p.messages }).then(
      () => { for (const w of p.waiters) w.resolve(); },
      (err: unknown) => { for (const w of p.waiters) w.reject(err); },
    );
  }
}
