/**
 * The tunnel server's counters and its /metrics page. Byte counts are WebSocket payload bytes on
 * agent links (yamux frames included), so they show what the tunnel itself carries.
 */
import { renderPrometheusText, type MetricSample } from '../common/prometheus-text.ts';
import type { AgentRegistry } from './agent-registry.ts';
import type { AuthFailure } from './authenticator.ts';
import type { AgentLink } from './agent-link.ts';
import { LatencyHistogram } from './latency-histogram.ts';

/** What a tunnel stream carries: a proxied HTTP request, an HTTP upgrade, or a connect-mode TCP connection. */
export type StreamKind = 'http' | 'upgrade' | 'connect';
/** How an ingress request ended, as seen by the server; `cancelled` = the user left before the response started. */
export type IngressOutcome = 'proxied' | 'not-found' | 'bad-request' | 'unavailable' | 'bad-gateway' | 'timeout' | 'cancelled';
export type AgentRejection = 'max-agents' | 'conflict' | 'draining';

const AUTH_FAILURES: readonly AuthFailure[] = ['missing', 'unknown-token', 'malformed', 'bad-alg', 'bad-signature', 'expired', 'not-yet-valid', 'no-expiry', 'bad-claims'];
const STREAM_KINDS: readonly StreamKind[] = ['http', 'upgrade', 'connect'];
const OUTCOMES: readonly IngressOutcome[] = ['proxied', 'not-found', 'bad-request', 'unavailable', 'bad-gateway', 'timeout', 'cancelled'];
const REJECTIONS: readonly AgentRejection[] = ['max-agents', 'conflict', 'draining'];

export class TunnelMetrics {
  /** tunnel streams open now, of every kind */
  streamsOpen = 0;
  readonly streamOpen = new LatencyHistogram('tunnel_stream_open_seconds', 'Time from a user request or connection to its yamux stream being opened towards the agent.');
  readonly firstByte = new LatencyHistogram('tunnel_http_first_byte_seconds', 'Time from opening the stream for an HTTP request to the agent\'s response headers.');
  private readonly streamsOpened = counters(STREAM_KINDS);
  private readonly authFailures = counters(AUTH_FAILURES);
  private readonly ingress = counters(OUTCOMES);
  private readonly rejections = counters(REJECTIONS);
  private agentConnections = 0;
  /** bytes of links already closed; live links are summed at render time */
  private closedBytesIn = 0;
  private closedBytesOut = 0;

  constructor(private readonly registry: AgentRegistry) {}

  streamOpened(kind: StreamKind, seconds: number): void {
    this.streamsOpened.set(kind, this.streamsOpened.get(kind)! + 1);
    this.streamOpen.observe(seconds);
    this.streamsOpen++;
  }

  streamClosed(): void {
    this.streamsOpen--;
  }

  authFailed(reason: AuthFailure): void {
    this.authFailures.set(reason, (this.authFailures.get(reason) ?? 0) + 1);
  }

  ingressDone(outcome: IngressOutcome): void {
    this.ingress.set(outcome, this.ingress.get(outcome)! + 1);
  }

  agentRejected(reason: AgentRejection): void {
    this.rejections.set(reason, this.rejections.get(reason)! + 1);
  }

  agentConnected(): void {
    this.agentConnections++;
  }

  /** Keeps a closed link's byte counts. */
  linkClosed(link: AgentLink): void {
    this.closedBytesIn += link.transport.bytesIn;
    this.closedBytesOut += link.transport.bytesOut;
  }

  /** The /metrics page. */
  render(): string {
    let bytesIn = this.closedBytesIn;
    let bytesOut = this.closedBytesOut;
    let linkStreams = 0;
    for (const link of this.registry.all()) {
      bytesIn += link.transport.bytesIn;
      bytesOut += link.transport.bytesOut;
      linkStreams += link.session.numStreams;
    }
    return renderPrometheusText([
      { name: 'tunnel_agents_connected', help: 'Agents with a live link.', type: 'gauge', samples: [{ value: this.registry.size }] },
      { name: 'tunnel_agent_connections_total', help: 'Agent WebSocket connections accepted (after authentication).', type: 'counter', samples: [{ value: this.agentConnections }] },
      { name: 'tunnel_agent_rejections_total', help: 'Authenticated agents refused at connect time.', type: 'counter', samples: labelled('reason', this.rejections) },
      { name: 'tunnel_auth_failures_total', help: 'Agent or connect-client credentials refused, by reason.', type: 'counter', samples: labelled('reason', this.authFailures) },
      { name: 'tunnel_streams_open', help: 'Tunnel streams (HTTP requests, upgrades, connect-mode connections) open now.', type: 'gauge', samples: [{ value: this.streamsOpen }] },
      { name: 'tunnel_yamux_streams', help: 'Streams the agent sessions track now (includes half-closed ones).', type: 'gauge', samples: [{ value: linkStreams }] },
      { name: 'tunnel_streams_opened_total', help: 'Tunnel streams opened towards agents, by kind.', type: 'counter', samples: labelled('kind', this.streamsOpened) },
      { name: 'tunnel_ingress_requests_total', help: 'HTTP ingress requests for agents, by outcome.', type: 'counter', samples: labelled('outcome', this.ingress) },
      { name: 'tunnel_bytes_received_total', help: 'WebSocket payload bytes received from agents.', type: 'counter', samples: [{ value: bytesIn }] },
      { name: 'tunnel_bytes_sent_total', help: 'WebSocket payload bytes sent to agents.', type: 'counter', samples: [{ value: bytesOut }] },
    ]) + this.streamOpen.render() + this.firstByte.render();
  }
}

function counters<K extends string>(keys: readonly K[]): Map<K, number> {
  return new Map(keys.map((k) => [k, 0]));
}

function labelled(label: string, values: ReadonlyMap<string, number>): MetricSample[] {
  return [...values].map(([k, value]) => ({ labels: { [label]: k }, value }));
}
