/**
 * BAMF's API tier (seed 003): stateless HTTP. Management routes for the bridge tier (register,
 * drain, agent placement, assignment of a bridge to a connecting agent) and an HTTP proxy to agents:
 * `/agents/<id>/<path>` goes to the bridge holding the agent's tunnel, which relays it. A request
 * that reaches a bridge the agent has just left (503 from the bridge) is retried once on the agent's
 * new bridge, so a request made during a migration does not fail. A relay has a deadline
 * (`--relay-timeout`, 504 when it passes) and is cancelled when its client leaves.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import type { ComponentOptions, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from '../common/prometheus-text.ts';
import type { bamfApiFlags } from './bamf-api-component.ts';
import { BridgeRegistry } from './bridge-registry.ts';

const OUTCOMES = ['ok', 'no_agent', 'bridge_error', 'timeout', 'client_abort', 'retried'] as const;
type Outcome = (typeof OUTCOMES)[number];
/** Abort reasons of a relay: its deadline passed, or its client went away. */
const DEADLINE_PASSED = 'relay deadline passed';
const CLIENT_LEFT = 'client closed the connection';

export async function startBamfApi(options: ComponentOptions<typeof bamfApiFlags>, logger: Logger): Promise<RunningComponent> {
  const registry = new BridgeRegistry();
  const dispatcher = new Agent({ connections: 128, keepAliveTimeout: 10_000 });
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const relayTimeoutMs = options.relayTimeout;

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    let text = '';
    for await (const c of req) text += String(c);
    try { return JSON.parse(text || '{}') as Record<string, unknown>; } catch { return {}; }
  };

  /**
   * Relays to the agent's bridge; retried when the bridge says the agent is no longer there. The
   * deadline runs from the request's body being read to the answer's head, retries included; a
   * client that leaves at any point cancels the relay, so the bridge stops its stream to the agent.
   * Each request counts one outcome (`retried` counts the extra attempts, besides).
   */
  const proxyToAgent = async (req: IncomingMessage, res: ServerResponse, agent: string, rest: string): Promise<void> => {
    let settled = false;
    const settle = (outcome: Exclude<Outcome, 'retried'>): void => { if (!settled) { settled = true; counts[outcome]++; } };
    const relay = new AbortController();
    res.once('close', () => {
      if (res.writableFinished) return;
      settle('client_abort');
      relay.abort(CLIENT_LEFT);
    });
    let body: Buffer | null = null;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // a body that cannot be read to its end is a client that left
      try { body = Buffer.concat(await collect(req)); } catch { settle('client_abort'); return; }
    }
    if (relay.signal.aborted) return;
    const deadline = relayTimeoutMs > 0 ? setTimeout(() => relay.abort(DEADLINE_PASSED), relayTimeoutMs) : undefined;
    let answer: Dispatcher.ResponseData | undefined;
    try {
      for (let attempt = 0; attempt < 3 && !answer; attempt++) {
        const bridge = registry.bridgeOf(agent);
        if (!bridge) { settle('no_agent'); json(res, 502, { error: `agent ${agent} has no tunnel` }); return; }
        try {
          const r = await request(`${bridge.url}/relay/${encodeURIComponent(agent)}${rest}`, { method: req.method as 'GET', body, dispatcher, signal: relay.signal, headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' } });
          if (r.statusCode === 503 && r.headers['x-bamf-agent-gone'] === '1' && attempt < 2) {
            await r.body.dump();
            counts.retried++;
            await waitForMove(agent, bridge.id, relay.signal);
            continue;
          }
          answer = r;
        } catch (err) {
          if (relay.signal.aborted) break;
          if (attempt < 2 && registry.bridgeOf(agent)?.id !== bridge.id) { counts.retried++; continue; }
          settle('bridge_error');
          json(res, 502, { error: `bridge ${bridge.id}: ${(err as Error).message}` });
          return;
        }
      }
    } finally {
      clearTimeout(deadline);
    }
    if (!answer || relay.signal.aborted) {
      // cut short: by the deadline (the client is told), or by the client (counted when it left)
      if (relay.signal.reason === DEADLINE_PASSED) {
        settle('timeout');
        res.writeHead(504, { 'content-type': 'text/plain' });
        res.end(`agent ${agent}: no answer within the relay deadline (${relayTimeoutMs} ms)\n`);
      }
      answer?.body.destroy();
      return;
    }
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/octet-stream') });
    try {
      await pipeline(answer.body, res);
      settle('ok');
    } catch {
      // the bridge cut the answer short (a client that left is counted already)
      settle('bridge_error');
      res.destroy();
    }
  };

  /** Waits (briefly) until the agent's tunnel is on another bridge than `from`; throws once `signal` aborts. */
  const waitForMove = async (agent: string, from: string, signal: AbortSignal): Promise<void> => {
    const deadline = performance.now() + 2_000;
    while (registry.bridgeOf(agent)?.id === from && performance.now() < deadline) {
      signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 10));
    }
    signal.throwIfAborted();
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    const parts = url.pathname.split('/').filter(Boolean);
    void (async () => {
      if (url.pathname === '/health') { json(res, 200, { ok: true }); return; }
      if (url.pathname === '/metrics') {
        const text = renderPrometheusText([
          { name: 'bamf_bridges', help: 'registered bridges', type: 'gauge', samples: [{ value: registry.list().length }] },
          { name: 'bamf_bridges_draining', help: 'bridges draining', type: 'gauge', samples: [{ value: registry.list().filter((b) => b.draining).length }] },
          { name: 'bamf_agents', help: 'agents with a tunnel', type: 'gauge', samples: [{ value: registry.agentCount }] },
          { name: 'bamf_bridge_agents', help: 'tunnels per bridge', type: 'gauge', samples: registry.list().map((b) => ({ labels: { bridge: b.id }, value: b.agents })) },
          { name: 'bamf_tunnels_migrated_total', help: 'tunnels that moved off a draining bridge', type: 'counter', samples: [{ value: registry.migrated }] },
          { name: 'bamf_tunnels_lost_total', help: 'tunnels still on a bridge when it deregistered (not moved by its drain)', type: 'counter', samples: [{ value: registry.lost }] },
          { name: 'bamf_proxy_requests_total', help: 'agent requests by outcome (timeout: no answer within --relay-timeout, 504; client_abort: the client left first; retried: sent again after the agent moved)', type: 'counter', samples: OUTCOMES.map((o) => ({ labels: { outcome: o }, value: counts[o] })) },
        ]);
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
        res.end(text);
        return;
      }
      if (parts[0] === 'agents' && parts[1] !== undefined) {
        const prefix = `/agents/${parts[1]}`;
        await proxyToAgent(req, res, decodeURIComponent(parts[1]), `${url.pathname.slice(prefix.length) || '/'}${url.search}`);
        return;
      }
      if (parts[0] === 'internal') {
        const body = await readJson(req);
        if (req.method === 'POST' && parts[1] === 'bridges' && parts.length === 2) {
          registry.register(String(body.id), String(body.url));
          logger.info({ bridge: body.id, url: body.url }, 'bridge registered');
          json(res, 200, { ok: true });
        } else if (req.method === 'POST' && parts[1] === 'bridges' && parts[3] === 'draining') {
          json(res, registry.drain(parts[2]!) ? 200 : 404, { ok: true });
          logger.info({ bridge: parts[2] }, 'bridge draining');
        } else if (req.method === 'DELETE' && parts[1] === 'bridges' && parts[2]) {
          registry.remove(parts[2]);
          json(res, 200, { ok: true });
        } else if (req.method === 'PUT' && parts[1] === 'agents' && parts[2]) {
          registry.agentUp(decodeURIComponent(parts[2]), String(body.bridge));
          json(res, 200, { ok: true });
        } else if (req.method === 'DELETE' && parts[1] === 'agents' && parts[2]) {
          registry.agentDown(decodeURIComponent(parts[2]), url.searchParams.get('bridge') ?? '');
          json(res, 200, { ok: true });
        } else if (req.method === 'GET' && parts[1] === 'assign') {
          const b = registry.assign(url.searchParams.get('exclude') ?? undefined);
          if (b) json(res, 200, { id: b.id, url: b.url }); else json(res, 503, { error: 'no bridge accepts agents' });
        } else {
          json(res, 404, { error: 'no such route' });
        }
        return;
      }
      if (req.method === 'POST' && parts[0] === 'bridges' && parts[2] === 'drain') {
        // the management API call that drains a bridge: ask the bridge, which then tells us it drains
        const b = registry.list().find((x) => x.id === parts[1]);
        if (!b) { json(res, 404, { error: `no bridge ${parts[1]}` }); return; }
        const r = await request(`${b.url}/admin/drain`, { method: 'POST', dispatcher });
        await r.body.dump();
        json(res, 202, { draining: b.id });
        return;
      }
      json(res, 404, { error: 'no such route' });
    })().catch((err: unknown) => {
      logger.warn({ err: (err as Error).message }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' }); else res.destroy();
    });
  });
  const lifecycle = new HttpLifecycle(server);
  const url = await lifecycle.listen(options.host, options.port);
  return {
    component: 'bamf-api',
    url,
    async close(deadlineMs = options.drainTimeout) {
      const report = await lifecycle.drain(deadlineMs);
      await dispatcher.close();
      return report;
    },
  };
}

async function collect(req: IncomingMessage): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks;
}
