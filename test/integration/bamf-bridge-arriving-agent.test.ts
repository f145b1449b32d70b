import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { request } from 'undici';
import { startBamfAgents } from '../../reference-impl/bamf/bamf-agent-fleet.ts';
import { startBamfBridge } from '../../reference-impl/bamf/bamf-bridge-server.ts';
import type { RunningComponent } from '../../reference-impl/common/component.ts';

// The bridge tells the API an agent is here (PUT) before it completes the agent's upgrade, so the
// API already relays requests for it here. A relay that arrives in between used to get 503
// agent-gone, and the API then waited 2 s for a move that had already happened. Here the API's
// answer to that PUT is held until a relay is waiting on the bridge: it must be answered 200.

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('BAMF bridge: a relay for an agent whose tunnel is being set up', function () {
  this.timeout(20_000);
  const servers: Server[] = [];
  const running: RunningComponent[] = [];

  after(async () => {
    for (const c of running.reverse()) await c.close(1_000);
    for (const s of servers) { s.closeAllConnections(); await new Promise((r) => s.close(r)); }
  });

  it('waits for the upgrade and is relayed to the agent, not answered agent-gone', async () => {
    const target = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('from target'); });
    const api = createServer();
    servers.push(target, api);
    const targetHostPort = await listen(target);
    let bridgeUrl = '';
    let putArrived!: () => void;
    const putSeen = new Promise<void>((r) => { putArrived = r; });
    let releasePut!: () => void;
    const putReleased = new Promise<void>((r) => { releasePut = r; });
    api.on('request', (req, res) => {
      void (async () => {
        for await (const _ of req) { /* body not needed */ }
        if (req.url?.startsWith('/internal/assign')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ id: 'b1', url: bridgeUrl })); return; }
        if (req.method === 'PUT' && req.url?.startsWith('/internal/agents/')) { putArrived(); await putReleased; }
        res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}');
      })();
    });
    const apiUrl = `http://${await listen(api)}`;
    const silent = pino({ level: 'silent' });
    const bridge = await startBamfBridge({ api: apiUrl, id: 'b1', host: '127.0.0.1', port: 0, drainTimeout: 1_000 }, silent);
    running.push(bridge);
    bridgeUrl = bridge.url;
    running.push(await startBamfAgents({ api: apiUrl, localTarget: targetHostPort, count: 1, agentPrefix: 'agent', host: '127.0.0.1', port: 0, drainTimeout: 1_000 }, silent));

    await putSeen; // the bridge has the agent's upgrade request and waits for the API
    const answer = request(`${bridge.url}/relay/agent-1/x`).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));
    // give the relay time to reach the bridge before the upgrade completes (were it not there yet,
    // it would find the tunnel up and this test would pass without showing anything)
    const early = await Promise.race([answer, new Promise<undefined>((r) => setTimeout(() => r(undefined), 300))]);
    releasePut();
    const { status, body } = early ?? await answer;
    assert.equal(status, 200, `relay answered ${status}: ${body}`);
    assert.equal(body, 'from target');
  });
});
