/**
 * The realtime service's counters and its /metrics page. Delivery accounting: every message a
 * subscriber should get from this instance ends in exactly one of `deliveries` or
 * `dropped{reason}`; a publish the broker would not take is dropped once with reason
 * `broker-unavailable` (its subscribers are unknown then).
 */
import { renderPrometheusText, type MetricFamily } from '../common/prometheus-text.ts';
import { LatencyHistogram } from '../tunnel/latency-histogram.ts';

export type DropReason = 'slow-consumer' | 'closed' | 'broker-unavailable';
export type RefuseReason = 'auth' | 'max-connections' | 'draining' | 'not-found';
export type CloseCause = 'client' | 'heartbeat-timeout' | 'idle-timeout' | 'slow-consumer' | 'drain' | 'error';

export class RealtimeMetrics {
  connectionsActive = 0;
  connectionsTotal = 0;
  readonly refused: Record<RefuseReason, number> = { auth: 0, 'max-connections': 0, draining: 0, 'not-found': 0 };
  readonly closed: Record<CloseCause, number> = { client: 0, 'heartbeat-timeout': 0, 'idle-timeout': 0, 'slow-consumer': 0, drain: 0, error: 0 };
  readonly messagesIn: Record<string, number> = { ping: 0, subscribe: 0, unsubscribe: 0, publish: 0, invalid: 0 };
  /** publishes the broker accepted */
  published = 0;
  /** broker publishes (one per message, or one per batch) */
  brokerPublishes = 0;
  /** messages received from the broker for rooms with local subscribers */
  brokerMessagesIn = 0;
  brokerBadEnvelopes = 0;
  deliveries = 0;
  readonly dropped: Record<DropReason, number> = { 'slow-consumer': 0, closed: 0, 'broker-unavailable': 0 };
  readonly deliveryLatency = new LatencyHistogram('realtime_delivery_latency_seconds', 'From the accepting instance taking a message to this instance handing it to the last local subscriber socket.');

  constructor(private readonly gauges: () => { rooms: number; subscriptions: number; brokerConnected: boolean; draining: boolean }) {}

  /** The Prometheus text page. */
  render(): string {
    const g = this.gauges();
    const byLabel = (label: string, values: Record<string, number>) => Object.entries(values).map(([k, value]) => ({ labels: { [label]: k }, value }));
    const families: MetricFamily[] = [
      { name: 'realtime_connections_active', help: 'WebSocket connections open now.', type: 'gauge', samples: [{ value: this.connectionsActive }] },
      { name: 'realtime_connections_total', help: 'WebSocket connections accepted.', type: 'counter', samples: [{ value: this.connectionsTotal }] },
      { name: 'realtime_connections_refused_total', help: 'Upgrade requests refused before the handshake, by reason.', type: 'counter', samples: byLabel('reason', this.refused) },
      { name: 'realtime_connections_closed_total', help: 'Connections that ended, by cause.', type: 'counter', samples: byLabel('cause', this.closed) },
      { name: 'realtime_slow_consumer_disconnects_total', help: 'Connections cut because their send buffer passed --max-buffered.', type: 'counter', samples: [{ value: this.closed['slow-consumer'] }] },
      { name: 'realtime_messages_in_total', help: 'Frames received from clients, by type.', type: 'counter', samples: byLabel('type', this.messagesIn) },
      { name: 'realtime_messages_published_total', help: 'Publishes taken by the broker from this instance.', type: 'counter', samples: [{ value: this.published }] },
      { name: 'realtime_broker_publishes_total', help: 'Broker PUBLISH calls (fewer than messages when batching).', type: 'counter', samples: [{ value: this.brokerPublishes }] },
      { name: 'realtime_broker_messages_in_total', help: 'Messages received from the broker for rooms with local subscribers.', type: 'counter', samples: [{ value: this.brokerMessagesIn }] },
      { name: 'realtime_broker_bad_envelopes_total', help: 'Broker messages that did not parse (another writer on our channels?).', type: 'counter', samples: [{ value: this.brokerBadEnvelopes }] },
      { name: 'realtime_broker_connected', help: '1 while the broker can take publishes.', type: 'gauge', samples: [{ value: g.brokerConnected ? 1 : 0 }] },
      { name: 'realtime_deliveries_total', help: 'Messages written to subscriber sockets.', type: 'counter', samples: [{ value: this.deliveries }] },
      { name: 'realtime_messages_dropped_total', help: 'Messages not delivered, by reason (per subscriber; broker-unavailable per message).', type: 'counter', samples: byLabel('reason', this.dropped) },
      { name: 'realtime_rooms', help: 'Rooms with at least one local subscriber.', type: 'gauge', samples: [{ value: g.rooms }] },
      { name: 'realtime_subscriptions', help: 'Room subscriptions of local connections.', type: 'gauge', samples: [{ value: g.subscriptions }] },
      { name: 'realtime_draining', help: '1 once a graceful drain started.', type: 'gauge', samples: [{ value: g.draining ? 1 : 0 }] },
    ];
    return renderPrometheusText(families) + this.deliveryLatency.render();
  }
}
