/**
 * The `tunnel-agent` component: dials the tunnel server, authenticates, and forwards each stream
 * to --local-target. Started by the local provider like any component (`--port 0 --host
 * 127.0.0.1`): it listens there with a tiny /health (200 once connected, 503 before; for a fleet,
 * once all are connected, or with --ramp once the first step is) and /metrics,
 * so the `listening` line and HTTP readiness work as for a server. Each (re)connect is also
 * announced on stdout as `{"event":"connected","component":"tunnel-agent",...}`.
 */
import { defineComponent } from '../common/component.ts';

export const tunnelAgentFlags = {
  server: { kind: 'string', help: 'tunnel server WebSocket URL, e.g. ws://127.0.0.1:8080/ws (required)' },
  localTarget: { kind: 'string', help: 'host:port every stream is forwarded to, e.g. 127.0.0.1:8081 (required)' },
  token: { kind: 'string', help: 'bearer token (JWT or token-file token), used as is; with no token flag, TUNNEL_AGENT_TOKEN is used' },
  tokenFile: { kind: 'string', help: 'file holding the token, re-read before every connect' },
  tokenCommand: { kind: 'string', help: 'shell command printing a token, run before every connect' },
  tokenSecret: { kind: 'string', help: 'HS256 secret: the agent mints its own JWTs (needs --agent-id and --owner)' },
  agentId: { kind: 'string', help: 'the JWT sub when minting tokens' },
  owner: { kind: 'string', help: 'the JWT owner when minting tokens' },
  tokenTtl: { kind: 'duration', default: '1h', help: 'lifetime of minted tokens; refreshed at 80% of it' },
  backoffInitial: { kind: 'duration', default: '1s', help: 'first reconnect delay cap (doubles per failure, full jitter)' },
  backoffMax: { kind: 'duration', default: '5m', help: 'largest reconnect delay cap' },
  keepalive: { kind: 'duration', default: '30s', help: 'yamux ping interval' },
  connectTimeout: { kind: 'duration', default: '10s', help: 'deadline to reach the server, and to reach the local target per stream' },
  streamWindow: { kind: 'bytes', default: '1MiB', help: 'yamux receive window per stream (at least 256KiB)' },
  acceptBacklog: { kind: 'integer', default: '256', help: 'streams the server may open that wait to be accepted' },
  count: { kind: 'integer', default: '1', help: 'agents to run in this process (a fleet, for connection-count tests): ids <agent-id>-1..N, tokens minted with --token-secret' },
  ramp: { kind: 'integer', default: '0', help: 'start the fleet in steps of this many agents (0 = all at once); /health is 200 once the first step is connected, and reports started/connected as the rest join' },
  rampEvery: { kind: 'duration', default: '5s', help: 'time between --ramp steps, e.g. --count 200 --ramp 10 --ramp-every 5s reaches 200 agents after 95 s' },
  rampDelay: { kind: 'duration', default: '0s', help: 'wait this long before the first agent starts (/health stays 503 until the first step is connected), e.g. to let the server\'s start-up memory settle before a memory-per-agent fit' },
} as const;

export const tunnelAgentComponent = defineComponent({
  describe: 'tunnel agent: dials the tunnel server (WebSocket + yamux) and forwards each stream to --local-target',
  flags: tunnelAgentFlags,
  async start(options, logger) {
    const { startTunnelAgent } = await import('./tunnel-agent-process.ts');
    return startTunnelAgent(options, logger);
  },
});
