/**
 * The `tunnel-server` component: the public side of the FRP-style tunnel (seed 000). Agents
 * connect to `/ws`; users reach them by host name or `/agents/<id>/`, or through connect mode at
 * `/connect/<id>`. Its server code loads only when it is started.
 */
import { defineComponent } from '../common/component.ts';

export const tunnelServerFlags = {
  domain: { kind: 'string', default: 'tunnel.localhost', help: 'agents are reached at user-<owner>-<agent>.<domain>' },
  tokenSecret: { kind: 'string', help: 'HS256 secret of agent JWTs (sub = agent id, owner, exp); or env TUNNEL_TOKEN_SECRET' },
  tokenSecretFile: { kind: 'string', help: 'file holding the HS256 secret (trailing newline ignored)' },
  tokenFile: { kind: 'string', help: "dev credentials: a file of 'agent owner token' lines" },
  headerTimeout: { kind: 'duration', default: '30s', help: 'time a client has to send request headers (slowloris guard)' },
  requestTimeout: { kind: 'duration', default: '10m', help: 'time a client has to send a whole request, body included' },
  idleTimeout: { kind: 'duration', default: '15m', help: 'idle keep-alive connections are closed after this' },
  responseTimeout: { kind: 'duration', default: '60s', help: 'time an agent has to send response headers before 504' },
  upstreamKeepalive: { kind: 'duration', default: '90s', help: 'an HTTP ingress stream is kept this long for the next request (0 = one stream per request)' },
  maxHeaderSize: { kind: 'bytes', default: '1MiB', help: 'largest request head accepted (431 beyond)' },
  maxAgents: { kind: 'integer', default: '1000', help: 'agents connected at once; more are refused with 503' },
  maxStreamsPerAgent: { kind: 'integer', default: '1024', help: 'open streams per agent; requests beyond get 503' },
  streamWindow: { kind: 'bytes', default: '1MiB', help: 'yamux receive window per stream (at least 256KiB)' },
  keepalive: { kind: 'duration', default: '30s', help: 'yamux ping interval on agent links' },
  pathIngress: { kind: 'boolean', default: 'true', help: 'serve the /agents/<id>/ path form (loopback use; no owner check)' },
} as const;

export const tunnelServerComponent = defineComponent({
  describe: 'tunnel server: agents connect over WebSocket + yamux; HTTP ingress by host or /agents/<id>/, connect mode at /connect/<id>',
  flags: tunnelServerFlags,
  async start(options, logger) {
    const { startTunnelServer } = await import('./tunnel-server.ts');
    return startTunnelServer(options, logger);
  },
});
