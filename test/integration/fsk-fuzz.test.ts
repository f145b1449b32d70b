import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { isRunning, json, multipart, postJson, send, startFskService, stopFskService, type FskService } from '../fixtures/fsk/fsk-service.ts';

/** Park-Miller: the same bodies on every run. */
function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

const WAV_CASES = 1200;
const JSON_CASES = 1800;
const PARALLEL = 8;
const REPLY_TIMEOUT_MS = 15_000;

/** Header fields of a canonical 44-byte WAV header: offset and width. */
const HEADER_FIELDS: Array<[number, 2 | 4]> = [[4, 4], [16, 4], [20, 2], [22, 2], [24, 4], [28, 4], [32, 2], [34, 2], [40, 4]];

function mutateWav(base: Buffer, rnd: () => number): Buffer {
  const pick = (n: number) => Math.floor(rnd() * n);
  const wav = Buffer.from(base);
  switch (pick(7)) {
    case 0: for (let i = 0, n = 1 + pick(20); i < n; i++) wav[pick(wav.length)] = pick(256); return wav;
    case 1: for (let i = 0, n = 1 + pick(6); i < n; i++) wav[pick(64)] = pick(256); return wav;
    case 2: return wav.subarray(0, pick(wav.length));
    case 3: {
      const [offset, width] = HEADER_FIELDS[pick(HEADER_FIELDS.length)]!;
      const special = [0, 1, 2, 3, 8, 12, 16, 24, 32, 64, 1000, 8000, 44_100, 96_000, 0xffff, 0xffffffff];
      const value = rnd() < 0.5 ? special[pick(special.length)]! : pick(2 ** (8 * width));
      if (width === 2) wav.writeUInt16LE(value & 0xffff, offset); else wav.writeUInt32LE(value >>> 0, offset);
      return wav;
    }
    case 4: {
      const junk = Buffer.alloc(8 + pick(64));
      junk.write('LIST', 0, 'latin1');
      junk.writeUInt32LE(rnd() < 0.7 ? junk.length - 8 : pick(2 ** 32), 4);
      return Buffer.concat([wav.subarray(0, 36), junk, wav.subarray(36)]);
    }
    case 5: { const tags = [[12, 'fmt '], [36, 'data'], [0, 'RIFF'], [8, 'WAVE']] as const; const [at] = tags[pick(4)]!; wav.write('ABCD', at, 'latin1'); return wav; }
    default: return Buffer.from(Array.from({ length: pick(300) }, () => pick(256)));
  }
}

function randomJsonValue(rnd: () => number, depth: number): unknown {
  const pick = (n: number) => Math.floor(rnd() * n);
  switch (pick(depth > 2 ? 6 : 8)) {
    case 0: return null;
    case 1: return rnd() < 0.5;
    case 2: return [0, -1, 1.5, 1e300, 50, 48_000, 140, pick(200_000), -0][pick(9)];
    case 3: return ['', 'hello', 'audible-fast', 'x'.repeat(pick(300)), '✓'.repeat(pick(80)), '\u0000\u0001', '\ud800', 'ultrasound-normal'][pick(8)];
    case 4: return 'a'.repeat(1 + pick(139));
    case 5: return String.fromCharCode(...Array.from({ length: pick(40) }, () => pick(0xffff)));
    case 6: return Array.from({ length: pick(4) }, () => randomJsonValue(rnd, depth + 1));
    default: return randomJsonObject(rnd, depth + 1);
  }
}

function randomJsonObject(rnd: () => number, depth: number): Record<string, unknown> {
  const keys = ['text', 'protocol', 'volume', 'sampleRate', 'text', 'extra', '__proto__', 'constructor'];
  const out: Record<string, unknown> = {};
  for (let i = 0, n = Math.floor(rnd() * 5); i < n; i++) out[keys[Math.floor(rnd() * keys.length)]!] = randomJsonValue(rnd, depth);
  return out;
}

function randomEncodeBody(rnd: () => number): { contentType: string; body: Buffer } {
  const pick = (n: number) => Math.floor(rnd() * n);
  const contentType = ['application/json', 'application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', ''][pick(6)]!;
  const value = rnd() < 0.6 ? randomJsonObject(rnd, 0) : randomJsonValue(rnd, 0);
  let text = JSON.stringify(value) ?? 'undefined';
  if (rnd() < 0.2) text = text.slice(0, pick(text.length + 1)); // truncated JSON
  if (contentType.includes('form')) text = new URLSearchParams(Object.entries(typeof value === 'object' && value ? value : { text: String(value) }).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return { contentType, body: Buffer.from(text) };
}

/** One request with a client-side deadline: a hang fails the test instead of stalling it. */
function fire(url: string, agent: Agent, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => { clearTimeout(timer); resolve(res.statusCode!); });
    });
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`no answer within ${REPLY_TIMEOUT_MS} ms`)); }, REPLY_TIMEOUT_MS);
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.end(body);
  });
}

describe('fsk fuzz: thousands of malformed WAV and JSON bodies', function () {
  this.timeout(120_000);
  let fsk: FskService;

  before(async () => { fsk = await startFskService({ MAX_WORKERS: '2' }); });
  after(async () => {
    assert.deepEqual(await stopFskService(fsk), { code: 0, signal: null });
    assert.equal(isRunning(fsk.pid), false);
  });

  it('answers every one with a 4xx (or a 200 when the mutation was harmless), never a 5xx, and stays healthy', async () => {
    const base = (await postJson(`${fsk.url}/encode`, { text: 'fuzz me', protocol: 'audible-fast' })).body;
    const rnd = prng(20_261_122);
    const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
    const jobs: Array<() => Promise<[string, number]>> = [];
    for (let i = 0; i < WAV_CASES; i++) {
      const wav = mutateWav(base, rnd);
      if (rnd() < 0.5) {
        const m = multipart(wav);
        jobs.push(async () => ['wav-form', await fire(`${fsk.url}/decode`, agent, m.headers, m.body)]);
      } else {
        jobs.push(async () => ['wav-raw', await fire(`${fsk.url}/decode`, agent, { 'content-type': 'audio/wav' }, wav)]);
      }
    }
    for (let i = 0; i < JSON_CASES; i++) {
      const { contentType, body } = randomEncodeBody(rnd);
      jobs.push(async () => ['json', await fire(`${fsk.url}/encode`, agent, contentType ? { 'content-type': contentType } : {}, body)]);
    }
    const counts = new Map<string, number>();
    let next = 0;
    try {
      await Promise.all(Array.from({ length: PARALLEL }, async () => {
        while (next < jobs.length) {
          const [kind, status] = await jobs[next++]!();
          counts.set(`${kind} ${status}`, (counts.get(`${kind} ${status}`) ?? 0) + 1);
        }
      }));
    } finally {
      agent.destroy();
    }
    const summary = Object.fromEntries([...counts].sort());
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, WAV_CASES + JSON_CASES);
    const bad = [...counts.keys()].filter((k) => { const status = Number(k.split(' ')[1]); return status >= 500 || (status >= 200 && status < 400 && status !== 200); });
    assert.deepEqual(bad, [], JSON.stringify(summary));
    assert.ok([...counts.keys()].some((k) => k.startsWith('wav') && k.endsWith(' 400')) && [...counts.keys()].some((k) => k.startsWith('json') && k.endsWith(' 400')), JSON.stringify(summary));

    const health = await send(`${fsk.url}/health`);
    assert.equal(health.status, 200);
    const body = json<{ status: string; workers: { idle: number }; worker_restarts: { crash: number; timeout: number } }>(health);
    assert.equal(body.status, 'ok');
    assert.equal(body.workers.idle, 2);
    assert.deepEqual(body.worker_restarts, { crash: 0, timeout: 0 });
    assert.equal(json((await (async () => { const m = multipart(base); return send(`${fsk.url}/decode`, { method: 'POST', headers: m.headers, body: m.body }); })())).text, 'fuzz me');
  });
});
