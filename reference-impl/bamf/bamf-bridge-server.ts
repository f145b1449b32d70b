/**
 * BAMF's bridge tier (seed 003): stateful, it holds agents' tunnels, each a yamux session over a
 * WebSocket (the tunnel's own transport, reference-impl/tunnel/yamux). The API relays user requests
 * here (`/relay/<agent>/<path>`); each becomes an HTTP/1.1 exchange on a new stream to the agent.
 *
 * Drain (SIGTERM, or `POST /admin/drain`, which the API's `POST /bridges/<id>/drain` calls): tell
 * the API (no agent is placed here any more), send every agent a yamux GoAway (the agent dials
 * another bridge, then closes this tunnel once its streams are done), wait until every tunnel has
 * moved or the drain deadline passes, then exit. Tunnels still here at the deadline are counted lost.
 */
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { request } from 'undici';
import { WebSocketServer } from 'ws';
import type { ComponentOptions, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from '../common/prometheus-text.ts';
import { UsageError } from '../common/usage-error.ts';
import { WebSocketDuplex } from '../tunnel/websocket-duplex.ts';
import { YamuxSession } from '../tunnel/yamux/index.ts';
import type { bamfBridgeFlags } from './bamf-bridge-component.ts';

const RELAY_OUTCOMES = ['ok', 'agent_gone', 'agent_error', 'client_abort'] as const;

export async function startBamfBridge(options: ComponentOptions<typeof bamfBridgeFlags>, logger: Logger): Promise<RunningComponent> {
  if (options.api === undefined) throw new UsageError('bad-flag', 'component bamf-bridge: --api URL (the BAMF API tier) is required');
  const api = options.api.replace(/\/$/, '');
  const id = options.id ?? `bridge-${process.pid}`;
  const sessions = new Map<string, YamuxSession>();
  /** agents the API already routes here whose upgrade is not done yet: a relay for one waits for it */
  const arriving = new Map<string, Promise<void>>();
  const relays = Object.fromEntries(RELAY_OUTCOMES.map((o) => [o, 0])) as Record<(typeof RELAY_OUTCOMES)[number], number>;
  let draining = false;
  let migrated = 0;
  let lost = 0;

  const callApi = async (method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> => {
    const r = await request(`${api}${path}`, { method, body: body === undefined ? null : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    await r.body.dump();
    if (r.statusCode >= 300) throw new Error(`${method} ${path}: ${r.statusCode}`);
  };

  const relay = async (req: IncomingMessage, res: ServerResponse, agent: string, path: string): Promise<void> => {
    // the API gave up on this relay (its client left, or its deadline passed): stop the stream to
    // the agent (RST, so the agent drops its connection to the target) instead of relaying into a
    // closed response
    let apiLeft = false;
    let stream: Duplex | undefined;
    let upstream: ReturnType<typeof httpRequest> | undefined;
    let answered = false;
    res.once('close', () => {
      if (res.writableFinished) return;
      apiLeft = true;
      if (!answered) { answered = true; relays.client_abort++; }
      upstream?.destroy();
      stream?.destroy();
    });
    if (!sessions.has(agent)) await arriving.get(agent);
    if (apiLeft) return;
    const session = sessions.get(agent);
    const gone = (): void => {
      relays.agent_gone++;
      req.resume();
      if (res.headersSent) { res.destroy(); return; }
      res.writeHead(503, { 'x-bamf-agent-gone': '1', 'content-type': 'text/plain' });
      res.end(`agent ${agent} is not on bridge ${id}\n`);
    };
    if (!session || session.isClosed) { answered = true; gone(); return; }
    // the agent may close this tunnel (it moved) while we wait to open a stream or for the answer:
    // then the request has not reached the target, and the API can send it to the agent's new bridge
    const onTunnelClosed = (): void => { if (!answered) { answered = true; upstream?.destroy(); gone(); } };
    session.once('close', onTunnelClosed);
    res.once('close', () => session.off('close', onTunnelClosed));
    let opened: Duplex;
    try { opened = await session.open(); } catch { onTunnelClosed(); return; }
    if (answered) { opened.destroy(); return; }
    stream = opened;
    upstream = httpRequest({ createConnection: () => opened as never, method: req.method, path, headers: { ...req.headers, host: 'agent', connection: 'close' } });
    upstream.on('response', (answer) => {
      answered = true;
      session.off('close', onTunnelClosed);
      relays.ok++;
      // hop-by-hop headers describe the stream to the agent (closed after each exchange), not the API's connection
      const { connection: _c, 'keep-alive': _k, 'transfer-encoding': _t, ...headers } = answer.headers;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      if (apiLeft) return; // destroyed above: nobody to answer
      if (answered && !res.headersSent) return; // answered as gone already
      answered = true;
      session.off('close', onTunnelClosed);
      // a stream reset as the agent closed this tunnel: the agent has moved, the API will retry
      if (!res.headersSent && (session.isClosed || session.remoteGoAwayReceived || draining)) { gone(); return; }
      relays.agent_error++;
      if (!res.headersSent) { res.writeHead(502, { 'content-type': 'text/plain' }); res.end(`agent ${agent}: ${err.message}\n`); } else res.destroy();
    });
    req.pipe(upstream);
  };

  let beginDrain: () => void = () => {};
  const server = createServer({ keepAlive: true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://bridge');
    if (url.pathname === '/health') { res.writeHead(draining ? 503 : 200); res.end(draining ? 'draining\n' : 'ok\n'); return; }
    if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
      res.end(renderPrometheusText([
        { name: 'bamf_bridge_tunnels', help: 'agent tunnels held now', type: 'gauge', samples: [{ value: sessions.size }] },
        { name: 'bamf_bridge_draining', help: '1 while draining', type: 'gauge', samples: [{ value: draining ? 1 : 0 }] },
        { name: 'bamf_bridge_tunnels_migrated_total', help: 'tunnels that moved to another bridge during the drain', type: 'counter', samples: [{ value: migrated }] },
        { name: 'bamf_bridge_tunnels_lost_total', help: 'tunnels still here at the drain deadline', type: 'counter', samples: [{ value: lost }] },
        { name: 'bamf_bridge_relays_total', help: 'relayed requests by outcome (agent_gone: answered 503 for the API to retry elsewhere; client_abort: the API left before the agent answered)', type: 'counter', samples: RELAY_OUTCOMES.map((o) => ({ labels: { outcome: o }, value: relays[o] })) },
      ]));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/admin/drain') {
      res.writeHead(202); res.end('draining\n');
      // the same drain as SIGTERM, so the process exits once its tunnels have moved
      beginDrain();
      return;
    }
    const m = /^\/relay\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (m) { void relay(req, res, decodeURIComponent(m[1]!), `${m[2] ?? '/'}${url.search}`); return; }
    res.writeHead(404); res.end();
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://bridge');
    const agent = url.searchParams.get('agent');
    if (url.pathname !== '/tunnel' || !agent || draining) {
      socket.end(`HTTP/1.1 ${draining ? '503 Service Unavailable' : '400 Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    // the API learns where the agent is before the agent does: once its tunnel is open here,
    // requests for it already come here. Those that come before the upgrade is done wait for it
    // (else they were answered agent-gone and the API waited 2 s for a move that had happened).
    let arrived!: () => void;
    const upgrade = new Promise<void>((r) => { arrived = r; });
    arriving.set(agent, upgrade);
    const settle = (): void => { if (arriving.get(agent) === upgrade) arriving.delete(agent); arrived(); };
    socket.once('close', settle);
    callApi('PUT', `/internal/agents/${encodeURIComponent(agent)}`, { bridge: id }).then(() => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = YamuxSession.server(new WebSocketDuplex(ws));
        const previous = sessions.get(agent);
        sessions.set(agent, session);
        if (previous && !previous.isClosed) void previous.close();
        session.on('close', () => {
          if (sessions.get(agent) !== session) return;
          sessions.delete(agent);
          if (draining) migrated++;
          else void callApi('DELETE', `/internal/agents/${encodeURIComponent(agent)}?bridge=${id}`).catch(() => {});
        });
        settle();
      });
    }, (err: unknown) => {
      logger.warn({ agent, err: (err as Error).message }, 'the API did not take the agent; refusing its tunnel');
      settle();
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    });
  });

  const lifecycle = new HttpLifecycle(server);
  const url = await lifecycle.listen(options.host, options.port);
  await callApi('POST', '/internal/bridges', { id, url });
  logger.info({ id, api }, 'bridge registered with the API');

  let closing: Promise<{ abandoned: number }> | undefined;
  const close = (deadlineMs = options.drainTimeout): Promise<{ abandoned: number }> => {
    closing ??= (async () => {
      draining = true;
      await callApi('POST', `/internal/bridges/${id}/draining`).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not tell the API we drain'));
      const before = sessions.size;
      for (const s of sessions.values()) s.goAway();
      logger.info({ tunnels: before }, 'draining: agents told to move');
      const deadline = performance.now() + deadlineMs;
      while (sessions.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      lost = sessions.size;
      logger.info({ migrated, lost }, 'tunnels moved');
      for (const s of sessions.values()) s.destroy();
      const report = await lifecycle.drain(Math.max(0, deadline - performance.now()));
      await callApi('DELETE', `/internal/bridges/${id}`).catch(() => {});
      wss.close();
      return report;
    })();
    return closing;
  };
  beginDrain = () => { process.kill(process.pid, 'SIGTERM'); };
  return { component: 'bamf-bridge', url, close };
}
