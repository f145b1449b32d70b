/**
 * The `ws:` driver (k6's WebSocket metric names): ws_connecting (handshake), ws_sessions,
 * ws_msgs_sent, ws_msgs_received, plus message_latency measured end to end, from the publisher's
 * send to each subscriber's receipt, and message_delivery from per-publisher sequence numbers
 * (ws-delivery.ts: a dropped subscriber back within `timeout` counts what it missed meanwhile).
 *
 * hold(): one subscriber connection (room-(vu mod rooms)), resolved once "subscribed" arrived.
 * iterate(): `send: publish` publishes one message through one of `publishers` connections of this
 * thread and waits for its ack; `send: ping` does a ping/pong round trip on the VU's own
 * connection. Publishers and subscribers may live in different workloads and threads: a payload
 * carries its send time as wall-clock ms (performance.timeOrigin + now(), shared by the threads of
 * one process), its publisher's id and a per-room sequence number.
 */
import { randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { M } from '../metrics/metric-names.ts';
import type { CounterHandle, RateHandle, TrendHandle } from '../metrics/recorder.ts';
import type { Driver, DriverDeps, HeldConnection, IterationContext } from './driver.ts';
import { WsClient } from './ws-client.ts';
import { DeliveryTracker, DroppedSubscribers } from './ws-delivery.ts';
import type { WsDriverConfig } from './ws-schema.ts';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across worker threads. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The ws:// URLs a `target` names: components' http endpoints become ws://, with the path and token. */
export function wsUrls(config: Pick<WsDriverConfig, 'target' | 'path' | 'token'>, endpoints: Readonly<Record<string, string>>): string[] {
  const targets = Array.isArray(config.target) ? config.target : [config.target];
  return targets.map((target) => {
    const raw = Object.prototype.hasOwnProperty.call(endpoints, target) ? endpoints[target]! : target;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`ws target "${target}" is neither a component nor a ws:// URL`);
    }
    if (url.protocol === 'http:') url.protocol = 'ws:';
    else if (url.protocol === 'https:') url.protocol = 'wss:';
    else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`ws target "${target}" (${raw}) must be ws://, wss:// or a component's http:// endpoint`);
    // a URL written with its own path keeps it; a bare endpoint gets `path`
    if (url.pathname === '/' || url.pathname === '') url.pathname = config.path;
    url.searchParams.set('token', config.token);
    return url.href;
  });
}

export { DeliveryTracker };

/** How long a target that refused a connection is skipped (nginx's fail_timeout is 10 s; reconnects here come within a second). */
const TARGET_DOWN_MS = 1_000;

interface Publisher { id: string; client: WsClient; seq: Map<string, number> }

export function createWsDriver(config: WsDriverConfig, deps: DriverDeps): Driver {
  return new WsDriver(config, deps);
}

class WsDriver implements Driver {
  private readonly urls: string[];
  private readonly padding: string;
  private readonly connecting: TrendHandle;
  private readonly sessions: CounterHandle;
  private readonly sent: CounterHandle;
  private readonly received: CounterHandle;
  private readonly fanoutLatency: TrendHandle;
  private readonly pingLatency: TrendHandle;
  private readonly delivery: RateHandle;
  private readonly deliveryReconnecting: RateHandle;
  private readonly connectionSuccess: RateHandle;
  private readonly publishAcked: RateHandle;
  private readonly pongReceived: RateHandle;
  private readonly clients = new Set<WsClient>();
  private readonly publishers: (Promise<Publisher> | undefined)[] = [];
  private readonly pingClients = new Map<number, Promise<WsClient>>();
  private readonly dropped: DroppedSubscribers;
  private readonly idPrefix = `${process.pid}.${threadId}.${randomBytes(3).toString('hex')}`;
  private opened = 0;
  /** per target: until when (clock ms) it is skipped after refusing a connection, as nginx's max_fails/fail_timeout */
  private readonly downUntil: number[];
  private closed = false;

  constructor(private readonly config: WsDriverConfig, private readonly deps: DriverDeps) {
    this.urls = wsUrls(config, deps.endpoints);
    this.downUntil = this.urls.map(() => -Infinity);
    this.dropped = new DroppedSubscribers(config.timeout);
    this.padding = 'x'.repeat(config.payloadSize);
    const { recorder, tags } = deps;
    this.connecting = recorder.trend(M.wsConnecting, tags);
    this.sessions = recorder.counter(M.wsSessions, tags);
    this.sent = recorder.counter(M.wsMsgsSent, tags);
    this.received = recorder.counter(M.wsMsgsReceived, tags);
    this.fanoutLatency = recorder.trend(M.messageLatency, { ...tags, kind: 'fanout' });
    this.pingLatency = recorder.trend(M.messageLatency, { ...tags, kind: 'ping' });
    this.delivery = recorder.rate(M.messageDelivery, { ...tags, subscriber: 'connected' });
    this.deliveryReconnecting = recorder.rate(M.messageDelivery, { ...tags, subscriber: 'reconnecting' });
    this.connectionSuccess = recorder.rate(M.connectionSuccess, tags);
    this.publishAcked = recorder.rate(M.checks, { ...tags, check: 'publish acknowledged' });
    this.pongReceived = recorder.rate(M.checks, { ...tags, check: 'pong received' });
  }

  async hold(ctx: IterationContext): Promise<HeldConnection> {
    const client = await this.connect(ctx.signal);
    let tracker: DeliveryTracker | null = null;
    if (this.config.subscribe) {
      const room = `room-${ctx.vu % this.config.rooms}`;
      const t = this.dropped.resume(ctx.vu, this.deps.clock.now()) ?? new DeliveryTracker(this.delivery, this.deliveryReconnecting);
      tracker = t;
      client.onMessage = (m) => {
        const p = m['payload'] as { p?: unknown; s?: unknown; t?: unknown } | null;
        if (p === null || typeof p !== 'object') return;
        if (typeof p.t === 'number') this.fanoutLatency.add(Math.max(0, epochMs() - p.t));
        if (typeof p.p === 'string' && typeof p.s === 'number') t.received(`${p.p}|${String(m['room'])}`, p.s);
      };
      try {
        await client.request({ type: 'subscribe', room }, this.config.timeout);
      } catch (err) {
        client.terminate();
        throw new Error(`subscribe ${room}: ${(err as Error).message}`);
      }
    }
    let closing = false;
    const ended = client.ended.then((why) => {
      if (!closing && tracker !== null && !this.closed) this.dropped.dropped(ctx.vu, tracker, this.deps.clock.now());
      return why;
    });
    return { ended, close: () => { closing = true; return client.close(); } };
  }

  async iterate(ctx: IterationContext): Promise<void> {
    if (ctx.signal.aborted || this.closed) return;
    if (this.config.send === 'ping') return this.ping(ctx);
    const slot = ctx.iteration % this.config.publishers;
    let publisher: Publisher;
    try {
      publisher = await this.publisher(slot, ctx.signal);
    } catch {
      if (!ctx.signal.aborted) this.publishAcked.add(false);
      return;
    }
    const room = `room-${ctx.iteration % this.config.rooms}`;
    const seq = (publisher.seq.get(room) ?? 0) + 1;
    publisher.seq.set(room, seq);
    this.sent.add(1);
    try {
      await publisher.client.request({ type: 'publish', room, payload: { p: publisher.id, s: seq, t: epochMs(), x: this.padding } }, this.config.timeout);
      this.publishAcked.add(true);
    } catch {
      if (!ctx.signal.aborted) this.publishAcked.add(false);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.clients) c.terminate();
    this.clients.clear();
  }

  private async ping(ctx: IterationContext): Promise<void> {
    let opening = this.pingClients.get(ctx.vu);
    if (opening === undefined) {
      opening = this.connect(ctx.signal, true);
      this.pingClients.set(ctx.vu, opening);
    }
    let client: WsClient;
    try {
      client = await opening;
    } catch {
      this.pingClients.delete(ctx.vu);
      if (!ctx.signal.aborted) this.pongReceived.add(false);
      return;
    }
    if (!client.open) {
      this.pingClients.delete(ctx.vu);
      return this.ping(ctx);
    }
    const t0 = this.deps.clock.now();
    this.sent.add(1);
    try {
      await client.request({ type: 'ping' }, this.config.timeout);
      this.pingLatency.add(this.deps.clock.now() - t0);
      this.pongReceived.add(true);
    } catch {
      if (!ctx.signal.aborted) this.pongReceived.add(false);
    }
  }

  /** The publisher in `slot`, opened (again) when it has none or its connection ended. */
  private async publisher(slot: number, signal: AbortSignal): Promise<Publisher> {
    const existing = this.publishers[slot];
    if (existing !== undefined) {
      const p = await existing.catch(() => null);
      if (p !== null && p.client.open) return p;
      if (this.publishers[slot] !== existing) return this.publisher(slot, signal);
    }
    const opening = this.connect(signal, true).then((client) => ({ id: `${this.idPrefix}.${slot}.${this.opened}`, client, seq: new Map<string, number>() }));
    this.publishers[slot] = opening;
    opening.catch(() => { if (this.publishers[slot] === opening) this.publishers[slot] = undefined; });
    return opening;
  }

  /** Target n in turn, or the next one after it that is not marked down (n's own when all are). */
  private pickTarget(n: number): number {
    const now = this.deps.clock.now();
    for (let k = 0; k < this.urls.length; k++) {
      const i = (n + k) % this.urls.length;
      if (this.downUntil[i]! <= now) return i;
    }
    return n % this.urls.length;
  }

  /** Opens one connection to the next target (and source address) in turn; `own` records connection_success here (the executor does it for held ones). */
  private async connect(signal: AbortSignal, own = false): Promise<WsClient> {
    const n = this.opened++;
    const target = this.pickTarget(n);
    const url = this.urls[target]!;
    const localAddress = this.config.sourceAddresses > 1 && /^wss?:\/\/127\./.test(url) ? `127.0.0.${1 + (Math.floor(n / this.urls.length) % this.config.sourceAddresses)}` : undefined;
    const t0 = this.deps.clock.now();
    let client: WsClient;
    try {
      client = await WsClient.open({ url, localAddress, timeoutMs: this.config.timeout, signal });
    } catch (err) {
      // refused or full: leave this instance out of the turn for a while (the attempt still counts as failed)
      if (this.urls.length > 1 && /ECONNREFUSED|ECONNRESET|status 503/.test((err as Error).message)) this.downUntil[target] = this.deps.clock.now() + TARGET_DOWN_MS;
      if (own && !signal.aborted) this.connectionSuccess.add(false);
      throw err;
    }
    this.connecting.add(this.deps.clock.now() - t0);
    this.sessions.add(1);
    if (own) this.connectionSuccess.add(true);
    if (this.closed) {
      client.terminate();
      throw new Error('driver closed');
    }
    this.clients.add(client);
    void client.ended.then(() => this.clients.delete(client));
    client.onFrame = () => this.received.add(1);
    return client;
  }
}
