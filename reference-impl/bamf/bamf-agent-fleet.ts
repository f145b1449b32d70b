/**
 * BAMF agents (seed 003), `count` of them in one process: each asks the API for a bridge, opens a
 * tunnel there (yamux over WebSocket, the tunnel's transport) and serves the streams the bridge
 * opens by piping them to its local target. A GoAway from the bridge means "this bridge drains":
 * the agent opens a tunnel to another bridge first and closes the old one once its streams are done,
 * so the agent is reachable throughout. A tunnel lost otherwise is dialled again with backoff.
 */
import { createServer } from 'node:http';
import { request } from 'undici';
import type { ComponentOptions, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from '../common/prometheus-text.ts';
import { UsageError } from '../common/usage-error.ts';
import { dialWebSocket } from '../tunnel/dial-websocket.ts';
import { forwardToLocal, parseHostPort, type LocalTarget } from '../tunnel/local-forward.ts';
import { WebSocketDuplex } from '../tunnel/websocket-duplex.ts';
import { YamuxSession } from '../tunnel/yamux/index.ts';
import type { bamfAgentFlags } from './bamf-agent-component.ts';

const DIAL_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;
const RETRY_MS = 250;
/** How long an old tunnel may keep streams open after the agent moved before it is closed anyway. */
const OLD_TUNNEL_GRACE_MS = 10_000;

interface Counters { connected: number; migrations: number; reconnects: number }

export async function startBamfAgents(options: ComponentOptions<typeof bamfAgentFlags>, logger: Logger): Promise<RunningComponent> {
  if (options.api === undefined || options.localTarget === undefined) throw new UsageError('bad-flag', 'component bamf-agent: --api URL and --local-target host:port are required');
  let target: LocalTarget;
  try { target = parseHostPort(options.localTarget); } catch (err) { throw new UsageError('bad-flag', `component bamf-agent: --local-target: ${(err as Error).message}`); }
  const api = options.api.replace(/\/$/, '');
  const counters: Counters = { connected: 0, migrations: 0, reconnects: 0 };
  const stopping = new AbortController();
  const sessions = new Set<YamuxSession>();

  const assign = async (exclude?: string): Promise<{ id: string; url: string }> => {
    const r = await request(`${api}/internal/assign${exclude ? `?exclude=${encodeURIComponent(exclude)}` : ''}`);
    const body = await r.body.json() as { id: string; url: string; error?: string };
    if (r.statusCode !== 200) throw new Error(body.error ?? `assign: ${r.statusCode}`);
    return body;
  };

  const runAgent = async (agent: string): Promise<void> => {
    const open = async (exclude?: string): Promise<{ session: YamuxSession; bridge: string }> => {
      for (;;) {
        stopping.signal.throwIfAborted();
        try {
          const bridge = await assign(exclude);
          const ws = await dialWebSocket(`${bridge.url.replace(/^http/, 'ws')}/tunnel?agent=${encodeURIComponent(agent)}`, 'bamf', DIAL_TIMEOUT_MS);
          const session = YamuxSession.client(new WebSocketDuplex(ws));
          sessions.add(session);
          void serve(session);
          return { session, bridge: bridge.id };
        } catch (err) {
          if (stopping.signal.aborted) throw err;
          logger.debug({ agent, err: (err as Error).message }, 'no tunnel yet; retrying');
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    };
    const serve = async (session: YamuxSession): Promise<void> => {
      for await (const stream of session) void forwardToLocal(stream, target, CONNECT_TIMEOUT_MS);
    };
    let current = await open();
    counters.connected++;
    for (;;) {
      const why = await new Promise<'goaway' | 'closed'>((resolve) => {
        current.session.once('goaway', () => resolve('goaway'));
        current.session.once('close', () => resolve('closed'));
      });
      if (stopping.signal.aborted) return;
      const old = current;
      if (why === 'goaway') {
        // make before break: the new tunnel is registered with the API before the old one closes
        current = await open(old.bridge);
        counters.migrations++;
        void retire(old.session);
      } else {
        counters.connected--;
        counters.reconnects++;
        sessions.delete(old.session);
        current = await open();
        counters.connected++;
      }
    }
  };

  /** Closes a tunnel once the streams it still carries are done (or after a grace). */
  const retire = async (session: YamuxSession): Promise<void> => {
    const deadline = performance.now() + OLD_TUNNEL_GRACE_MS;
    while (session.numStreams > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    sessions.delete(session);
    await session.close();
  };

  const prefix = options.agentPrefix;
  const agents = Array.from({ length: options.count }, (_, i) => `${prefix}-${i + 1}`);
  const running = agents.map((a) => runAgent(a).catch((err: unknown) => { if (!stopping.signal.aborted) logger.error({ agent: a, err: (err as Error).message }, 'agent stopped'); }));

  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
      res.end(renderPrometheusText([
        { name: 'bamf_agents_connected', help: 'agents with a tunnel', type: 'gauge', samples: [{ value: counters.connected }] },
        { name: 'bamf_agent_migrations_total', help: 'tunnels moved to another bridge after a GoAway', type: 'counter', samples: [{ value: counters.migrations }] },
        { name: 'bamf_agent_reconnects_total', help: 'tunnels lost and dialled again', type: 'counter', samples: [{ value: counters.reconnects }] },
      ]));
      return;
    }
    const ready = counters.connected === agents.length;
    res.writeHead(req.url === '/health' && !ready ? 503 : 200);
    res.end(ready ? 'ok\n' : `${counters.connected}/${agents.length} agents connected\n`);
  });
  const lifecycle = new HttpLifecycle(server);
  const url = await lifecycle.listen(options.host, options.port);
  return {
    component: 'bamf-agent',
    url,
    async close(deadlineMs = options.drainTimeout) {
      stopping.abort();
      for (const s of sessions) s.destroy();
      await Promise.all(running);
      return lifecycle.drain(deadlineMs);
    },
  };
}
