/**
 * Connect mode on the server (the seed's `kuberde-cli connect`): a client authenticates at
 * `GET /connect/<agent>` (WebSocket upgrade, `Authorization: Bearer <token>` of the agent's owner)
 * and runs a yamux session over that WebSocket as the client role. Each stream it opens is one TCP
 * connection on the client's side; the server joins it to a fresh stream to the agent, which dials
 * its local target. Half-close passes through end to end.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../common/logger.ts';
import type { AgentRegistry } from './agent-registry.ts';
import { bridge } from './bridge.ts';
import { openFor } from './http-ingress.ts';
import type { TunnelMetrics } from './tunnel-metrics.ts';
import { WebSocketDuplex } from './websocket-duplex.ts';
import { YamuxSession, type YamuxConfig } from './yamux/index.ts';

export interface ConnectContext {
  registry: AgentRegistry;
  metrics: TunnelMetrics;
  logger: Logger;
  maxStreamsPerAgent: number;
  yamux: Partial<YamuxConfig>;
}

/**
 * Serves one connect client for agent `agentId` of `owner` until its session ends. The agent is
 * looked up per stream, so a client outlives its agent reconnecting.
 */
export function serveConnectClient(ws: WebSocket, agentId: string, owner: string, ctx: ConnectContext): YamuxSession {
  const session = YamuxSession.server(new WebSocketDuplex(ws), ctx.yamux);
  void (async () => {
    for await (const clientStream of session) {
      const link = ctx.registry.get(agentId);
      const agentStream = link !== undefined && link.identity.owner === owner ? await openFor({ link }, ctx, 'connect') : null;
      if (agentStream === null) {
        clientStream.destroy(); // RST: the client closes its TCP connection
        continue;
      }
      void bridge(clientStream, agentStream);
    }
  })().catch((err: unknown) => ctx.logger.warn({ err }, 'connect session failed'));
  return session;
}
