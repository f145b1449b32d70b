/**
 * The load-generator transport itself: generator processes started by hand with
 * `--listen 127.0.0.1:0`, as a Job's pods are, driven over WebSocket with the protocol's messages.
 * 3 processes given shards 0..2 of one schedule merge into the counts of 1 process given all of
 * it; broken frames, a wrong token, a shard that is not the pod's, a missing init and a vanished
 * coordinator each end in a clear coded error or exit, never a hang.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { MetricsAggregate } from '../../harness/metrics/aggregate.ts';
import { decodeHistogram } from '../../harness/metrics/histogram.ts';
import { dialGenerator } from '../../harness/run/load-generator-link.ts';
import { decodeFromGenerator, encodeMessage, TOKEN_ENV, type FromLoadGenerator } from '../../harness/run/load-generator-protocol.ts';
import { startWorkload } from '../../harness/run/workload-runner.ts';
import type { WorkerInit } from '../../harness/run/workload-messages.ts';
import { realClock } from '../../harness/executors/clock.ts';
import { MetricsRegistry } from '../../harness/metrics/registry.ts';
import { runToEnd, shardedWorkload, withDelayedTarget, startGenerator as startProcess, type StartedGenerator } from '../support/load-generator-fixtures.ts';

const TOKEN = 'test-token';

/** A generator with the test's token. */
function startGenerator(args: string[] = [], env: Record<string, string> = {}): Promise<StartedGenerator> {
  return startProcess(args, { [TOKEN_ENV]: TOKEN, ...env });
}

/** A raw client, for sending what a coordinator never would. */
async function rawClient(url: string): Promise<{ ws: WebSocket; received: FromLoadGenerator[]; closed: Promise<number> }> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  const received: FromLoadGenerator[] = [];
  ws.on('message', (data, isBinary) => received.push(decodeFromGenerator(data, isBinary)));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  await once(ws, 'open');
  return { ws, received, closed };
}


describe('load generators over the WebSocket transport', function () {
  this.timeout(90_000);
  const server = withDelayedTarget(20);

  /** Runs the schedule over `n` hand-started generators, merging their snapshots as the coordinator does. */
  async function runSharded(n: number): Promise<{ aggregate: MetricsAggregate; iterations: number; codes: (number | null)[] }> {
    const workload = shardedWorkload(server.url);
    const generators = await Promise.all(Array.from({ length: n }, () => startGenerator()));
    const aggregate = new MetricsAggregate();
    let iterations = 0;
    await Promise.all(generators.map(async (g, i) => {
      const link = await dialGenerator(g.url, TOKEN, new AbortController().signal);
      const done = new Promise<void>((resolve, reject) => {
        link.listen((m) => {
          if (m.type === 'ready') link.send({ type: 'go' });
          else if (m.type === 'done') { aggregate.ingest(m.snapshot); iterations += m.outcome.iterations; resolve(); }
          else if (m.type === 'snapshot') aggregate.ingest(m.snapshot);
          else if (m.type === 'error') reject(new Error(m.message));
        }, (reason) => { if (reason) reject(reason); });
      });
      const init: WorkerInit = { name: 'w', workload: workload, shardIndex: i, shardCount: n, endpoints: {}, tags: { workload: 'w' }, baseDir: '/tmp', warmupMs: 0, datasets: {}, seed: 1 };
      link.send({ type: 'init', init });
      const drains = setInterval(() => link.send({ type: 'drain', seq: 1 }), 500);
      try { await done; } finally { clearInterval(drains); }
    }));
    aggregate.closeWindow(1);
    return { aggregate, iterations, codes: await Promise.all(generators.map((g) => g.exit)) };
  }

  it('3 processes given shards of a schedule merge into the counts of 1 process given all of it, and exit 0', async () => {
    const one = await runSharded(1);
    const three = await runSharded(3);
    assert.deepEqual(one.codes, [0]);
    assert.deepEqual(three.codes, [0, 0, 0]);
    assert.equal(one.iterations, 200);
    assert.equal(three.iterations, 200, 'shards of an open model start exactly rate x duration in total');
    for (const key of ['http_req_duration', 'http_req_duration_raw']) {
      const a = one.aggregate.summary(key);
      const b = three.aggregate.summary(key);
      assert.ok(a?.type === 'trend' && b?.type === 'trend', key);
      assert.equal(a.count, 200, `${key}: 1 process`);
      assert.equal(b.count, a.count, `${key}: 3 processes, merged`);
      assert.equal(decodeHistogram(b.hdr).totalCount, 200, 'the merged HDR holds every sample');
      // A Node timer counts from the loop's cached clock (up to 1 ms stale), so a 20 ms delay can end
      // 19.x ms after the request arrived: a clean CI run measured a p50 of 19.935 ms.
      assert.ok(a.p50 >= 19 && b.p50 >= 19, `${key} p50 at least the 20 ms delay less a timer's 1 ms: ${a.p50} / ${b.p50}`);
    }
    const reqs = (agg: MetricsAggregate) => { const s = agg.summary('http_reqs'); return s?.type === 'counter' ? s.count : -1; };
    assert.equal(reqs(three.aggregate), 200);
    assert.equal(reqs(one.aggregate), 200);
  });

  it('startWorkload with --load-generators 3 runs the same schedule through local generator processes', async () => {
    const workload = shardedWorkload(server.url);
    const h = startWorkload({ name: 'w', workload: workload, endpoints: {}, baseDir: '/tmp', clock: realClock, signal: new AbortController().signal, warmupMs: 0, recorder: new MetricsRegistry(), loadGenerators: 3 });
    const { outcome, aggregate } = await runToEnd(h);
    assert.equal(outcome.iterations, 200);
    const d = aggregate.summary('http_req_duration');
    assert.ok(d?.type === 'trend');
    assert.equal(d.count, 200);
  });

  for (const [what, frame, expect] of [
    ['a text frame', 'hello', /text frame/],
    ['bytes v8 cannot read', Buffer.from([0xff, 0x0f, 0x99, 0x01]), /not v8-serialized/],
    ['an unknown message type', encodeMessage({ type: 'launch-missiles' } as never), /unknown message type "launch-missiles"/],
    ['an init with a shard that does not exist', encodeMessage({ type: 'init', init: { shardIndex: 3, shardCount: 2 } } as never), /shard 3 of 2 does not exist/],
  ] as const) {
    it(`a generator answers ${what} with a coded protocol error, closes the link and exits 1`, async () => {
      const g = await startGenerator();
      const c = await rawClient(g.url);
      c.ws.send(frame, { binary: typeof frame !== 'string' });
      assert.equal(await c.closed, 1002);
      assert.equal(await g.exit, 1);
      const err = c.received.find((m) => m.type === 'error');
      assert.ok(err && err.type === 'error' && expect.test(err.message) && err.message.startsWith('load-generator protocol:'), JSON.stringify(c.received));
    });
  }

  it('the coordinator fails a shard whose generator sends a broken frame with a coded error, and does not hang', async () => {
    // A fake generator: listens like one, answers init with garbage.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    wss.on('connection', (ws) => ws.on('message', () => ws.send(Buffer.from('not v8 at all'), { binary: true })));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const workload = shardedWorkload(server.url);
    let stopped = 0;
    const h = startWorkload({
      name: 'w', workload: workload, endpoints: {}, baseDir: '/tmp', clock: realClock, signal: new AbortController().signal, warmupMs: 0, recorder: new MetricsRegistry(), loadGenerators: 1,
      generatorLauncher: { where: 'a fake', launch: async () => ({ urls: [url], token: TOKEN, stop: async () => { stopped++; } }) },
    });
    await h.ready;
    await assert.rejects(h.done, (e: Error & { code?: string }) => e.code === 'CAPLAB_ERR_WORKER_FAILED' && /load generator 0 \(a fake\): load-generator protocol: a frame of 13 bytes is not v8-serialized/.test(e.message));
    assert.equal(stopped, 1, 'the launcher was told to stop');
    for (const c of wss.clients) c.terminate();
    wss.close();
  });

  it('refuses a coordinator without the token (HTTP 401), named in the dial error', async () => {
    const g = await startGenerator(['--init-timeout', '5s']);
    const started = Date.now();
    await assert.rejects(dialGenerator(g.url, 'wrong', new AbortController().signal), (e: Error & { code?: string }) => e.code === 'CAPLAB_ERR_WORKER_FAILED' && /HTTP 401 \(wrong token/.test(e.message));
    assert.ok(Date.now() - started < 10_000, 'an HTTP refusal is not retried until the dial deadline (30 s)');
    g.child.kill('SIGTERM');
    await g.exit;
  });

  it('exits 1 when no init arrives within --init-timeout, saying so', async () => {
    const g = await startGenerator(['--init-timeout', '300ms']);
    assert.equal(await g.exit, 1);
    assert.ok(g.stderr.some((l) => /no coordinator sent init within 0.3 s/.test(l)), g.stderr.join('\n'));
  });

  it('refuses an init for another shard than its JOB_COMPLETION_INDEX', async () => {
    const g = await startGenerator([], { JOB_COMPLETION_INDEX: '1' });
    const workload = shardedWorkload(server.url);
    const c = await rawClient(g.url);
    c.ws.send(encodeMessage({ type: 'init', init: { name: 'w', workload: workload, shardIndex: 0, shardCount: 2, endpoints: {}, tags: {}, baseDir: '/tmp', warmupMs: 0, datasets: {}, seed: 1 } }));
    await c.closed;
    assert.equal(await g.exit, 1);
    const err = c.received.find((m) => m.type === 'error');
    assert.ok(err?.type === 'error' && /init names shard 0, but this pod's JOB_COMPLETION_INDEX is 1/.test(err.message), JSON.stringify(c.received));
  });

  it('exits when its coordinator connection drops mid-run, as a forked process did when its channel closed', async () => {
    const g = await startGenerator();
    const workload = shardedWorkload(server.url, { duration: '60s' });
    const c = await rawClient(g.url);
    c.ws.send(encodeMessage({ type: 'init', init: { name: 'w', workload: workload, shardIndex: 0, shardCount: 1, endpoints: {}, tags: {}, baseDir: '/tmp', warmupMs: 0, datasets: {}, seed: 1 } }));
    while (!c.received.some((m) => m.type === 'ready')) await new Promise((r) => setTimeout(r, 50));
    c.ws.send(encodeMessage({ type: 'go' }));
    await new Promise((r) => setTimeout(r, 300));
    c.ws.terminate();
    assert.equal(await g.exit, 1);
    assert.ok(g.stderr.some((l) => /coordinator connection closed before the shard was done/.test(l)), g.stderr.join('\n'));
  });
});
