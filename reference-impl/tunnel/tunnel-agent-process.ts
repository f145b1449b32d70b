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
import { readyCount, startDelays, type FleetRamp } from './fleet-ramp.ts';
import { dialWebSocket } from './dial-websocket.ts';
import { parseHostPort, type LocalTarget } from './local-forward.ts';
import type { tunnelAgentFlags } from './tunnel-agent-component.ts';
import { TunnelAgent } from './tunnel-agent.ts';
import { AGENT_TOKEN_ENV, commandToken, fileToken, mintedToken, staticToken, type TokenSource } from './token-source.ts';

type AgentFlags = ComponentOptions<typeof tunnelAgentFlags>;

export async function startTunnelAgent(options: AgentFlags, logger: Logger): Promise<RunningComponent> {
  const fail = (message: string): never => { throw new UsageError('bad-flag', `component tunnel-agent: ${message}`); };
  if (options.server === undefined || !/^wss?:\/\//.test(options.server)) fail('--server needs a ws:// or wss:// URL, e.g. ws://127.0.0.1:8080/ws');
  if (options.localTarget === undefined) fail('--local-target is required, e.g. 127.0.0.1:8081');
  let localTarget: LocalTarget;
  try { localTarget = parseHostPort(options.localTarget!); } catch (err) { return fail(`--local-target: ${(err as Error).message}`); }
  if (options.count < 1 || options.count > 10_000) fail('--count must be 1-10000');
  if (options.count > 1 && options.tokenSecret === undefined) fail('--count above 1 needs --token-secret (each agent of the fleet mints its own token)');
  if (options.ramp < 0 || options.ramp > options.count) fail('--ramp must be 0 (all at once) up to --count');
  if (options.ramp > 0 && options.rampEvery <= 0) fail('--ramp-every must be above 0s');
  const ramp: FleetRamp = { count: options.count, step: options.ramp, everyMs: options.rampEvery, delayMs: options.rampDelay };
  try { new Backoff(options.backoffInitial, options.backoffMax); } catch { return fail('--backoff-initial must be above 0 and at most --backoff-max'); }

  // A fleet is N independent agents in one process: one process per agent would cost ~80 MB of
  // runtime each, which is not what a connection-count test of the server should measure.
  const agents = Array.from({ length: options.count }, (_, i) => {
    const id = options.count === 1 ? options.agentId : `${options.agentId}-${i + 1}`;
    return new TunnelAgent({
      serverUrl: options.server!,
      localTarget,
      tokens: tokenSourceOf({ ...options, agentId: id }, fail),
      backoff: new Backoff(options.backoffInitial, options.backoffMax),
      yamux: { maxStreamWindowSize: options.streamWindow, keepAliveIntervalMs: Math.max(1, options.keepalive), acceptBacklog: options.acceptBacklog },
      connectTimeoutMs: options.connectTimeout,
      logger,
      dial: dialWebSocket,
      onEvent: (e) => process.stdout.write(`${JSON.stringify({ ...e, component: 'tunnel-agent' })}\n`),
    });
  });
  const agent = agents[0]!;
  const connected = (): number => agents.filter((a) => a.state === 'connected').length;
  const mustBeConnected = readyCount(ramp);
  let started = 0;
  const sum = (f: (a: TunnelAgent) => number): number => agents.reduce((n, a) => n + f(a), 0);
  const tokens = { kind: agents.length === 1 ? tokenSourceOf(options, fail).kind : 'minted' };

  const server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/health') {
      const now = connected();
      const ready = now >= mustBeConnected;
      const body = JSON.stringify(agents.length === 1
        ? { status: agent.state, agent: agent.id ?? null, connects: agent.connects, streamsActive: agent.streams.active }
        : { status: now === agents.length ? 'connected' : ready ? 'ramping' : 'connecting', agents: agents.length, started, connected: now, connects: sum((a) => a.connects), streamsActive: sum((a) => a.streams.active) });
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else if (path === '/metrics') {
      const body = renderPrometheusText([
        { name: 'tunnel_agent_connected', help: 'Agents of this process with a link to the server.', type: 'gauge', samples: [{ value: connected() }] },
        { name: 'tunnel_agent_started', help: 'Agents of this process started so far (below --count while a --ramp is under way).', type: 'gauge', samples: [{ value: started }] },
        { name: 'tunnel_agent_connects_total', help: 'Successful connects (first, reconnects and token refreshes).', type: 'counter', samples: [{ value: sum((a) => a.connects) }] },
        { name: 'tunnel_agent_dial_failures_total', help: 'Failed attempts to connect or authenticate.', type: 'counter', samples: [{ value: sum((a) => a.dialFailures) }] },
        { name: 'tunnel_agent_streams_active', help: 'Streams being forwarded to the local target now.', type: 'gauge', samples: [{ value: sum((a) => a.streams.active) }] },
        { name: 'tunnel_agent_streams_total', help: 'Streams accepted from the server.', type: 'counter', samples: [{ value: sum((a) => a.streams.total) }] },
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
  // Steps of a ramp start on timers; a step due at 0 ms starts now.
  const timers: NodeJS.Timeout[] = [];
  const startAgent = (a: TunnelAgent): void => { started++; a.start(); };
  startDelays(ramp).forEach((delay, i) => {
    if (delay === 0) startAgent(agents[i]!);
    else timers.push(setTimeout(() => startAgent(agents[i]!), delay));
  });
  logger.info({ url, server: options.server, localTarget: options.localTarget, tokens: tokens.kind, count: agents.length, ramp: options.ramp > 0 ? `${options.ramp} every ${options.rampEvery} ms` : 'none', rampDelayMs: options.rampDelay }, 'tunnel agent started');

  let closing: Promise<{ abandoned: number }> | undefined;
  return {
    component: 'tunnel-agent',
    url,
    close: (deadlineMs = options.drainTimeout) => {
      closing ??= (async () => {
        for (const t of timers) clearTimeout(t);
        const reports = await Promise.all(agents.map((a) => a.stop(deadlineMs)));
        await lifecycle.drain(1_000);
        return { abandoned: reports.reduce((n, r) => n + r.abandoned, 0) };
      })();
      return closing;
    },
  };
}

/**
 * The agent's token source from its flags; with no token flag at all, TUNNEL_AGENT_TOKEN (how the
 * operator's Deployment hands over the RDEAgent's authSecret) is used as a static token.
 */
export function tokenSourceOf(options: AgentFlags, fail: (message: string) => never, env: NodeJS.ProcessEnv = process.env): TokenSource {
  const given = [options.token, options.tokenFile, options.tokenCommand, options.tokenSecret].filter((v) => v !== undefined).length;
  const fromEnv = env[AGENT_TOKEN_ENV];
  if (given === 0 && fromEnv !== undefined && fromEnv.trim() !== '') return staticToken(fromEnv.trim());
  if (given !== 1) fail(`give exactly one of --token, --token-file, --token-command, --token-secret (or set ${AGENT_TOKEN_ENV})`);
  if (options.token !== undefined) return staticToken(options.token);
  if (options.tokenFile !== undefined) return fileToken(options.tokenFile);
  if (options.tokenCommand !== undefined) return commandToken(options.tokenCommand);
  if (options.agentId === undefined || options.owner === undefined) fail('--token-secret needs --agent-id and --owner');
  if (options.tokenTtl < 1_000) fail('--token-ttl must be at least 1s');
  return mintedToken(options.tokenSecret!, options.agentId!, options.owner!, options.tokenTtl);
}
