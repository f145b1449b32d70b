/**
 * Starting the agent from its flags: credentials, backoff, the agent loop, and the small HTTP
 * server on --port that answers /health and /metrics (readiness for the local provider).
 */
import { createServer } from 'node:http';
import type { ComponentOptions, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from '../common/prometheus-text.ts';
import { UsageError } from '../common/usage-error.ts';
import { Backoff } from './backoff.ts';
import { dialWebSocket } from './dial-websocket.ts';
import { parseHostPort, type LocalTarget } from './local-forward.ts';
import type { tunnelAgentFlags } from './tunnel-agent-component.ts';
import { TunnelAgent } from './tunnel-agent.ts';
import { commandToken, fileToken, mintedToken, staticToken, type TokenSource } from './token-source.ts';

type AgentFlags = ComponentOptions<typeof tunnelAgentFlags>;

export async function startTunnelAgent(options: AgentFlags, logger: Logger): Promise<RunningComponent> {
  const fail = (message: string): never => { throw new UsageError('bad-flag', `component tunnel-agent: ${message}`); };
  if (options.server === undefined || !/^wss?:\/\//.test(options.server)) fail('--server needs a ws:// or wss:// URL, e.g. ws://127.0.0.1:8080/ws');
  if (options.localTarget === undefined) fail('--local-target is required, e.g. 127.0.0.1:8081');
  let localTarget: LocalTarget;
  try { localTarget = parseHostPort(options.localTarget!); } catch (err) { return fail(`--local-target: ${(err as Error).message}`); }
  const tokens = tokenSourceOf(options, fail);
  let backoff: Backoff;
  try { backoff = new Backoff(options.backoffInitial, options.backoffMax); } catch { return fail('--backoff-initial must be above 0 and at most --backoff-max'); }

  const agent = new TunnelAgent({
    serverUrl: options.server!,
    localTarget,
    tokens,
    backoff,
    yamux: { maxStreamWindowSize: options.streamWindow, keepAliveIntervalMs: Math.max(1, options.keepalive), acceptBacklog: options.acceptBacklog },
    connectTimeoutMs: options.connectTimeout,
    logger,
    dial: dialWebSocket,
    onEvent: (e) => process.stdout.write(`${JSON.stringify({ ...e, component: 'tunnel-agent' })}\n`),
  });

  const server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/health') {
      const body = JSON.stringify({ status: agent.state, agent: agent.id ?? null, connects: agent.connects, streamsActive: agent.streams.active });
      res.writeHead(agent.state === 'connected' ? 200 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else if (path === '/metrics') {
      const body = renderPrometheusText([
        { name: 'tunnel_agent_connected', help: '1 while the agent has a link to the server.', type: 'gauge', samples: [{ value: agent.state === 'connected' ? 1 : 0 }] },
        { name: 'tunnel_agent_connects_total', help: 'Successful connects (first, reconnects and token refreshes).', type: 'counter', samples: [{ value: agent.connects }] },
        { name: 'tunnel_agent_dial_failures_total', help: 'Failed attempts to connect or authenticate.', type: 'counter', samples: [{ value: agent.dialFailures }] },
        { name: 'tunnel_agent_streams_active', help: 'Streams being forwarded to the local target now.', type: 'gauge', samples: [{ value: agent.streams.active }] },
        { name: 'tunnel_agent_streams_total', help: 'Streams accepted from the server.', type: 'counter', samples: [{ value: agent.streams.total }] },
      ]);
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-length': 0 });
      res.end();
    }
  });
  const lifecycle = new HttpLifecycle(server);
  const url = await lifecycle.listen(options.host, options.port);
  agent.start();
  logger.info({ url, server: options.server, localTarget: options.localTarget, tokens: tokens.kind }, 'tunnel agent started');

  let closing: Promise<{ abandoned: number }> | undefined;
  return {
    component: 'tunnel-agent',
    url,
    close: (deadlineMs = options.drainTimeout) => {
      closing ??= (async () => {
        const report = await agent.stop(deadlineMs);
        await lifecycle.drain(1_000);
        return report;
      })();
      return closing;
    },
  };
}

function tokenSourceOf(options: AgentFlags, fail: (message: string) => never): TokenSource {
  const given = [options.token, options.tokenFile, options.tokenCommand, options.tokenSecret].filter((v) => v !== undefined).length;
  if (given !== 1) fail('give exactly one of --token, --token-file, --token-command, --token-secret');
  if (options.token !== undefined) return staticToken(options.token);
  if (options.tokenFile !== undefined) return fileToken(options.tokenFile);
  if (options.tokenCommand !== undefined) return commandToken(options.tokenCommand);
  if (options.agentId === undefined || options.owner === undefined) fail('--token-secret needs --agent-id and --owner');
  if (options.tokenTtl < 1_000) fail('--token-ttl must be at least 1s');
  return mintedToken(options.tokenSecret!, options.agentId!, options.owner!, options.tokenTtl);
}
