import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { pcm16Wav } from '../../reference-impl/fsk/wav-writer.ts';
import {
  decodeUpload, eventually, isRunning, json, multipart, postJson, send, startedPids, startFskService, stopFskService, type FskService, type Reply,
} from '../fixtures/fsk/fsk-service.ts';

const FIXTURE = readFileSync(new URL('../fixtures/fsk/hello-caplab.wav', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rewrites a 16-bit mono WAV from our encoder into another layout, to test the reader end to end. */
function convertWav(wav: Buffer, to: { channels?: number; bits?: 8 | 16 | 32; float?: boolean }): Buffer {
  const rate = wav.readUInt32LE(24);
  const samples = Array.from({ length: (wav.length - 44) / 2 }, (_, i) => wav.readInt16LE(44 + 2 * i) / 32768);
  const channels = to.channels ?? 1;
  const bits = to.bits ?? 16;
  const bytes = bits / 8;
  const data = Buffer.alloc(samples.length * channels * bytes);
  samples.forEach((v, i) => {
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * bytes;
      if (to.float) data.writeFloatLE(v, at);
      else if (bits === 8) data.writeUInt8(Math.round(v * 127) + 128, at);
      else if (bits === 32) data.writeInt32LE(Math.round(v * 2147483647), at);
      else data.writeInt16LE(Math.round(v * 32767), at);
    }
  });
  const h = Buffer.alloc(44);
  h.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(to.float ? 3 : 1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * bytes, 28);
  h.writeUInt16LE(channels * bytes, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

function refusedWith(reply: Reply, status: number, code: string, pattern?: RegExp): void {
  const body = json<{ error: string; code: string }>(reply);
  assert.equal(reply.status, status, JSON.stringify(body));
  assert.equal(reply.headers['content-type'], 'application/json');
  assert.equal(body.code, code);
  if (pattern) assert.match(body.error, pattern);
}

describe('fsk component (as a process)', function () {
  this.timeout(60_000);
  const services: FskService[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const s = await startFskService(env);
    services.push(s);
    return s;
  };

  after(async () => {
    for (const s of services) await stopFskService(s);
    await sleep(50);
    for (const pid of startedPids) assert.equal(isRunning(pid), false, `pid ${pid} is still running`);
  });

  describe('with default limits and 2 workers', () => {
    let fsk: FskService;
    let encoded: Buffer;
    before(async () => {
      fsk = await start({ MAX_WORKERS: '2' });
      const reply = await postJson(`${fsk.url}/encode`, { text: 'Hello World' });
      assert.equal(reply.status, 200);
      encoded = reply.body;
    });

    it('reports ok on /health with idle workers, limits and the exposed protocols', async () => {
      const reply = await send(`${fsk.url}/health`);
      assert.equal(reply.status, 200);
      const body = json<Record<string, unknown>>(reply);
      assert.equal(body.status, 'ok');
      assert.deepEqual(body.workers, { total: 2, busy: 0, idle: 2, starting: 0 });
      assert.equal(body.requests_active, 0);
      assert.equal(body.queue_length, 0);
      assert.equal(body.max_concurrent_requests, 50);
      assert.equal(typeof body.uptime_seconds, 'number');
      assert.deepEqual(body.limits, { max_text_bytes: 140, max_upload_bytes: 16 * 1024 * 1024, request_timeout_ms: 30_000, max_audio_seconds: 60 });
      assert.ok(Array.isArray(body.protocols) && body.protocols.includes('audible-fast'));
    });

    it('encodes JSON to a 16-bit mono 48 kHz WAV with a correct RIFF header (the seed\'s curl example)', () => {
      assert.equal(encoded.subarray(0, 4).toString('latin1'), 'RIFF');
      assert.equal(encoded.readUInt32LE(4), encoded.length - 8);
      assert.equal(encoded.subarray(8, 16).toString('latin1'), 'WAVEfmt ');
      assert.deepEqual([encoded.readUInt16LE(20), encoded.readUInt16LE(22), encoded.readUInt32LE(24), encoded.readUInt16LE(34)], [1, 1, 48_000, 16]);
      assert.equal(encoded.subarray(36, 40).toString('latin1'), 'data');
      assert.equal(encoded.readUInt32LE(40), encoded.length - 44);
      assert.equal(encoded.readUInt32LE(40), 69_632 * 2, '"Hello World" on audible-fast is 69,632 samples');
    });

    it('round-trips every exposed protocol: encode, then decode the upload to the same text and protocol', async () => {
      const protocols = json<{ protocols: string[] }>(await send(`${fsk.url}/health`)).protocols;
      assert.ok(protocols.length >= 3, protocols.join());
      for (const protocol of protocols) {
        const text = `caplab ${protocol} ✓ 0123456789`;
        const enc = await postJson(`${fsk.url}/encode`, { text, protocol, volume: 30 });
        assert.equal(enc.status, 200, enc.body.toString());
        assert.equal(enc.headers['content-type'], 'audio/wav');
        assert.equal(enc.headers['x-fsk-protocol'], protocol);
        const dec = await decodeUpload(fsk.url, enc.body);
        assert.equal(dec.status, 200, dec.body.toString());
        const body = json<{ text: string; protocol: string; message_length: number }>(dec);
        assert.deepEqual({ text: body.text, protocol: body.protocol, length: body.message_length }, { text, protocol, length: Buffer.byteLength(text) }, protocol);
      }
    });

    it('decodes with audio info and timings, from a multipart upload or a raw audio/wav body, with or without a protocol hint', async () => {
      const viaForm = json<Record<string, unknown>>(await decodeUpload(fsk.url, encoded));
      assert.equal(viaForm.success, true);
      assert.equal(viaForm.text, 'Hello World');
      assert.deepEqual(viaForm.audio_info, { channels: 1, sample_rate: 48_000, bits: 16, encoding: 'pcm', total_samples: 69_632, duration_seconds: 1.451, resampled: false });
      assert.equal(typeof viaForm.processing_ms, 'number');
      assert.equal(typeof viaForm.queue_wait_ms, 'number');
      const raw = await send(`${fsk.url}/decode?protocol=audible-fast`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: encoded });
      assert.equal(json(raw).text, 'Hello World');
      assert.equal(json(await decodeUpload(fsk.url, encoded, { protocol: 'audible-fast' })).protocol, 'audible-fast');
    });

    it('accepts a form-encoded text= body like the seed\'s Flask service', async () => {
      const reply = await send(`${fsk.url}/encode`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=Hello+form&protocol=audible-normal' });
      assert.equal(reply.status, 200);
      assert.equal(json(await decodeUpload(fsk.url, reply.body)).text, 'Hello form');
    });

    it('encodes at other sample rates and decodes them by resampling to 48 kHz', async () => {
      for (const sampleRate of [16_000, 44_100]) {
        const enc = await postJson(`${fsk.url}/encode`, { text: `at ${sampleRate} Hz`, sampleRate });
        assert.equal(enc.body.readUInt32LE(24), sampleRate);
        const body = json<{ text: string; audio_info: { sample_rate: number; resampled: boolean } }>(await decodeUpload(fsk.url, enc.body));
        assert.deepEqual([body.text, body.audio_info.sample_rate, body.audio_info.resampled], [`at ${sampleRate} Hz`, sampleRate, true]);
      }
    });

    it('downmixes stereo and reads 8-bit, 32-bit and float WAVs', async () => {
      for (const layout of [{ channels: 2 }, { bits: 8 as const }, { bits: 32 as const }, { bits: 32 as const, float: true }]) {
        const body = json<{ text: string; audio_info: { channels: number; bits: number } }>(await decodeUpload(fsk.url, convertWav(encoded, layout)));
        assert.equal(body.text, 'Hello World', JSON.stringify(layout));
        assert.equal(body.audio_info.channels, layout.channels ?? 1);
        assert.equal(body.audio_info.bits, layout.bits ?? 16);
      }
    });

    it('decodes a WAV made by ggwave\'s own JS binding, independently of our encoder, to its known text', async () => {
      const body = json<Record<string, unknown>>(await decodeUpload(fsk.url, FIXTURE));
      assert.equal(body.text, 'hello caplab');
      assert.equal(body.protocol, 'audible-fast');
      assert.equal((body.audio_info as { total_samples: number }).total_samples, 75_776);
    });

    it('refuses 141 bytes of text with 413 instead of letting ggwave cut it to 140', async () => {
      refusedWith(await postJson(`${fsk.url}/encode`, { text: 'x'.repeat(141) }), 413, 'text_too_long', /141 bytes .* limit is 140/);
      refusedWith(await postJson(`${fsk.url}/encode`, { text: 'é'.repeat(71) }), 413, 'text_too_long', /142 bytes/);
      assert.equal((await postJson(`${fsk.url}/encode`, { text: 'x'.repeat(140) })).status, 200);
    });

    describe('answers bad input with a 4xx and a JSON error', () => {
      const post = (path: string, contentType: string | undefined, body: Buffer | string) =>
        () => send(`${fsk.url}${path}`, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });
      const silence = Buffer.from(pcm16Wav(new Uint8Array(96_000), 48_000));
      const cases: Array<[string, () => Promise<Reply>, number, string, RegExp?]> = [
        ['a body that is not JSON', post('/encode', 'application/json', '{"text": "unterminated'), 400, 'bad_json'],
        ['JSON without text', () => postJson(`${fsk.url}/encode`, { protocol: 'audible-fast' }), 400, 'missing_text'],
        ['empty text', () => postJson(`${fsk.url}/encode`, { text: '' }), 400, 'empty_text'],
        ['an unknown protocol', () => postJson(`${fsk.url}/encode`, { text: 'a', protocol: 'dt-normal' }), 400, 'bad_field', /use one of/],
        ['a text/plain /encode', post('/encode', 'text/plain', 'hello'), 415, 'unsupported_media_type'],
        ['an /encode without Content-Type', post('/encode', undefined, 'hello'), 415, 'unsupported_media_type'],
        ['a JSON /decode', post('/decode', 'application/json', '{}'), 415, 'unsupported_media_type', /multipart\/form-data/],
        ['an upload that is not a WAV', () => decodeUpload(fsk.url, Buffer.from('this is a text file, not audio')), 400, 'bad_wav', /RIFF/],
        ['a truncated WAV', () => decodeUpload(fsk.url, encoded.subarray(0, 50_000)), 400, 'bad_wav', /truncated/],
        ['a 12-bit WAV', () => { const w = Buffer.from(encoded); w.writeUInt16LE(12, 34); return decodeUpload(fsk.url, w); }, 415, 'unsupported_wav', /12-bit PCM/],
        ['a 200 kHz WAV', () => { const w = Buffer.from(encoded); w.writeUInt32LE(200_000, 24); return decodeUpload(fsk.url, w); }, 415, 'unsupported_wav', /200000 Hz/],
        ['audio with no message', () => decodeUpload(fsk.url, silence), 422, 'no_message', /^no FSK message found$/],
        ['a form without the file field', () => { const m = multipart(undefined, { other: 'x' }); return send(`${fsk.url}/decode`, { method: 'POST', headers: m.headers, body: m.body }); }, 400, 'missing_file_field', /has 'other'/],
        ['a multipart body with a boundary it never uses', post('/decode', 'multipart/form-data; boundary=abc', 'no parts here'), 400, 'bad_multipart'],
        ['multipart without a boundary', post('/decode', 'multipart/form-data', 'x'), 400, 'bad_multipart', /boundary/],
        ['an empty raw upload', post('/decode', 'audio/wav', ''), 400, 'bad_wav', /empty/],
        ['an unknown protocol hint', () => decodeUpload(fsk.url, encoded, { protocol: 'nope' }), 400, 'bad_field', /protocol hint/],
        ['an unknown route', () => send(`${fsk.url}/nope`), 404, 'not_found'],
        ['GET /encode', () => send(`${fsk.url}/encode`), 405, 'method_not_allowed'],
      ];
      for (const [name, run, status, code, pattern] of cases) it(name, async () => refusedWith(await run(), status, code, pattern));
    });

    it('refuses an upload declared larger than MAX_UPLOAD_BYTES with 413 before reading it, and before 100-continue', async () => {
      const reply = await new Promise<Reply>((resolve, reject) => {
        const req = httpRequest(`${fsk.url}/decode`, { method: 'POST', agent: false, headers: { 'content-type': 'audio/wav', 'content-length': String(100 * 1024 * 1024), expect: '100-continue' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('continue', () => reject(new Error('the server asked for the body')));
        req.on('error', reject);
        req.flushHeaders();
      });
      refusedWith(reply, 413, 'body_too_large', /limited to 16777216 bytes; this one has 104857600 bytes/);
      assert.equal(reply.headers.connection, 'close');
    });

    describe('afterwards', () => {
      it('serves Prometheus metrics: request counts by endpoint and code, active requests and the duration histograms', async () => {
        const text = (await send(`${fsk.url}/metrics`)).body.toString();
        assert.match(text, /^# TYPE fskhttp_requests_total counter$/m);
        assert.match(text, /^fskhttp_requests_total\{endpoint="encode",code="200"\} \d+$/m);
        assert.match(text, /^fskhttp_requests_total\{endpoint="encode",code="413"\} [1-9]\d*$/m);
        assert.match(text, /^fskhttp_requests_total\{endpoint="decode",code="422"\} 1$/m);
        assert.match(text, /^fskhttp_requests_active 0$/m);
        for (const h of ['fskhttp_request_duration_seconds', 'fskhttp_encode_duration_seconds', 'fskhttp_decode_duration_seconds', 'fskhttp_queue_wait_seconds']) {
          assert.match(text, new RegExp(`^# TYPE ${h} histogram$`, 'm'));
        }
        assert.match(text, /^fskhttp_request_duration_seconds_bucket\{endpoint="decode",le="\+Inf"\} [1-9]\d*$/m);
        const encodes = Number(/^fskhttp_encode_duration_seconds_count (\d+)$/m.exec(text)![1]);
        const bucket = Number(/^fskhttp_encode_duration_seconds_bucket\{le="30"\} (\d+)$/m.exec(text)![1]);
        assert.ok(encodes >= 10 && bucket === encodes, `${encodes} encodes, ${bucket} within 30 s`);
        assert.match(text, /^fskhttp_workers\{state="idle"\} 2$/m);
        assert.match(text, /^fskhttp_worker_restarts_total\{reason="timeout"\} 0$/m);
      });
    });
  });

  describe('with MAX_CONCURRENT_REQUESTS=1 and MAX_UPLOAD_BYTES=1MiB', () => {
    let fsk: FskService;
    before(async () => { fsk = await start({ MAX_WORKERS: '1', MAX_CONCURRENT_REQUESTS: '1', MAX_UPLOAD_BYTES: '1MiB' }); });

    it('answers 503 with Retry-After while one request is in flight, then serves again', async () => {
      const wav = (await postJson(`${fsk.url}/encode`, { text: 'held' })).body;
      // a decode upload sent in two halves holds the only slot, however fast the machine is
      let answer!: Promise<Reply>;
      const held = httpRequest(`${fsk.url}/decode`, { method: 'POST', agent: false, headers: { 'content-type': 'audio/wav', 'content-length': String(wav.length) } });
      answer = new Promise((resolve, reject) => {
        held.on('response', (res) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(c) })); });
        held.on('error', reject);
      });
      held.write(wav.subarray(0, 1000));
      assert.ok(await eventually(async () => json(await send(`${fsk.url}/health`)).requests_active === 1), 'the held request was admitted');

      const refused = await postJson(`${fsk.url}/encode`, { text: 'second' });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '5');
      assert.deepEqual(json(refused), { error: 'Service temporarily overloaded', code: 'overloaded', retry_after_seconds: 5 });
      const health = await send(`${fsk.url}/health`);
      assert.equal(health.status, 503);
      assert.equal(json(health).status, 'degraded');

      held.end(wav.subarray(1000));
      const first = await answer;
      assert.equal(first.status, 200);
      assert.equal(json(first).text, 'held');
      assert.equal((await postJson(`${fsk.url}/encode`, { text: 'after' })).status, 200);
    });

    it('stops reading a chunked upload once it passes MAX_UPLOAD_BYTES and answers 413', async () => {
      const chunk = Buffer.alloc(64 * 1024, 1);
      const { reply, written } = await new Promise<{ reply: Reply; written: number }>((resolve, reject) => {
        let written = 0;
        let answered = false;
        const req = httpRequest(`${fsk.url}/decode`, { method: 'POST', agent: false, headers: { 'content-type': 'audio/wav', 'transfer-encoding': 'chunked' } }, (res) => {
          answered = true;
          const c: Buffer[] = [];
          res.on('data', (d: Buffer) => c.push(d));
          res.on('end', () => { req.destroy(); resolve({ reply: { status: res.statusCode!, headers: res.headers, body: Buffer.concat(c) }, written }); });
        });
        req.on('error', (err) => { if (!answered) reject(err); });
        // bounded: 1,600 chunks = 100 MiB, far more than the server may read
        const pump = () => {
          while (!answered && written < 1600 * chunk.length) {
            written += chunk.length;
            if (!req.write(chunk)) { req.once('drain', pump); return; }
          }
        };
        pump();
      });
      refusedWith(reply, 413, 'body_too_large', /limited to 1048576 bytes/);
      assert.ok(written < 100 * 1024 * 1024, `the client wrote ${written} bytes before the answer`);
    });
  });

  it('answers 504 when a job overruns a tiny REQUEST_TIMEOUT, replaces the worker and keeps serving', async () => {
    const fsk = await start({ MAX_WORKERS: '1', REQUEST_TIMEOUT: '1ms' });
    const reply = await postJson(`${fsk.url}/encode`, { text: 'x'.repeat(140), protocol: 'audible-normal' });
    refusedWith(reply, 504, 'timeout', /longer than REQUEST_TIMEOUT \(1 ms\)/);
    assert.ok(await eventually(async () => {
      const h = json<{ workers: { idle: number; starting: number } }>(await send(`${fsk.url}/health`));
      return h.workers.idle === 1 && h.workers.starting === 0;
    }), 'a worker is ready again');
    const metrics = (await send(`${fsk.url}/metrics`)).body.toString();
    assert.match(metrics, /^fskhttp_requests_total\{endpoint="encode",code="504"\} 1$/m);
    assert.match(metrics, /^fskhttp_worker_restarts_total\{reason="timeout"\} 1$/m);
    refusedWith(await send(`${fsk.url}/encode`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), 415, 'unsupported_media_type');
    assert.deepEqual(await stopFskService(fsk), { code: 0, signal: null });
  });

  it('on SIGTERM stops accepting, finishes an in-flight decode, terminates its workers and exits 0', async () => {
    const fsk = await start({ MAX_WORKERS: '2' });
    const wav = (await postJson(`${fsk.url}/encode`, { text: 'in flight' })).body;
    const req = httpRequest(`${fsk.url}/decode`, { method: 'POST', agent: false, headers: { 'content-type': 'audio/wav', 'content-length': String(wav.length) } });
    const answer = new Promise<Reply>((resolve, reject) => {
      req.on('response', (res) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(c) })); });
      req.on('error', reject);
    });
    req.write(wav.subarray(0, 1000));
    assert.ok(await eventually(async () => json(await send(`${fsk.url}/health`)).requests_active === 1));
    fsk.child.kill('SIGTERM');
    assert.ok(await eventually(async () => send(`${fsk.url}/health`).then(() => false, (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED')), 'stopped accepting');
    req.end(wav.subarray(1000));
    const reply = await answer;
    assert.equal(reply.status, 200);
    assert.equal(json(reply).text, 'in flight');
    assert.deepEqual(await fsk.exited, { code: 0, signal: null });
    assert.equal(isRunning(fsk.pid), false);
  });

  it('refuses a bad environment variable at start with exit 2 and a usage-error line naming it', async () => {
    await assert.rejects(startFskService({ MAX_TEXT_BYTES: '200' }), /usage-error.*MAX_TEXT_BYTES must be 1-140/);
  });
});
