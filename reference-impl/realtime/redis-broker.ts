/**
 * Fan-out across instances through Redis pub/sub (the seed's design). Two connections, as Redis
 * requires: one in subscriber mode, one for PUBLISH. Room `r` is the channel `<prefix>r`; an
 * instance subscribes only to rooms it has local subscribers in, so Redis sends each message only
 * to instances that need it. PUBLISH fails fast while Redis is down (no offline queue), so the
 * caller can count the message as dropped instead of holding it in memory; ioredis reconnects
 * with backoff and re-subscribes the channels itself.
 */
import { Redis } from 'ioredis';
import type { Broker, BrokerEnvelope, EnvelopeHandler } from './broker.ts';
import type { Logger } from '../common/logger.ts';

export interface RedisBrokerOptions {
  /** redis://[:password@]host:port[/db] or rediss:// */
  url: string;
  /** channel prefix, so several services can share one Redis */
  prefix: string;
  logger: Logger;
  /** called for an envelope that does not parse (counted by the caller) */
  onBadEnvelope?: () => void;
}

const MAX_RETRY_DELAY_MS = 2_000;

export class RedisBroker implements Broker {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly rooms = new Set<string>();
  private closed = false;

  private constructor(private readonly o: RedisBrokerOptions, deliver: EnvelopeHandler) {
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => (this.closed ? null : Math.min(50 * times, MAX_RETRY_DELAY_MS)),
    };
    this.pub = new Redis(o.url, { ...common, connectionName: 'realtime-pub' });
    // the subscriber connection must queue SUBSCRIBE while reconnecting, or a room joined meanwhile is lost
    this.sub = new Redis(o.url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'realtime-sub' });
    for (const [name, client] of [['publisher', this.pub], ['subscriber', this.sub]] as const) {
      client.on('error', (err: Error) => o.logger.debug({ err: err.message, connection: name }, 'redis connection error'));
      client.on('end', () => { if (!this.closed) o.logger.warn({ connection: name }, 'redis connection ended'); });
      client.on('ready', () => o.logger.info({ connection: name }, 'redis connection ready'));
    }
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const room = channel.toString('utf8').slice(o.prefix.length);
      let messages: unknown;
      try {
        messages = JSON.parse(message.toString('utf8'));
      } catch {
        messages = null;
      }
      if (!Array.isArray(messages)) return void o.onBadEnvelope?.();
      deliver({ room, messages });
    });
  }

  /** Connects both connections; rejects (and closes them) if Redis cannot be reached. */
  static async connect(o: RedisBrokerOptions, deliver: EnvelopeHandler): Promise<RedisBroker> {
    const broker = new RedisBroker(o, deliver);
    try {
      await Promise.all([broker.pub.connect(), broker.sub.connect()]);
    } catch (err) {
      await broker.close();
      throw err;
    }
    return broker;
  }

  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  async publish(envelope: BrokerEnvelope): Promise<void> {
    await this.pub.publish(this.o.prefix + envelope.room, JSON.stringify(envelope.messages));
  }

  async subscribe(room: string): Promise<void> {
    if (this.rooms.has(room)) return;
    this.rooms.add(room);
    await this.sub.subscribe(this.o.prefix + room);
  }

  async unsubscribe(room: string): Promise<void> {
    if (!this.rooms.delete(room)) return;
    await this.sub.unsubscribe(this.o.prefix + room);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
