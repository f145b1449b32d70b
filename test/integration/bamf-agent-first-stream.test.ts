import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { pino } from 'pino';
import { startBamfAgents } from '../../reference-impl/bamf/bamf-agent-fleet.ts';
import type { RunningComponent } from '../../reference-impl/common/component.ts';
import { WebSocketDuplex } from '../../reference-impl/tunnel/websocket-duplex.ts';
import { YamuxSession, type YamuxStream } from '../../reference-impl/tunnel/yamux/index.ts';

// A bridge relays a request on an agent's tunnel as soon as the tunnel is up, because the API routes
// to the agent's new bridge from the moment that bridge accepts it: during a drain, a request can
// open a stream in the same tick as the 101, and its SYN reaches the agent in the same read as the
// 101. The agent lost such frames (ws emitted them before the agent listened), so the request hung
// until the client's timeout: the one failed request in some bridge-drain.yaml runs. Here a
// stand-in bridge always opens its stream in the upgrade callback, so that read always holds both.

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function readAll(stream: YamuxStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (c: Buffer) => { text += c.toString(); });
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

describe('BAMF agent: a stream the bridge opens with the upgrade reply', function () {
  this.timeout(20_000);
  const servers: Server[] = [];
  const sessions: YamuxSession[] = [];
  let agents: RunningComponent | undefined;

  after(async () => {
    await agents?.close(1_000);
    for (const s of sessions) s.destroy();
    for (const s of servers) { s.closeAllConnections(); await new Promise((r) => s.close(r)); }
  });

  it('is served, not lost (the request through it gets its answer)', async () => {
    const target = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('from target'); });
    const bridge = createServer();
    const api = createServer();
    servers.push(target, bridge, api);
    const targetHostPort = await listen(target);
    const bridgeUrl = `http://${await listen(bridge)}`;
    api.on('request', (req, res) => {
      if (req.url?.startsWith('/internal/assign')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ id: 'b1', url: bridgeUrl })); return; }
      res.writeHead(404); res.end();
    });
    const apiUrl = `http://${await listen(api)}`;

    const answers: Array<Promise<string>> = [];
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    bridge.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = YamuxSession.server(new WebSocketDuplex(ws));
        sessions.push(session);
        // opened in the upgrade callback: the SYN and request leave before the agent reads the 101
        answers.push(session.open().then((stream) => {
          const answer = readAll(stream);
          stream.end('GET /x HTTP/1.1\r\nhost: agent\r\nconnection: close\r\n\r\n');
          return answer;
        }));
      });
    });

    agents = await startBamfAgents({ api: apiUrl, localTarget: targetHostPort, count: 1, agentPrefix: 'agent', host: '127.0.0.1', port: 0, drainTimeout: 1_000 }, pino({ level: 'silent' }));
    while (answers.length === 0) await new Promise((r) => setTimeout(r, 10));
    // without the fix this never settles: the SYN was dropped, nothing answers or resets the stream
    const answer = await Promise.race([answers[0]!, new Promise<string>((r) => setTimeout(() => r('no answer in 5 s'), 5_000))]);
    assert.match(answer, /^HTTP\/1\.1 200/, answer);
    assert.match(answer, /\r\nfrom target\r\n/);
  });
});
