import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { request } from 'undici';
import { startBamfAgents } from '../../reference-impl/bamf/bamf-agent-fleet.ts';
import { startBamfApi } from '../../reference-impl/bamf/bamf-api-server.ts';
import { startBamfBridge } from '../../reference-impl/bamf/bamf-bridge-server.ts';
import type { RunningComponent } from '../../reference-impl/common/component.ts';

// A relay through the API that is not answered must end: the API's deadline answers the client 504,
// and a client that leaves cancels the relay, the bridge then resets its stream to the agent, so the
// agent drops its connection to the target. Without the deadline the client waited for good; without
// the cancel the bridge kept the stream (and the agent its target connection) open after the client
// had gone. The target here takes requests and never answers.

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T | string> {
  return Promise.race([p, new Promise<string>((r) => setTimeout(() => r(`${what}: not within ${ms} ms`), ms).unref())]);
}

async function metric(url: string, line: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  assert.ok(found, `${line} on ${url}/metrics`);
  return Number(found.split(' ').at(-1));
}

/** API, bridge and one agent in this process, in front of a target that never answers. */
class SilentChain {
  readonly servers: Server[] = [];
  readonly running: RunningComponent[] = [];
  api = '';
  bridge = '';
  /** resolves when the target has a request, then when the connection that carried it closed */
  arrived!: Promise<void>;
  targetConnectionClosed!: Promise<void>;

  async start(relayTimeout: number): Promise<void> {
    let arrive!: () => void;
    let close!: () => void;
    this.arrived = new Promise((r) => { arrive = r; });
    this.targetConnectionClosed = new Promise((r) => { close = r; });
    const target = createServer((_req, res) => { res.once('close', close); arrive(); });
    this.servers.push(target);
    const targetHostPort = await listen(target);
    const silent = pino({ level: 'silent' });
    const common = { host: '127.0.0.1', port: 0, drainTimeout: 1_000 };
    const api = await startBamfApi({ ...common, relayTimeout }, silent);
    this.running.push(api);
    this.api = api.url;
    const bridge = await startBamfBridge({ ...common, api: api.url, id: 'b1' }, silent);
    this.running.push(bridge);
    this.bridge = bridge.url;
    const agents = await startBamfAgents({ ...common, api: api.url, localTarget: targetHostPort, count: 1, agentPrefix: 'agent' }, silent);
    this.running.push(agents);
    while ((await (await request(`${agents.url}/health`)).body.text()) !== 'ok\n') await new Promise((r) => setTimeout(r, 20));
  }

  async stop(): Promise<void> {
    for (const s of this.servers) s.closeAllConnections();
    for (const c of this.running.reverse()) await c.close(1_000);
    for (const s of this.servers) await new Promise((r) => s.close(r));
  }
}

describe('BAMF API: a relay the agent does not answer', function () {
  this.timeout(20_000);
  let chain: SilentChain;

  afterEach(async () => { await chain.stop(); });

  it('is answered 504 at the relay deadline and counted as a timeout', async () => {
    chain = new SilentChain();
    await chain.start(200);
    const started = performance.now();
    const answer = await within(request(`${chain.api}/agents/agent-1/slow`).then(async (r) => ({ status: r.statusCode, body: await r.body.text() })), 5_000, 'answer');
    const elapsed = performance.now() - started;
    assert.notEqual(typeof answer, 'string', String(answer));
    const { status, body } = answer as { status: number; body: string };
    assert.equal(status, 504, body);
    assert.match(body, /no answer within the relay deadline \(200 ms\)/);
    // a timer never ends early, and it started after this request was sent
    assert.ok(elapsed >= 190, `answered after ${elapsed.toFixed(0)} ms, before the 200 ms deadline`);
    assert.equal(await metric(chain.api, 'bamf_proxy_requests_total{outcome="timeout"}'), 1);
    assert.equal(await metric(chain.api, 'bamf_proxy_requests_total{outcome="ok"}'), 0);
  });

  it('is cancelled when the client leaves: the bridge resets its stream, the agent its target connection', async () => {
    chain = new SilentChain();
    await chain.start(60_000);
    const client = new AbortController();
    const answer = request(`${chain.api}/agents/agent-1/slow`, { signal: client.signal }).catch((err: Error) => err);
    await chain.arrived; // the request went API -> bridge -> agent -> target
    client.abort();
    assert.ok((await answer) instanceof Error, 'the client gave up before any answer');
    assert.equal(await within(chain.targetConnectionClosed, 5_000, 'target connection closed'), undefined);
    assert.equal(await metric(chain.api, 'bamf_proxy_requests_total{outcome="client_abort"}'), 1);
    assert.equal(await metric(chain.api, 'bamf_proxy_requests_total{outcome="timeout"}'), 0);
    assert.equal(await metric(chain.bridge, 'bamf_bridge_relays_total{outcome="client_abort"}'), 1);
  });
});
