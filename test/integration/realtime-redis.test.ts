import assert from 'node:assert/strict';
import { closeAll, eventually, metricOf, redisServerMissing, startRealtime, startRedisProcess, TestClient, type RedisProcess } from './realtime-support.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('realtime service across instances through Redis pub/sub', function () {
  this.timeout(30_000);
  let redis: RedisProcess;

  before(async function () {
    const missing = redisServerMissing();
    if (missing !== null) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    redis = await startRedisProcess();
  });
  afterEach(closeAll);
  after(async () => {
    if (!redis) return;
    await redis.stop();
    assert.equal(alive(redis.pid), false, 'redis-server was stopped');
  });

  it('fans a message published on one instance out to the subscribers of both, in order, counted on each', async () => {
    const a = await startRealtime(['--redis', redis.url, '--redis-prefix', 't1:']);
    const b = await startRealtime(['--redis', redis.url, '--redis-prefix', 't1:']);
    const subs = await Promise.all([a, a, a, b, b, b].map((s) => TestClient.connect(s.url)));
    for (const c of subs) assert.equal((await c.request({ type: 'subscribe', room: 'lobby' }, 1))['type'], 'subscribed');
    const pub = await TestClient.connect(a.url);
    const N = 100;
    for (let i = 1; i <= N; i++) pub.send({ type: 'publish', room: 'lobby', payload: { n: i }, id: i });
    await pub.next((f) => f['type'] === 'published' && f['id'] === N);
    for (const c of subs) {
      const got = await eventually(() => c.messages(), (m) => m.length >= N);
      assert.deepEqual(got.map((m) => (m['payload'] as { n: number }).n), Array.from({ length: N }, (_, i) => i + 1));
    }
    assert.equal(await metricOf(a.url, 'realtime_messages_published_total'), N);
    assert.equal(await metricOf(b.url, 'realtime_messages_published_total'), 0);
    for (const s of [a, b]) {
      assert.equal(await metricOf(s.url, 'realtime_broker_messages_in_total'), N);
      assert.equal(await metricOf(s.url, 'realtime_deliveries_total'), 3 * N);
      assert.equal(await metricOf(s.url, 'realtime_broker_connected'), 1);
    }
  });

  it('an instance without subscribers in a room is not sent its messages', async () => {
    const a = await startRealtime(['--redis', redis.url, '--redis-prefix', 't2:']);
    const b = await startRealtime(['--redis', redis.url, '--redis-prefix', 't2:']);
    const sub = await TestClient.connect(a.url);
    await sub.request({ type: 'subscribe', room: 'only-a' }, 1);
    const pub = await TestClient.connect(b.url);
    await pub.request({ type: 'publish', room: 'only-a', payload: 1 }, 2);
    await sub.next((f) => f['type'] === 'message');
    assert.equal(await metricOf(b.url, 'realtime_broker_messages_in_total'), 0);
  });

  it('with --batch-window, sends fewer broker messages than publishes and still delivers each in order', async () => {
    const a = await startRealtime(['--redis', redis.url, '--redis-prefix', 't3:', '--batch-window', '50ms', '--max-batch', '10']);
    const b = await startRealtime(['--redis', redis.url, '--redis-prefix', 't3:']);
    const sub = await TestClient.connect(b.url);
    await sub.request({ type: 'subscribe', room: 'r' }, 1);
    const pub = await TestClient.connect(a.url);
    const N = 35;
    for (let i = 1; i <= N; i++) pub.send({ type: 'publish', room: 'r', payload: i, id: i });
    await pub.next((f) => f['type'] === 'published' && f['id'] === N);
    const got = await eventually(() => sub.messages(), (m) => m.length >= N);
    assert.deepEqual(got.map((m) => m['payload']), Array.from({ length: N }, (_, i) => i + 1));
    const publishes = await metricOf(a.url, 'realtime_broker_publishes_total');
    assert.ok(publishes >= 4 && publishes < N, `${publishes} broker publishes for ${N} messages in batches of at most 10`);
  });

  it('while Redis is down a publish is refused and counted dropped (not queued); once Redis is back, subscriptions resume', async () => {
    const own = await startRedisProcess();
    try {
      const a = await startRealtime(['--redis', own.url]);
      const b = await startRealtime(['--redis', own.url]);
      const sub = await TestClient.connect(b.url);
      await sub.request({ type: 'subscribe', room: 'r' }, 1);
      const pub = await TestClient.connect(a.url);
      await own.stop();
      await eventually(() => metricOf(a.url, 'realtime_broker_connected'), (v) => v === 0);
      const health = await (await fetch(`${a.url}/health`)).json() as { brokerConnected: boolean };
      assert.equal(health.brokerConnected, false);
      const refused = await pub.request({ type: 'publish', room: 'r', payload: 'lost' }, 2);
      assert.equal(refused['type'], 'error');
      assert.equal(refused['code'], 'not-published');
      assert.equal(await metricOf(a.url, 'realtime_messages_dropped_total', 'reason="broker-unavailable"'), 1);
      const again = await startRedisProcess('127.0.0.1', own.port);
      try {
        await eventually(() => Promise.all([metricOf(a.url, 'realtime_broker_connected'), metricOf(b.url, 'realtime_broker_connected')]), (v) => v[0] === 1 && v[1] === 1);
        // the subscriber connection re-subscribes on its own after reconnecting; publish until it is back
        let id = 10;
        await eventually(async () => {
          await pub.request({ type: 'publish', room: 'r', payload: 'back' }, ++id);
          return sub.messages().length;
        }, (n) => n > 0);
        assert.equal(sub.messages()[0]!['payload'], 'back');
      } finally {
        await again.stop();
      }
    } finally {
      await own.stop();
    }
  });

  it('refuses to start when Redis cannot be reached, with a message naming it', async () => {
    const gone = await startRedisProcess();
    await gone.stop();
    await assert.rejects(startRealtime(['--redis', gone.url]), /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
  });
});
