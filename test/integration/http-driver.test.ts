import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Driver } from '../../harness/drivers/driver.ts';
import { FastHttpDriver } from '../../harness/drivers/http-fast/fast-driver.ts';
import { UndiciHttpDriver } from '../../harness/drivers/http-undici.ts';
import { httpRequestSchema } from '../../harness/drivers/http-request-schema.ts';
import { createHttpDriver } from '../../harness/drivers/http.ts';
import { CaplabError } from '../../harness/errors.ts';
import { realClock } from '../../harness/executors/clock.ts';
import { MetricsRegistry, type SeriesDelta } from '../../harness/metrics/registry.ts';

/** A real node:http server on 127.0.0.1:0 that counts connections and remembers request bodies. */
interface TestServer {
  url: string;
  connections: number;
  bodies: { path: string; contentType: string | undefined; body: Buffer }[];
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  const state: TestServer = { url: '', connections: 0, bodies: [], close: async () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      if (body.length > 0) state.bodies.push({ path, contentType: req.headers['content-type'], body });
      if (path === '/ok') return void res.end('ok');
      if (path === '/missing') return void res.writeHead(404).end('not here');
      if (path === '/json') return void res.setHeader('content-type', 'application/json').end('{"text":"hello","items":[{"id":1},{"id":7}]}');
      if (path === '/chunked') {
        res.write('hello, ');
        return void setImmediate(() => res.end('chunked world'));
      }
      if (path === '/close') return void res.setHeader('connection', 'close').end('bye');
      if (path === '/drop-after') {
        // Closes the connection right after a keep-alive response, as an idle timeout would.
        res.on('finish', () => req.socket.destroy());
        return void res.end('dropped');
      }
      if (path === '/hang') return; // never answers; closeAllConnections() ends it
      if (path === '/slow') return void setTimeout(() => res.end('late'), 40);
      res.writeHead(500).end('no route');
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}

/** A port nothing listens on: bound once, then released. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function build(http: Record<string, unknown>, endpoints: Record<string, string>, maxConcurrency = 4): { driver: Driver; registry: MetricsRegistry } {
  const registry = new MetricsRegistry();
  const driver = createHttpDriver(httpRequestSchema.parse(http), {
    recorder: registry,
    clock: realClock,
    endpoints,
    tags: { workload: 'w' },
    maxConcurrency,
    baseDir: fileURLToPath(new URL('.', import.meta.url)),
  });
  return { driver, registry };
}

/** Runs `total` iterations with `concurrency` VUs in a closed loop. */
async function run(driver: Driver, total: number, concurrency: number, signal = new AbortController().signal): Promise<void> {
  let next = 0;
  const vu = async (id: number): Promise<void> => {
    while (next < total) {
      const iteration = next++;
      await driver.iterate({ intendedTime: realClock.now(), vu: id, iteration, signal });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => vu(i)));
}

/** Sums one metric's series whose tags include `match`. */
function total(deltas: SeriesDelta[], name: string, match: Record<string, string> = {}): { count: number; passes: number; series: SeriesDelta[] } {
  const series = deltas.filter((d) => d.name === name && Object.entries(match).every(([k, v]) => d.tags[k] === v));
  return { count: series.reduce((n, d) => n + d.count, 0), passes: series.reduce((n, d) => n + d.passes, 0), series };
}

const ENGINES = ['fast', 'undici'] as const;

/** A raw TCP server that answers every request's first bytes with `reply` (then maybe hangs up). */
async function startRawServer(reply: string, hangUp: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write(reply);
      if (hangUp) socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('the http driver against a real node:http server', () => {
  let server: TestServer;
  let driver: Driver | null = null;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await driver?.close();
    driver = null;
    await server.close();
  });

  for (const engine of ENGINES) {
    describe(`with the ${engine} engine`, () => {
      it('records every request with its status, both latencies and the bytes on the wire', async () => {
        const b = build({ target: 'echo', path: '/ok', engine }, { echo: server.url });
        driver = b.driver;
        await run(driver, 40, 4);
        const d = b.registry.drain().deltas;
        const base = { workload: 'w', name: 'w', method: 'GET', status: '200' };
        assert.equal(total(d, 'http_reqs', base).count, 40);
        assert.equal(total(d, 'http_reqs').count, 40);
        assert.equal(total(d, 'http_req_duration', base).count, 40);
        assert.equal(total(d, 'http_req_duration_raw', base).count, 40);
        const failed = total(d, 'http_req_failed', base);
        assert.deepEqual([failed.count, failed.passes], [40, 0]);
        assert.ok(total(d, 'data_sent').count >= 40 * 'GET /ok HTTP/1.1\r\n'.length);
        assert.ok(total(d, 'data_received').count >= 40 * 'HTTP/1.1 200 OK\r\n\r\nok'.length);
        assert.equal(total(d, 'checks').count, 0);
      });

      it('counts a 404 as failed when no check expects it', async () => {
        const b = build({ target: `${server.url}/`, path: '/missing', engine }, {});
        driver = b.driver;
        await run(driver, 5, 1);
        const failed = total(b.registry.drain().deltas, 'http_req_failed', { status: '404' });
        assert.deepEqual([failed.count, failed.passes], [5, 5]);
      });

      it('counts a 404 as passed when a status check expects it, and records the check', async () => {
        const b = build({ target: 'echo', path: '/missing', engine, checks: [{ status: 404 }] }, { echo: server.url });
        driver = b.driver;
        await run(driver, 5, 2);
        const d = b.registry.drain().deltas;
        const failed = total(d, 'http_req_failed', { status: '404' });
        assert.deepEqual([failed.count, failed.passes], [5, 0]);
        const checks = total(d, 'checks', { check: 'status is 404', workload: 'w', name: 'w' });
        assert.deepEqual([checks.count, checks.passes], [5, 5]);
      });

      it('records a timed-out request as failed with status 0 and error timeout, without throwing', async () => {
        const b = build({ target: 'echo', path: '/hang', engine, timeout: '150ms' }, { echo: server.url });
        driver = b.driver;
        await run(driver, 2, 2);
        const d = b.registry.drain().deltas;
        const reqs = total(d, 'http_reqs', { status: '0', error: 'timeout' });
        assert.equal(reqs.count, 2);
        const failed = total(d, 'http_req_failed', { status: '0' });
        assert.deepEqual([failed.count, failed.passes], [2, 2]);
      });

      it('records a refused connection as failed with status 0 and error ECONNREFUSED, without throwing', async () => {
        const port = await deadPort();
        const b = build({ target: `http://127.0.0.1:${port}`, engine, checks: [{ status: 200 }] }, {});
        driver = b.driver;
        await run(driver, 3, 1);
        const d = b.registry.drain().deltas;
        assert.equal(total(d, 'http_reqs', { status: '0', error: 'ECONNREFUSED' }).count, 3);
        assert.equal(total(d, 'http_req_failed', { status: '0' }).passes, 3);
        const checks = total(d, 'checks', { check: 'status is 200' });
        assert.deepEqual([checks.count, checks.passes], [3, 0]);
      });

      it('keeps connections alive: sequential requests share one connection', async () => {
        const b = build({ target: 'echo', path: '/ok', engine }, { echo: server.url }, 1);
        driver = b.driver;
        await run(driver, 30, 1);
        assert.equal(total(b.registry.drain().deltas, 'http_reqs', { status: '200' }).count, 30);
        assert.equal(server.connections, 1);
      });

      it('opens no more connections than its concurrency', async () => {
        const b = build({ target: 'echo', path: '/ok', engine }, { echo: server.url }, 3);
        driver = b.driver;
        await run(driver, 60, 3);
        assert.equal(total(b.registry.drain().deltas, 'http_reqs', { status: '200' }).count, 60);
        assert.ok(server.connections >= 1 && server.connections <= 3, `${server.connections} connections`);
      });

      it('queues iterations for a connection when `connections` is below the concurrency', async () => {
        const b = build({ target: 'echo', path: '/ok', engine, connections: 2 }, { echo: server.url }, 8);
        driver = b.driver;
        await run(driver, 40, 8);
        assert.equal(total(b.registry.drain().deltas, 'http_reqs', { status: '200' }).count, 40);
        assert.ok(server.connections >= 1 && server.connections <= 2, `${server.connections} connections`);
      });

      it('counts the wait for a connection in the corrected latency but not in the raw one', async () => {
        // 4 VUs share 1 connection to a 40 ms route: the last in line waits for the 3 before it.
        const b = build({ target: 'echo', path: '/slow', engine, connections: 1 }, { echo: server.url }, 4);
        driver = b.driver;
        await run(driver, 4, 4);
        const d = b.registry.drain().deltas;
        const corrected = total(d, 'http_req_duration', { status: '200' }).series[0]!.histogram!;
        const raw = total(d, 'http_req_duration_raw', { status: '200' }).series[0]!.histogram!;
        assert.equal(corrected.totalCount, 4);
        assert.ok(corrected.maxValue > 1.5 * raw.maxValue, `corrected max ${corrected.maxValue} µs, raw max ${raw.maxValue} µs`);
      });

      it('reconnects when the server answers with connection: close', async () => {
        const b = build({ target: 'echo', path: '/close', engine }, { echo: server.url }, 1);
        driver = b.driver;
        await run(driver, 5, 1);
        const failed = total(b.registry.drain().deltas, 'http_req_failed', { status: '200' });
        assert.deepEqual([failed.count, failed.passes], [5, 0]);
        assert.equal(server.connections, 5);
      });

      it('retries a GET once when the server drops an idle keep-alive connection, so nothing fails', async () => {
        const b = build({ target: 'echo', path: '/drop-after', engine }, { echo: server.url }, 1);
        driver = b.driver;
        await run(driver, 10, 1);
        const d = b.registry.drain().deltas;
        assert.equal(total(d, 'http_reqs', { status: '200' }).count, 10);
        assert.equal(total(d, 'http_req_failed').passes, 0);
      });

      it('passes body and JSON checks on a JSON response', async () => {
        const checks = [{ bodyContains: '"hello"' }, { jsonPath: '$.items[1].id', equals: 7 }, { jsonPath: '$.text', equals: 'bye' }];
        const b = build({ target: 'echo', path: '/json', engine, checks, name: 'json' }, { echo: server.url });
        driver = b.driver;
        await run(driver, 4, 2);
        const d = b.registry.drain().deltas;
        assert.deepEqual([total(d, 'checks', { check: 'body contains "\\"hello\\""', name: 'json' }).passes], [4]);
        assert.deepEqual([total(d, 'checks', { check: '$.items[1].id equals 7' }).passes], [4]);
        assert.deepEqual([total(d, 'checks', { check: '$.text equals "bye"' }).passes], [0]);
        assert.equal(total(d, 'http_req_failed', { name: 'json', status: '200' }).passes, 4);
      });

      it('reads a chunked response body for a body check', async () => {
        const b = build({ target: 'echo', path: '/chunked', engine, checks: [{ bodyEquals: 'hello, chunked world' }] }, { echo: server.url });
        driver = b.driver;
        await run(driver, 3, 1);
        const checks = total(b.registry.drain().deltas, 'checks');
        assert.deepEqual([checks.count, checks.passes], [3, 3]);
      });

      it('sends a JSON body with its content type, byte for byte', async () => {
        const b = build({ target: 'echo', path: '/ok', method: 'POST', engine, body: { json: { a: [1, 'x'] } } }, { echo: server.url });
        driver = b.driver;
        await run(driver, 3, 1);
        assert.equal(server.bodies.length, 3);
        for (const got of server.bodies) {
          assert.equal(got.body.toString(), '{"a":[1,"x"]}');
          assert.equal(got.contentType, 'application/json');
        }
      });

      it('sends a HEAD request and reads no body after it', async () => {
        const b = build({ target: 'echo', path: '/ok', method: 'HEAD', engine }, { echo: server.url }, 1);
        driver = b.driver;
        await run(driver, 5, 1);
        assert.equal(total(b.registry.drain().deltas, 'http_reqs', { status: '200', method: 'HEAD' }).count, 5);
        // undici closes after every HEAD on purpose (servers that send a body anyway); the fast engine trusts the framing.
        if (engine === 'fast') assert.equal(server.connections, 1);
      });

      it('ends in-flight requests unrecorded when the run is aborted', async () => {
        const b = build({ target: 'echo', path: '/hang', engine }, { echo: server.url });
        driver = b.driver;
        const stop = new AbortController();
        const running = run(driver, 2, 2, stop.signal);
        // Abort once both requests have reached the server.
        for (let i = 0; i < 200 && server.connections < 2; i++) await new Promise((r) => setTimeout(r, 5));
        stop.abort();
        await running;
        assert.equal(total(b.registry.drain().deltas, 'http_reqs').count, 0);
      });
    });
  }

  for (const engine of ENGINES) {
    it(`records a response that is not HTTP as a protocol error instead of hanging (${engine} engine)`, async () => {
      const raw = await startRawServer('this is not http\r\n\r\n', false);
      try {
        const b = build({ target: raw.url, engine, timeout: '5s' }, {});
        driver = b.driver;
        await run(driver, 2, 1);
        assert.equal(total(b.registry.drain().deltas, 'http_reqs', { status: '0', error: 'EPROTO' }).count, 2);
      } finally {
        await raw.close();
      }
    });

    it(`records a response cut off mid-body as failed with status 0 (${engine} engine)`, async () => {
      const raw = await startRawServer('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part', true);
      try {
        const b = build({ target: raw.url, engine, timeout: '5s' }, {});
        driver = b.driver;
        await run(driver, 2, 1);
        const d = b.registry.drain().deltas;
        assert.equal(total(d, 'http_reqs', { status: '0' }).count, 2);
        assert.equal(total(d, 'http_reqs', { status: '200' }).count, 0);
      } finally {
        await raw.close();
      }
    });
  }

  it('sends a fresh random body of the configured size with every request (undici engine)', async () => {
    const b = build({ target: 'echo', path: '/ok', method: 'POST', body: { randomBytes: '1KiB' } }, { echo: server.url });
    driver = b.driver;
    assert.ok(driver instanceof UndiciHttpDriver);
    await run(driver, 6, 2);
    assert.deepEqual(server.bodies.map((x) => x.body.length), [1024, 1024, 1024, 1024, 1024, 1024]);
    assert.equal(new Set(server.bodies.map((x) => x.body.toString('hex'))).size, 6);
  });

  it('sends random letters for randomText bodies', async () => {
    const b = build({ target: 'echo', path: '/ok', method: 'PUT', body: { randomText: 300 } }, { echo: server.url });
    driver = b.driver;
    await run(driver, 3, 1);
    assert.deepEqual(server.bodies.map((x) => x.body.length), [300, 300, 300]);
    for (const x of server.bodies) assert.match(x.body.toString('latin1'), /^[A-Za-z]{300}$/);
  });

  it('picks the fast engine for a static plain-http request and undici when asked', () => {
    const fast = build({ target: 'echo', body: 'static' }, { echo: server.url });
    const undici = build({ target: 'echo', engine: 'undici' }, { echo: server.url });
    try {
      assert.ok(fast.driver instanceof FastHttpDriver);
      assert.ok(undici.driver instanceof UndiciHttpDriver);
    } finally {
      void fast.driver.close();
      void undici.driver.close();
    }
  });

  it('refuses the fast engine for an https target, with a hint to use undici', () => {
    assert.throws(
      () => build({ target: 'https://127.0.0.1:1/', engine: 'fast' }, {}),
      (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_SCENARIO_INVALID' && /engine: undici/.test(err.message),
    );
  });

  it('refuses a target that is neither a component nor a URL, naming the components', () => {
    assert.throws(
      () => build({ target: 'ecco' }, { echo: server.url }),
      (err: unknown) => err instanceof CaplabError && /neither a component \(echo\)/.test(err.message),
    );
  });

  it('joins the endpoint path prefix and the request path', async () => {
    const b = build({ target: 'echo', path: '/ok' }, { echo: `${server.url}/` });
    driver = b.driver;
    await run(driver, 1, 1);
    assert.equal(total(b.registry.drain().deltas, 'http_reqs', { status: '200' }).count, 1);
  });
});
