/**
 * The fan-out bus between instances. An instance publishes every accepted message to the broker
 * and delivers whatever the broker hands back for rooms it has local subscribers in, its own
 * messages included: one path for local and remote delivery, so accounting is the same for both.
 * `LocalBroker` (one process) is the single-instance default; `RedisBroker` spans instances.
 */

/** What travels through the broker: one or more messages of one room (several when batching). */
export interface BrokerEnvelope {
  room: string;
  messages: readonly unknown[];
}

export interface Broker {
  /** Publishes an envelope to every instance subscribed to its room; rejects when the broker is unreachable. */
  publish(envelope: BrokerEnvelope): Promise<void>;
  /** Starts receiving a room's envelopes (idempotent per room). */
  subscribe(room: string): Promise<void>;
  /** Stops receiving a room's envelopes. */
  unsubscribe(room: string): Promise<void>;
  /** Whether publishing can work now (false while a Redis connection is down). */
  readonly connected: boolean;
  close(): Promise<void>;
}

export type EnvelopeHandler = (envelope: BrokerEnvelope) => void;

/** The in-process broker: delivery is a microtask later, as if it had gone out and come back. */
export class LocalBroker implements Broker {
  private readonly rooms = new Set<string>();
  readonly connected = true;

  constructor(private readonly deliver: EnvelopeHandler) {}

  async publish(envelope: BrokerEnvelope): Promise<void> {
    if (this.rooms.has(envelope.room)) queueMicrotask(() => this.deliver(envelope));
  }

  async subscribe(room: string): Promise<void> {
    this.rooms.add(room);
  }

  async unsubscribe(room: string): Promise<void> {
    this.rooms.delete(room);
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }
}
