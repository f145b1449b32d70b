import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CaplabError } from '../../harness/errors.ts';
import { reviveDatasets } from '../../harness/drivers/dataset.ts';
import { makeDatasets } from '../../harness/run/datasets.ts';
import { planFrom } from '../support/scenario-text.ts';

/** Answers POST /encode with "wav:<text>" (and 500 for the text "boom"); records every request path. */
async function startGenerator(): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(req.url ?? '/');
      const text = (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { text?: string }).text ?? '';
      if (text.endsWith('boom')) return void res.writeHead(500).end('encoder exploded');
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(Buffer.concat([Buffer.from('wav:'), Buffer.from(text), Buffer.from([0, 255])]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const scenario = (dataset: string) => `name: datasets
components: { fsk: { url: "http://127.0.0.1:1" } }
datasets:
${dataset}
workloads:
  w:
    executor: constant-vus
    vus: 1
    duration: 1s
    http: { target: fsk, method: POST, path: /decode, body: { dataset: wavs } }
`;

describe('datasets made before the run', () => {
  let gen: Awaited<ReturnType<typeof startGenerator>>;
  beforeEach(async () => {
    gen = await startGenerator();
  });
  afterEach(() => gen.close());

  it('makes count items from setup requests, each with its response body and its own vars', async () => {
    const plan = planFrom(scenario(`  wavs:
    count: 5
    vars: { text: "Test message {{randInt 1000 9999}}" }
    http: { target: fsk, method: POST, path: "/encode?n={{index}}", body: { json: { text: "{{var text}}" } } }`));
    const made = await makeDatasets(plan, { fsk: gen.url }, new AbortController().signal);
    const items = made['wavs']!.items;
    assert.equal(items.length, 5);
    assert.deepEqual([...gen.paths].sort(), ['/encode?n=0', '/encode?n=1', '/encode?n=2', '/encode?n=3', '/encode?n=4']);
    for (const item of items) {
      assert.match(item.fields['text']!, /^Test message \d{4}$/);
      assert.deepEqual(item.body, Buffer.concat([Buffer.from(`wav:${item.fields['text']}`), Buffer.from([0, 255])]));
    }
    const again = await makeDatasets(plan, { fsk: gen.url }, new AbortController().signal);
    assert.deepEqual(again['wavs']!.items.map((i) => i.fields['text']), items.map((i) => i.fields['text']), 'the same seed makes the same items');
  });

  it('items survive the trip to a worker thread as Buffers again', async () => {
    const plan = planFrom(scenario(`  wavs: { count: 2, vars: { text: "t{{index}}" }, http: { target: fsk, method: POST, path: /encode, body: { json: { text: "{{var text}}" } } } }`));
    const made = await makeDatasets(plan, { fsk: gen.url }, new AbortController().signal);
    const cloned = structuredClone(made);
    assert.equal(Buffer.isBuffer(cloned['wavs']!.items[0]!.body), false, 'structured clone drops the Buffer prototype');
    const revived = reviveDatasets(cloned);
    assert.ok(Buffer.isBuffer(revived['wavs']!.items[1]!.body));
    assert.deepEqual(revived['wavs']!.items[1]!.body, made['wavs']!.items[1]!.body);
  });

  it('fails with CAPLAB_ERR_DATASET_SETUP naming the request, its status and body when a setup request fails', async () => {
    const failing = planFrom(scenario(`  wavs:
    count: 6
    concurrency: 1
    http: { target: fsk, method: POST, path: /encode, body: { json: { text: "item {{index}} boom" } } }`));
    await assert.rejects(makeDatasets(failing, { fsk: gen.url }, new AbortController().signal), (err: unknown) => {
      assert.ok(err instanceof CaplabError);
      assert.equal(err.code, 'CAPLAB_ERR_DATASET_SETUP');
      assert.match(err.message, /dataset wavs: setup request 1 of 6 \(POST http:\/\/127\.0\.0\.1:\d+\/encode\) answered 500, which is an error; body: "encoder exploded"/);
      return true;
    });
    assert.equal(gen.paths.length, 1, 'no further setup requests after the failure');
  });

  it('fails with CAPLAB_ERR_DATASET_SETUP when a setup check fails or nothing answers', async () => {
    const checked = planFrom(scenario(`  wavs: { count: 2, http: { target: fsk, method: POST, path: /encode, body: { json: { text: hi } }, checks: [{ bodyContains: "mp3" }] } }`));
    await assert.rejects(makeDatasets(checked, { fsk: gen.url }, new AbortController().signal), /answered 200, which failed body contains "mp3"/);
    const dead = planFrom(scenario(`  wavs: { count: 1, http: { target: "http://127.0.0.1:1", method: POST, path: /encode } }`));
    await assert.rejects(makeDatasets(dead, {}, new AbortController().signal), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_DATASET_SETUP' && /got no response: ECONNREFUSED/.test(err.message));
  });
});
