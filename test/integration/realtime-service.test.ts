import assert from 'node:assert/strict';
import { closeAll, eventually, metricOf, sleep, startRealtime, TestClient } from './realtime-support.ts';

describe('realtime service (one instance, in-process broker)', function () {
  this.timeout(30_000);
  afterEach(closeAll);

  it('refuses a bad token with 401 and a wrong path with 404 before the upgrade, and keeps no connection', async () => {
    const s = await startRealtime(['--tokens', 'alpha,beta']);
    await assert.rejects(TestClient.connect(s.url, 'nope'), /status 401/);
    await assert.rejects(TestClient.connect(s.url, ''), /status 401/);
    await assert.rejects(TestClient.connect(s.url, 'alpha', '/other'), /status 404/);
    const ok = await TestClient.connect(s.url, 'beta');
    assert.equal(await metricOf(s.url, 'realtime_connections_refused_total', 'reason="auth"'), 2);
    assert.equal(await metricOf(s.url, 'realtime_connections_refused_total', 'reason="not-found"'), 1);
    assert.equal(await metricOf(s.url, 'realtime_connections_active'), 1);
    ok.close();
  });

  it('refuses connections over --max-connections with 503 before the upgrade, and admits again once one left', async () => {
    const s = await startRealtime(['--max-connections', '2']);
    const a = await TestClient.connect(s.url);
    await TestClient.connect(s.url);
    await assert.rejects(TestClient.connect(s.url), /status 503/);
    assert.equal(await metricOf(s.url, 'realtime_connections_refused_total', 'reason="max-connections"'), 1);
    a.close();
    await eventually(() => s.clients, (n) => n === 1);
    await TestClient.connect(s.url);
    assert.equal(s.clients, 2);
  });

  it('answers ping with pong, rejects malformed frames with an error and keeps the connection', async () => {
    const s = await startRealtime();
    const c = await TestClient.connect(s.url);
    const pong = await c.request({ type: 'ping' }, 1);
    assert.equal(pong['type'], 'pong');
    assert.equal(typeof pong['ts'], 'number');
    c.ws.send('not json');
    assert.equal((await c.next((f) => f['code'] === 'bad-json'))['type'], 'error');
    assert.equal((await c.request({ type: 'subscribe', room: 'bad room!' }, 2))['code'], 'bad-room');
    assert.equal((await c.request({ type: 'shout' }, 3))['code'], 'unknown-type');
    assert.equal((await c.request({ type: 'ping' }, 4))['type'], 'pong', 'still open');
    assert.equal(await metricOf(s.url, 'realtime_messages_in_total', 'type="invalid"'), 3);
  });

  it('delivers every message of a room to every subscriber, in order, and to no one else; deliveries are counted exactly', async () => {
    const s = await startRealtime();
    const subs = await Promise.all([0, 1, 2, 3, 4].map(() => TestClient.connect(s.url)));
    for (const [i, c] of subs.entries()) assert.equal((await c.request({ type: 'subscribe', room: 'r1' }, i))['type'], 'subscribed');
    const other = await TestClient.connect(s.url);
    await other.request({ type: 'subscribe', room: 'r2' }, 1);
    const pub = await TestClient.connect(s.url);
    const N = 50;
    for (let i = 1; i <= N; i++) pub.send({ type: 'publish', room: 'r1', payload: { n: i }, id: i });
    await pub.next((f) => f['type'] === 'published' && f['id'] === N);
    for (const c of subs) {
      const got = await eventually(() => c.messages(), (m) => m.length >= N);
      assert.deepEqual(got.map((m) => (m['payload'] as { n: number }).n), Array.from({ length: N }, (_, i) => i + 1));
      assert.ok(got.every((m) => m['room'] === 'r1' && typeof m['ts'] === 'number'));
    }
    await sleep(50);
    assert.equal(other.messages().length, 0);
    assert.equal(pub.messages().length, 0, 'a publisher not subscribed gets no copy');
    assert.equal(await metricOf(s.url, 'realtime_messages_published_total'), N);
    assert.equal(await metricOf(s.url, 'realtime_deliveries_total'), 5 * N);
    assert.equal(await metricOf(s.url, 'realtime_messages_dropped_total', 'reason="slow-consumer"'), 0);
    assert.equal(await metricOf(s.url, 'realtime_delivery_latency_seconds_count'), N);
  });

  it('unsubscribe stops delivery; a closed subscriber leaves its rooms', async () => {
    const s = await startRealtime();
    const a = await TestClient.connect(s.url);
    const b = await TestClient.connect(s.url);
    await a.request({ type: 'subscribe', room: 'r' }, 1);
    await b.request({ type: 'subscribe', room: 'r' }, 1);
    assert.equal(await metricOf(s.url, 'realtime_subscriptions'), 2);
    assert.equal((await a.request({ type: 'unsubscribe', room: 'r' }, 2))['type'], 'unsubscribed');
    b.close();
    await eventually(() => metricOf(s.url, 'realtime_rooms'), (n) => n === 0);
    assert.equal(await metricOf(s.url, 'realtime_subscriptions'), 0);
    await a.request({ type: 'publish', room: 'r', payload: 1 }, 3);
    await sleep(50);
    assert.equal(a.messages().length, 0);
  });

  it('cuts a consumer that stops reading once its send buffer passes --max-buffered, counts the drops, and keeps serving the others', async () => {
    const s = await startRealtime(['--max-buffered', '256KiB']);
    const fast = await TestClient.connect(s.url);
    const slow = await TestClient.connect(s.url);
    await fast.request({ type: 'subscribe', room: 'r' }, 1);
    await slow.request({ type: 'subscribe', room: 'r' }, 1);
    // the slow consumer's socket stops reading: the kernel buffers fill, then the server's
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const pub = await TestClient.connect(s.url);
    const payload = 'x'.repeat(32 * 1024);
    let published = 0;
    // loopback socket buffers hold a few MB; the cap must trip well before 64 MB were sent
    while ((await metricOf(s.url, 'realtime_slow_consumer_disconnects_total')) === 0 && published < 2_000) {
      for (let i = 0; i < 20; i++) pub.send({ type: 'publish', room: 'r', payload, id: ++published });
      await pub.next((f) => f['type'] === 'published' && f['id'] === published);
    }
    assert.equal(await metricOf(s.url, 'realtime_slow_consumer_disconnects_total'), 1, `not cut after ${published} messages of 32 KiB`);
    const dropped = await metricOf(s.url, 'realtime_messages_dropped_total', 'reason="slow-consumer"');
    assert.ok(dropped >= 1);
    // after the cut it is out of the room: further messages go to the fast one only, nothing more is dropped
    for (let i = 0; i < 10; i++) pub.send({ type: 'publish', room: 'r', payload: 'late', id: ++published });
    await pub.next((f) => f['type'] === 'published' && f['id'] === published);
    const got = await eventually(() => fast.messages(), (m) => m.length >= published);
    assert.equal(got.length, published, 'the fast consumer got every message');
    await eventually(() => metricOf(s.url, 'realtime_connections_active'), (n) => n === 2);
    assert.equal(await metricOf(s.url, 'realtime_messages_dropped_total', 'reason="slow-consumer"'), dropped);
    // accounting: every message reached the fast consumer, and the slow one got or dropped each message sent while it was in the room
    const deliveries = await metricOf(s.url, 'realtime_deliveries_total');
    const slowShare = deliveries - published + dropped + (await metricOf(s.url, 'realtime_messages_dropped_total', 'reason="closed"'));
    assert.ok(slowShare >= published - 10 - 20 && slowShare <= published - 10, `the slow consumer's deliveries + drops (${slowShare}) cover the messages sent while it was subscribed`);
    assert.equal(await metricOf(s.url, 'realtime_connections_closed_total', 'cause="slow-consumer"'), 1);
  });

  it('cuts a connection that does not answer heartbeats, and closes an idle one with 4000', async () => {
    const s = await startRealtime(['--heartbeat', '100ms']);
    const deaf = await TestClient.connect(s.url);
    const live = await TestClient.connect(s.url);
    (deaf.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await eventually(() => metricOf(s.url, 'realtime_connections_closed_total', 'cause="heartbeat-timeout"'), (n) => n === 1);
    assert.equal(live.ws.readyState, live.ws.OPEN, 'a client answering pings stays');
    const idle = await startRealtime(['--heartbeat', '0s', '--idle-timeout', '1s']);
    const quiet = await TestClient.connect(idle.url);
    const { code, reason } = await quiet.closed;
    assert.equal(code, 4000);
    assert.equal(reason, 'idle timeout');
    assert.equal(await metricOf(idle.url, 'realtime_connections_closed_total', 'cause="idle-timeout"'), 1);
  });

  it('drains gracefully: closes every client with 1012 and a reconnect hint, stops listening at once (new clients go elsewhere), cuts what is left at the deadline', async () => {
    const s = await startRealtime(['--reconnect-jitter', '2s']);
    const clients = await Promise.all([0, 1, 2].map(() => TestClient.connect(s.url)));
    // one client that never reads keeps the drain open until its deadline
    const stuck = await TestClient.connect(s.url);
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const closing = s.close(1_000);
    const closes = await Promise.all(clients.map((c) => c.closed));
    for (const c of closes) {
      assert.equal(c.code, 1012);
      const hint = /^draining; reconnect after (\d+)ms$/.exec(c.reason);
      assert.ok(hint, c.reason);
      assert.ok(Number(hint[1]) <= 2_000);
    }
    await assert.rejects(TestClient.connect(s.url), /ECONNREFUSED/);
    assert.equal(await metricOf(s.url, 'realtime_draining').catch(() => 'refused'), 'refused');
    assert.deepEqual(await closing, { abandoned: 1 });
    assert.equal(s.clients, 0, 'the stuck client was cut');
  });
});
