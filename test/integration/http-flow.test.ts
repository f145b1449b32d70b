import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Response } from 'undici';
import type { Datasets } from '../../harness/drivers/dataset.ts';
import type { Driver } from '../../harness/drivers/driver.ts';
import { FastHttpDriver } from '../../harness/drivers/http-fast/fast-driver.ts';
import { HttpFlowDriver } from '../../harness/drivers/http-flow.ts';
import { httpRequestSchema } from '../../harness/drivers/http-request-schema.ts';
import { createHttpDriver } from '../../harness/drivers/http.ts';
import { iterationRandom } from '../../harness/drivers/seeded-random.ts';
import { WeightedPick } from '../../harness/drivers/weighted-pick.ts';
import { CaplabError } from '../../harness/errors.ts';
import { realClock } from '../../harness/executors/clock.ts';
import { MetricsRegistry, type SeriesDelta } from '../../harness/metrics/registry.ts';

/** A fake "WAV": a header, the text's length and bytes, then every byte value, so any corruption shows. */
function fakeWav(text: string): Buffer {
  const t = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(t.length);
  return Buffer.concat([Buffer.from('RIFF'), len, t, Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
}

interface Seen { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer }

/** A node:http server on 127.0.0.1:0 playing the FSK service: /encode makes a WAV, /decode reads one from a multipart upload. */
async function startFsk(): Promise<{ url: string; seen: Seen[]; encoded: Buffer[]; uploaded: Buffer[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const encoded: Buffer[] = [];
  const uploaded: Buffer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const path = req.url ?? '/';
        seen.push({ method: req.method ?? '', path, headers: req.headers, body });
        if (path === '/encode') {
          const wav = fakeWav((JSON.parse(body.toString()) as { text: string }).text);
          encoded.push(wav);
          return void res.writeHead(200, { 'content-type': 'audio/wav', 'x-id': `wav-${encoded.length}` }).end(wav);
        }
        if (path === '/decode') {
          const form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
          const file = form.get('file') as Blob;
          const wav = Buffer.from(await file.arrayBuffer());
          uploaded.push(wav);
          const text = wav.subarray(8, 8 + wav.readUInt32LE(4)).toString('utf8');
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text, filename: (file as File).name, mode: form.get('mode') }));
        }
        if (path === '/json') return void res.writeHead(200, { 'content-type': 'application/json', 'x-id': 'h-9' }).end('{"id":42,"nested":{"token":"abc"}}');
        if (path === '/fail') return void res.writeHead(500).end('broken');
        res.end('ok');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen, encoded, uploaded,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function build(http: Record<string, unknown>, url: string, opts: { seed?: number; datasets?: Datasets } = {}): { driver: Driver; registry: MetricsRegistry } {
  const registry = new MetricsRegistry();
  const driver = createHttpDriver(httpRequestSchema.parse({ target: 'fsk', ...http }), {
    recorder: registry, clock: realClock, endpoints: { fsk: url }, tags: { workload: 'w' }, maxConcurrency: 2,
    baseDir: fileURLToPath(new URL('.', import.meta.url)), seed: opts.seed ?? 5, ...(opts.datasets ? { datasets: opts.datasets } : {}),
  });
  return { driver, registry };
}

/** Runs iterations 0..total-1 one after the other, as one VU would. */
async function run(driver: Driver, total: number): Promise<void> {
  const signal = new AbortController().signal;
  for (let iteration = 0; iteration < total; iteration++) await driver.iterate({ intendedTime: realClock.now(), vu: 0, iteration, signal });
}

function sum(deltas: SeriesDelta[], name: string, match: Record<string, string> = {}): { count: number; passes: number } {
  const series = deltas.filter((d) => d.name === name && Object.entries(match).every(([k, v]) => d.tags[k] === v));
  return { count: series.reduce((n, d) => n + d.count, 0), passes: series.reduce((n, d) => n + d.passes, 0) };
}

describe('http steps, mixes and templates against a real node:http server', () => {
  let fsk: Awaited<ReturnType<typeof startFsk>>;
  let driver: Driver | null = null;
  beforeEach(async () => {
    fsk = await startFsk();
  });
  afterEach(async () => {
    await driver?.close();
    driver = null;
    await fsk.close();
  });

  const encodeDecode = {
    vars: { text: 'Test message {{randInt 1000 9999}}' },
    steps: [
      { name: 'encode', method: 'POST', path: '/encode', body: { json: { text: '{{var text}}' } }, capture: { wav: 'body' }, checks: [{ status: 200 }] },
      {
        name: 'decode', method: 'POST', path: '/decode',
        body: { multipart: { file: { var: 'wav', filename: 'test.wav', contentType: 'audio/wav' }, mode: 'fast' } },
        checks: [{ status: 200 }, { jsonPath: '$.text', equals: '{{var text}}' }],
      },
    ],
  };

  it('uploads the body captured from encode to decode, byte for byte, and the decoded text passes the templated check', async () => {
    const b = build(encodeDecode, fsk.url);
    driver = b.driver;
    assert.ok(driver instanceof HttpFlowDriver);
    await run(driver, 6);
    assert.equal(fsk.uploaded.length, 6);
    fsk.uploaded.forEach((wav, i) => assert.ok(wav.equals(fsk.encoded[i]!), `upload ${i} is the WAV encode returned`));
    const texts = fsk.seen.filter((s) => s.path === '/encode').map((s) => (JSON.parse(s.body.toString()) as { text: string }).text);
    assert.ok(texts.every((t) => /^Test message \d{4}$/.test(t)), texts.join(', '));
    const decoded = fsk.seen.filter((s) => s.path === '/decode');
    assert.match(decoded[0]!.headers['content-type']!, /^multipart\/form-data; boundary=----caplab-formdata-/);
    const d = b.registry.drain().deltas;
    assert.equal(sum(d, 'http_reqs', { name: 'encode', method: 'POST', status: '200' }).count, 6);
    assert.equal(sum(d, 'http_reqs', { name: 'decode', status: '200' }).count, 6);
    const textCheck = sum(d, 'checks', { name: 'decode', check: '$.text equals "{{var text}}"' });
    assert.deepEqual([textCheck.count, textCheck.passes], [6, 6]);
    assert.equal(sum(d, 'iterations_failed').count, 0);
  });

  it('sends the same texts in every run with the same seed, and other texts with another seed', async () => {
    const textsOf = async (seed: number): Promise<string[]> => {
      const server = await startFsk();
      const b = build(encodeDecode, server.url, { seed });
      try {
        await run(b.driver, 5);
      } finally {
        await b.driver.close();
        await server.close();
      }
      return server.seen.filter((s) => s.path === '/encode').map((s) => s.body.toString());
    };
    assert.deepEqual(await textsOf(11), await textsOf(11));
    assert.notDeepEqual(await textsOf(11), await textsOf(12));
  });

  it('captures JSONPath values and a header for the next step\'s path and headers', async () => {
    const b = build({
      steps: [
        { name: 'read', path: '/json', capture: { id: '$.id', token: '$.nested.token', origin: 'header:X-Id' } },
        { name: 'use', path: '/items/{{var id}}?from={{var origin}}', headers: { 'x-token': '{{var token}}' } },
      ],
    }, fsk.url);
    driver = b.driver;
    await run(driver, 2);
    const used = fsk.seen.filter((s) => s.path.startsWith('/items/'));
    assert.deepEqual(used.map((s) => s.path), ['/items/42?from=h-9', '/items/42?from=h-9']);
    assert.equal(used[0]!.headers['x-token'], 'abc');
  });

  it('ends the iteration at a failed step: the later steps are not sent, and iterations_failed counts it under the step name', async () => {
    const b = build({ steps: [{ name: 'first', path: '/fail' }, { name: 'second', path: '/after' }] }, fsk.url);
    driver = b.driver;
    await run(driver, 4);
    assert.deepEqual(fsk.seen.map((s) => s.path), ['/fail', '/fail', '/fail', '/fail']);
    const d = b.registry.drain().deltas;
    assert.equal(sum(d, 'iterations_failed', { workload: 'w', name: 'first' }).count, 4);
    assert.equal(sum(d, 'http_req_failed', { name: 'first' }).passes, 4);
  });

  it('ends the iteration when a capture finds nothing', async () => {
    const b = build({ steps: [{ name: 'read', path: '/json', capture: { x: '$.missing' } }, { name: 'use', path: '/{{var x}}' }] }, fsk.url);
    driver = b.driver;
    await run(driver, 3);
    assert.equal(fsk.seen.length, 3);
    assert.equal(sum(b.registry.drain().deltas, 'iterations_failed', { name: 'read' }).count, 3);
  });

  it('picks each iteration\'s request from the mix by weight, reproducibly, tagging samples by name', async () => {
    const b = build({ requests: [{ name: 'encode', weight: 3, method: 'POST', path: '/encode', body: { json: { text: 'x{{iteration}}' } } }, { name: 'health', path: '/health' }] }, fsk.url, { seed: 9 });
    driver = b.driver;
    await run(driver, 200);
    // The same picks the driver's seed gives: the shard seed with each iteration's first draw.
    const pick = new WeightedPick([3, 1]);
    const expected = Array.from({ length: 200 }, (_, i) => (pick.pick(iterationRandom(9, i).next()) === 0 ? '/encode' : '/health'));
    assert.deepEqual(fsk.seen.map((s) => s.path), expected);
    const d = b.registry.drain().deltas;
    const encodes = sum(d, 'http_reqs', { name: 'encode', method: 'POST' }).count;
    assert.equal(encodes, expected.filter((p) => p === '/encode').length);
    assert.equal(sum(d, 'http_reqs', { name: 'health', method: 'GET' }).count, 200 - encodes);
    assert.ok(encodes > 120 && encodes < 180, `${encodes} of 200 were encode`);
  });

  it('renders a templated single request per iteration on undici, and refuses engine fast for it', async () => {
    const b = build({ path: '/n/{{iteration}}', headers: { 'x-vu': '{{vu}}' } }, fsk.url);
    driver = b.driver;
    assert.ok(driver instanceof HttpFlowDriver);
    await run(driver, 3);
    assert.deepEqual(fsk.seen.map((s) => [s.path, s.headers['x-vu']]), [['/n/0', '0'], ['/n/1', '0'], ['/n/2', '0']]);
    assert.throws(() => build({ path: '/n/{{iteration}}', engine: 'fast' }, fsk.url), (err: unknown) => err instanceof CaplabError && /engine: undici/.test(err.message));
  });

  it('sends a multipart body whose parts never change on the fast engine, intact', async () => {
    const b = build({ method: 'POST', path: '/decode', body: { multipart: { file: { file: '../fixtures/bodies/fake.wav' } } }, checks: [{ jsonPath: '$.text', equals: 'from a file' }] }, fsk.url);
    driver = b.driver;
    assert.ok(driver instanceof FastHttpDriver);
    await run(driver, 2);
    const onDisk = readFileSync(fileURLToPath(new URL('../fixtures/bodies/fake.wav', import.meta.url)));
    assert.deepEqual(fsk.uploaded, [onDisk, onDisk]);
    const d = b.registry.drain().deltas;
    assert.equal(sum(d, 'checks').passes, 2);
    const decoded = fsk.seen.map((s) => s.body.toString('latin1'));
    assert.match(decoded[0]!, /filename="fake\.wav"\r\nContent-Type: application\/octet-stream/);
  });

  it('sends dataset items in rotation and checks against the item\'s own fields', async () => {
    const datasets: Datasets = { wavs: { items: ['alpha', 'beta', 'gamma'].map((text) => ({ body: fakeWav(text), fields: { text } })) } };
    const b = build({
      method: 'POST', path: '/decode',
      body: { multipart: { file: { dataset: 'wavs', filename: 'test.wav' } } },
      checks: [{ jsonPath: '$.text', equals: '{{item.text}}' }, { jsonPath: '$.filename', equals: 'test.wav' }],
    }, fsk.url, { datasets });
    driver = b.driver;
    await run(driver, 5);
    assert.deepEqual(fsk.uploaded.map((w) => w.subarray(8, 8 + w.readUInt32LE(4)).toString()), ['alpha', 'beta', 'gamma', 'alpha', 'beta']);
    const checks = sum(b.registry.drain().deltas, 'checks', { check: '$.text equals "{{item.text}}"' });
    assert.deepEqual([checks.count, checks.passes], [5, 5]);
  });
});
