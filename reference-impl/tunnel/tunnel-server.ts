/**
 * The tunnel server. One HTTP port serves:
 *   GET /ws (WebSocket)            agents: bearer token checked before the upgrade, then yamux over the socket
 *   GET /connect/<agent> (WS)      connect mode (see connect-endpoint.ts)
 *   Host user-<owner>-<agent>.<domain>, or /agents/<agent>/...   HTTP ingress to that agent
 *   /healthz /readyz /metrics      the server's own
 * Anything else is 404; absolute-form request targets and CONNECT are refused (not an open proxy).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ComponentOptions, DrainReport, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../common/prometheus-text.ts';
import { UsageError } from '../common/usage-error.ts';
import { AgentLink } from './agent-link.ts';
import type { Identity } from './agent-names.ts';
import { AgentRegistry } from './agent-registry.ts';
import type { Authenticator } from './authenticator.ts';
import { serveConnectClient } from './connect-endpoint.ts';
import { parseAgentHost, parseAgentPath } from './host-route.ts';
import { closeIdleStreams, proxyHttp, proxyUpgrade, type IngressContext, type IngressTarget } from './http-ingress.ts';
import { loadAuthenticator } from './server-credentials.ts';
import type { tunnelServerFlags } from './tunnel-server-component.ts';
import { TunnelMetrics } from './tunnel-metrics.ts';
import { refuseUpgrade } from './upgrade-reply.ts';
import type { YamuxConfig, YamuxSession } from './yamux/index.ts';

/** WebSocket messages are at most a few hundred KiB (see websocket-duplex.ts); this bounds a hostile peer. */
const MAX_WS_MESSAGE = 4 * 1024 * 1024;
const DRAIN_POLL_MS = 20;

/** The running server, with its parts exposed for in-process tests. */
export interface TunnelServer extends RunningComponent {
  readonly registry: AgentRegistry;
  readonly metrics: TunnelMetrics;
}

export async function startTunnelServer(options: ComponentOptions<typeof tunnelServerFlags>, logger: Logger, auth?: Authenticator): Promise<TunnelServer> {
  const authenticator = auth ?? loadAuthenticator(options);
  if (options.requestTimeout > 0 && options.headerTimeout > options.requestTimeout) {
    throw new UsageError('bad-flag', 'component tunnel-server: --header-timeout must not exceed --request-timeout');
  }
  const yamux: Partial<YamuxConfig> = { maxStreamWindowSize: options.streamWindow, keepAliveIntervalMs: Math.max(1, options.keepalive) };
  const registry = new AgentRegistry(options.maxAgents);
  const metrics = new TunnelMetrics(registry);
  const ingress: IngressContext = {
    metrics, logger, maxStreamsPerAgent: options.maxStreamsPerAgent, responseTimeoutMs: options.responseTimeout, keepAliveMs: options.upstreamKeepalive, pools: new WeakMap(),
  };
  const liveLinks = new Set<AgentLink>();
  const connectSessions = new Set<YamuxSession>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_WS_MESSAGE, clientTracking: false });
  let draining = false;

  const server = createServer({
    maxHeaderSize: options.maxHeaderSize,
    requestTimeout: options.requestTimeout,
    headersTimeout: options.headerTimeout,
    keepAliveTimeout: options.idleTimeout,
    // how often Node checks the two timeouts above; its 30 s default would let a short header timeout run long
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headerTimeout / 4))),
    noDelay: true,
  });
  const lifecycle = new HttpLifecycle(server);

  /** The agent link an ingress request is for, or null (answered 404 by the caller). */
  const route = (req: IncomingMessage, url: string): IngressTarget | null | 'not-ingress' => {
    const byHost = parseAgentHost(req.headers.host, options.domain);
    if (byHost !== null) {
      const link = registry.get(byHost.agentId);
      // another owner's agent of the same name is "not found", never a hint that it exists
      return link !== undefined && link.identity.owner === byHost.owner ? { link, path: url } : null;
    }
    const byPath = options.pathIngress ? parseAgentPath(url) : null;
    if (byPath === null) return 'not-ingress';
    const link = registry.get(byPath.agentId);
    return link === undefined ? null : { link, path: byPath.path, prefix: `/agents/${byPath.agentId}` };
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (draining) res.shouldKeepAlive = false;
    if (!url.startsWith('/')) {
      req.resume();
      text(res, 400, 'absolute-form request targets are not served: this is not a forward proxy');
      metrics.ingressDone('bad-request');
      return;
    }
    const target = route(req, url);
    if (target === null) {
      req.resume();
      metrics.ingressDone('not-found');
      text(res, 404, 'no such agent');
      return;
    }
    if (target !== 'not-ingress') {
      proxyHttp(req, res, target, ingress);
      return;
    }
    req.resume();
    const path = url.split('?', 1)[0];
    if (path === '/healthz') json(res, 200, { status: 'ok' });
    else if (path === '/readyz') json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ready', agents: registry.size });
    else if (path === '/metrics') {
      const body = metrics.render();
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else text(res, 404, 'not found');
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a reset during the handshake must not crash the server
    const url = req.url ?? '/';
    if (!url.startsWith('/')) return refuseUpgrade(socket, 400, 'absolute-form request targets are not served');
    const target = route(req, url);
    if (target === null) {
      metrics.ingressDone('not-found');
      return refuseUpgrade(socket, 404, 'no such agent');
    }
    if (target !== 'not-ingress') return void proxyUpgrade(req, socket, head, target, ingress);
    if (draining) return refuseUpgrade(socket, 503, 'server is shutting down');
    const path = url.split('?', 1)[0]!;
    if (path === '/ws') return acceptAgent(req, socket, head);
    if (path.startsWith('/connect/')) return acceptConnectClient(req, socket, head, decodeURIComponent(path.slice('/connect/'.length)));
    refuseUpgrade(socket, 404, 'not found');
  });

  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => {});
    refuseUpgrade(socket, 405, 'CONNECT is not served: this is not a forward proxy');
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    logger.debug({ err: err.message, code: err.code }, 'client error');
    if (!socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    refuseUpgrade(socket, status, status === 431 ? 'request header too large' : status === 408 ? 'request timeout' : 'bad request');
  });

  const authenticate = (req: IncomingMessage, socket: Duplex): Identity | null => {
    const result = authenticator.authenticate(req.headers.authorization);
    if (result.ok) return result.identity;
    metrics.authFailed(result.reason);
    logger.info({ reason: result.reason, remote: req.socket.remoteAddress, url: req.url }, 'credentials refused');
    refuseUpgrade(socket, 401, 'missing, invalid or expired bearer token', { 'www-authenticate': 'Bearer' });
    return null;
  };

  function acceptAgent(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const identity = authenticate(req, socket);
    if (identity === null) return;
    const admission = registry.admit(identity);
    if (admission !== 'ok') {
      metrics.agentRejected(admission === 'full' ? 'max-agents' : 'conflict');
      return refuseUpgrade(socket, admission === 'full' ? 503 : 409, admission === 'full' ? 'too many agents' : 'agent id in use by another owner');
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachAgent(ws, identity));
  }

  function attachAgent(ws: WebSocket, identity: Identity): void {
    if (draining || registry.admit(identity) === 'conflict') return void ws.terminate();
    const link = new AgentLink(ws, identity, yamux);
    liveLinks.add(link);
    const previous = registry.add(link);
    metrics.agentConnected();
    logger.info({ agent: identity.id, owner: identity.owner, replaced: previous !== undefined }, 'agent connected');
    if (previous !== undefined) retire(previous);
    // the agent is draining: route nothing new to it (its open streams finish)
    link.session.once('goaway', () => {
      registry.remove(link);
      closeIdleStreams(link, ingress);
    });
    link.watchExpiry(() => {
      logger.info({ agent: identity.id }, 'agent token expired; retiring its link');
      retire(link);
    });
    link.session.once('close', (err) => {
      registry.remove(link);
      liveLinks.delete(link);
      metrics.linkClosed(link);
      logger.info({ agent: identity.id, reason: err?.code ?? 'normal' }, 'agent disconnected');
    });
  }

  /** Out of routing, idle streams closed, GoAway, closed once its streams are done (or at the drain deadline). */
  function retire(link: AgentLink): void {
    registry.remove(link);
    closeIdleStreams(link, ingress);
    void link.retire(options.drainTimeout);
  }

  function acceptConnectClient(req: IncomingMessage, socket: Duplex, head: Buffer, agentId: string): void {
    const identity = authenticate(req, socket);
    if (identity === null) return;
    const link = registry.get(agentId);
    if (link === undefined || link.identity.owner !== identity.owner) return refuseUpgrade(socket, 404, 'no such agent');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = serveConnectClient(ws, agentId, identity.owner, { registry, metrics, logger, maxStreamsPerAgent: options.maxStreamsPerAgent, yamux });
      connectSessions.add(session);
      session.once('close', () => connectSessions.delete(session));
    });
  }

  const url = await lifecycle.listen(options.host, options.port);
  logger.info({ url, domain: options.domain, maxAgents: options.maxAgents }, 'tunnel server listening');

  let closing: Promise<DrainReport> | undefined;
  const close = (deadlineMs: number = options.drainTimeout): Promise<DrainReport> => {
    closing ??= (async () => {
      draining = true;
      const started = performance.now();
      const httpDrained = lifecycle.drain(deadlineMs); // stops accepting, sweeps idle keep-alive connections
      for (const link of liveLinks) {
        link.session.goAway();
        closeIdleStreams(link, ingress);
      }
      for (const session of connectSessions) session.goAway();
      while (metrics.streamsOpen > 0 && performance.now() - started < deadlineMs) await sleep(DRAIN_POLL_MS);
      const abandonedStreams = metrics.streamsOpen;
      await Promise.all([...[...liveLinks].map((l) => l.close()), ...[...connectSessions].map((s) => s.close())]);
      const report = await httpDrained;
      return { abandoned: Math.max(abandonedStreams, report.abandoned) };
    })();
    return closing;
  };

  return { component: 'tunnel-server', url, registry, metrics, close };
}

function text(res: ServerResponse, status: number, message: string): void {
  const body = `${message}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
