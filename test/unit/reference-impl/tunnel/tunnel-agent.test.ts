import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import type { WebSocket } from 'ws';
import { createLogger } from '../../../../reference-impl/common/logger.ts';
import { Backoff } from '../../../../reference-impl/tunnel/backoff.ts';
import { DialError } from '../../../../reference-impl/tunnel/dial-websocket.ts';
import { mintedToken, staticToken } from '../../../../reference-impl/tunnel/token-source.ts';
import { TunnelAgent, type Timers, type TunnelAgentOptions } from '../../../../reference-impl/tunnel/tunnel-agent.ts';
import { WebSocketDuplex } from '../../../../reference-impl/tunnel/websocket-duplex.ts';
import { YamuxSession } from '../../../../reference-impl/tunnel/yamux/index.ts';
import { until, wsPair, type WsPair } from './ws-pair.ts';

/** Timers that only fire when the test says so; `delays` lists every delay asked for. */
class ManualTimers implements Timers {
  readonly delays: number[] = [];
  private pending = new Map<number, () => void>();
  private nextId = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    const id = this.nextId++;
    this.pending.set(id, fn);
    return id;
  }
  clearTimeout(handle: unknown): void { this.pending.delete(handle as number); }
  get count(): number { return this.pending.size; }
  /** Runs the one pending timer. */
  fire(): void {
    assert.equal(this.pending.size, 1, 'exactly one timer pending');
    const [id, fn] = this.pending.entries().next().value!;
    this.pending.delete(id);
    fn();
  }
}

const silent = createLogger('tunnel-agent', 'silent');

describe('tunnel agent loop', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

  function makeAgent(dial: TunnelAgentOptions['dial'], extra: Partial<TunnelAgentOptions> = {}): { agent: TunnelAgent; timers: ManualTimers } {
    const timers = new ManualTimers();
    const agent = new TunnelAgent({
      serverUrl: 'ws://127.0.0.1:1/ws',
      localTarget: { host: '127.0.0.1', port: 1 },
      tokens: staticToken('t'),
      backoff: new Backoff(1_000, 300_000, () => 0.5),
      yamux: { enableKeepAlive: false },
      connectTimeoutMs: 1_000,
      logger: silent,
      dial,
      timers,
      ...extra,
    });
    cleanups.push(() => { void agent.stop(0); });
    return { agent, timers };
  }

  async function pairFor(): Promise<WsPair> {
    const pair = await wsPair();
    cleanups.push(() => pair.close());
    return pair;
  }

  it('retries a failed dial after full-jitter backoff delays, and resets the backoff once connected', async () => {
    const pair = await pairFor();
    let calls = 0;
    const { agent, timers } = makeAgent(async () => {
      calls++;
      if (calls <= 3) throw new DialError('refused', 503);
      return pair.client;
    });
    agent.start();
    for (let i = 1; i <= 3; i++) {
      await until(() => timers.count === 1);
      assert.equal(agent.state, 'backing-off');
      timers.fire();
    }
    await until(() => agent.state === 'connected');
    assert.deepEqual(timers.delays, [500, 1_000, 2_000]);
    assert.equal(agent.connects, 1);
    assert.equal(agent.dialFailures, 3);
  });

  it('a 401 shows as unauthorized and is retried like any failure', async () => {
    const { agent, timers } = makeAgent(async () => { throw new DialError('no', 401); });
    agent.start();
    await until(() => timers.count === 1);
    assert.equal(agent.state, 'unauthorized');
    timers.fire();
    await until(() => timers.count === 1);
    assert.deepEqual(timers.delays, [500, 1_000]);
  });

  it('a GoAway from the server schedules a reconnect while the old session stays up for its streams', async () => {
    const pair = await pairFor();
    const dials: WebSocket[] = [pair.client];
    const { agent, timers } = makeAgent(async () => dials.shift()!);
    agent.start();
    await until(() => agent.state === 'connected');
    const server = YamuxSession.server(new WebSocketDuplex(pair.server), { enableKeepAlive: false });
    cleanups.push(() => server.close());
    const inFlight = await server.open();
    server.goAway();
    await until(() => timers.count === 1);
    assert.equal(agent.state, 'backing-off');
    assert.deepEqual(timers.delays, [500]);
    assert.equal(server.isClosed, false);
    inFlight.destroy();
  });

  it('with a refreshable token, dials a new link at 80% of the token lifetime (make-before-break)', async () => {
    const pair = await pairFor();
    const second = await pairFor();
    const dials = [pair.client, second.client];
    let nowMs = 1_800_000_000_000;
    const { agent, timers } = makeAgent(async () => dials.shift()!, {
      tokens: mintedToken('secret-secret-secret', 'a1', 'alice', 100_000, () => nowMs),
      now: () => nowMs,
    });
    agent.start();
    await until(() => agent.state === 'connected');
    assert.equal(agent.id, 'a1');
    assert.deepEqual(timers.delays, [80_000]);
    nowMs += 80_000;
    timers.fire();
    await until(() => agent.connects === 2);
    assert.equal(agent.state, 'connected');
    assert.deepEqual(timers.delays, [80_000, 80_000]);
  });

  it('forwards a stream the server opens to the local target, half-close included', async () => {
    const target = net.createServer({ allowHalfOpen: true }, (socket) => {
      const parts: Buffer[] = [];
      socket.on('data', (c: Buffer) => parts.push(c));
      socket.on('end', () => socket.end(`got ${Buffer.concat(parts).toString()}`));
    });
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    cleanups.push(() => new Promise<void>((r) => target.close(() => r())));
    const pair = await pairFor();
    const { agent } = makeAgent(async () => pair.client, { localTarget: { host: '127.0.0.1', port: (target.address() as net.AddressInfo).port } });
    agent.start();
    await until(() => agent.state === 'connected');
    const server = YamuxSession.server(new WebSocketDuplex(pair.server), { enableKeepAlive: false });
    cleanups.push(() => server.close());
    const stream = await server.open();
    const answer: Buffer[] = [];
    stream.on('data', (c: Buffer) => answer.push(c));
    stream.end('ping');
    await once(stream, 'end');
    assert.equal(Buffer.concat(answer).toString(), 'got ping');
    await until(() => agent.streams.active === 0);
    assert.equal(agent.streams.total, 1);
  });

  it('resets the stream when the local target refuses the connection', async () => {
    const closed = net.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const pair = await pairFor();
    const { agent } = makeAgent(async () => pair.client, { localTarget: { host: '127.0.0.1', port } });
    agent.start();
    await until(() => agent.state === 'connected');
    const server = YamuxSession.server(new WebSocketDuplex(pair.server), { enableKeepAlive: false });
    cleanups.push(() => server.close());
    const stream = await server.open();
    stream.write('hello');
    const [err] = (await once(stream, 'error')) as [Error & { code: string }];
    assert.equal(err.code, 'YAMUX_ERR_STREAM_RESET');
  });
});
