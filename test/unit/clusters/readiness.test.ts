import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ready } from '../../../clusters/readiness.ts';
import { CaplabError } from '../../../harness/errors.ts';

describe('Ready.forHttp', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r));
    server = undefined;
  });

  /** A server answering `statuses` in turn (the last one repeats), counting hits. */
  async function serve(statuses: number[]): Promise<{ url: string; hits: () => number; paths: string[] }> {
    let n = 0;
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(req.url!);
      res.statusCode = statuses[Math.min(n++, statuses.length - 1)]!;
      res.end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => n, paths };
  }

  it('resolves once the path answers 2xx, polling past 503s', async () => {
    const s = await serve([503, 503, 204]);
    await Ready.forHttp(s.url, '/health', 5_000).wait();
    assert.equal(s.hits(), 3);
    assert.deepEqual(s.paths, ['/health', '/health', '/health']);
  });

  it('fails with CAPLAB_ERR_COMPONENT_NOT_READY and the last status at the timeout', async () => {
    const s = await serve([500]);
    const t0 = performance.now();
    await assert.rejects(Ready.forHttp(s.url, '/ready', 400).wait(), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_COMPONENT_NOT_READY' && /\/ready answering 2xx within 400 ms; last attempt: status 500/.test(err.message));
    const took = performance.now() - t0;
    assert.ok(took >= 380 && took < 1_500, `gave up after ${took} ms`);
    assert.ok(s.hits() >= 3 && s.hits() < 40, `${s.hits()} attempts: backoff should space them`);
  });

  it('names the connection error when nothing listens', async () => {
    const s = await serve([200]);
    const url = s.url;
    await new Promise((r) => server!.close(r));
    server = undefined;
    await assert.rejects(Ready.forHttp(url, '/health', 200).wait(), /last attempt: ECONNREFUSED/);
  });

  it('stops waiting with the signal\'s reason when aborted', async () => {
    const s = await serve([503]);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('stop now')), 100);
    await assert.rejects(Ready.forHttp(s.url, '/health', 10_000).wait(ctl.signal), /stop now/);
  });
});
