/**
 * npm run bench:fsk [-- --duration 5 --repeats 3 --concurrency 8]
 *
 * Throughput of the fsk reference component (seed 001's FSK HTTP service) with MAX_WORKERS=1 and
 * =2 on this machine. The bench starts the component itself as a child process, as a deployment
 * would, and drives it from this process with node:http over keep-alive connections:
 *   - closed loop: `concurrency` requests always in flight (enough to keep every worker busy, so
 *     the figure is the saturated throughput, i.e. the knee); median of `repeats` runs;
 *     encode = the seed's load test body `{"text":"Test message NNNN"}`, decode = the seed's
 *     `curl -F "file=@test.wav"` with a "Hello World" WAV;
 *   - open model: encode at 70% of the MAX_WORKERS=2 knee, requests started on schedule whatever
 *     the answers do, latency counted from the scheduled start (no coordinated omission); p95.
 * The caplab harness is left alone on purpose: it is being rebuilt while this is written.
 * Ends with one JSON line of the headline figures. Every child is killed by pid at the end and on SIGINT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { positiveOption, stopChild } from './bench-support.ts';

const MAIN = fileURLToPath(new URL('../reference-impl/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const WARMUP_S = 2;
const OPEN_MODEL_SHARE = 0.7;
/** open-model requests in flight beyond this are counted as dropped rather than sent */
const OPEN_MODEL_MAX_IN_FLIGHT = 512;

interface Options { durationS: number; repeats: number; concurrency: number }
interface Body { path: string; headers: Record<string, string>; body: (i: number) => Buffer }
interface Tally { ok: number; failed: number; latenciesMs: number[] }

const children = new Set<ChildProcess>();

function parseOptions(argv: string[]): Options {
  const get = (name: string, fallback: number) => positiveOption(argv, name, fallback);
  return { durationS: get('duration', 5), repeats: get('repeats', 3), concurrency: get('concurrency', 8) };
}

/** Starts `main.ts fsk` with `workers` worker threads and resolves with its URL. */
async function startFsk(workers: number): Promise<{ child: ChildProcess; url: string }> {
  const env = { ...process.env, MAX_WORKERS: String(workers), MAX_CONCURRENT_REQUESTS: '10000', REQUEST_TIMEOUT: '60', LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'fsk', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const line = await new Promise<string | null>((resolve) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    rl.once('close', () => resolve(null));
  });
  const event = line === null ? null : (JSON.parse(line) as { event: string; url: string });
  if (event?.event !== 'listening') throw new Error(`fsk did not start: ${line ?? '(no output)'}`);
  return { child, url: event.url };
}

/** One request; resolves with its status (0 for a transport error). */
function fire(url: string, agent: Agent, b: Body, i: number): Promise<number> {
  return new Promise((resolve) => {
    const body = b.body(i);
    const req = httpRequest(`${url}${b.path}`, { method: 'POST', agent, headers: { ...b.headers, 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', () => resolve(0));
    });
    req.once('error', () => resolve(0));
    req.end(body);
  });
}

/** `concurrency` loops, each sending its next request when the last is answered, for `seconds`. */
async function closedLoop(url: string, b: Body, concurrency: number, seconds: number): Promise<{ rps: number; failed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  let n = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      if ((await fire(url, agent, b, n++)) === 200) ok++; else failed++;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { rps: ok / elapsed, failed };
}

/** Requests started at `rate`/s on schedule for `seconds`; latency from the scheduled start. */
async function openModel(url: string, b: Body, rate: number, seconds: number): Promise<Tally & { dropped: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: OPEN_MODEL_MAX_IN_FLIGHT });
  const tally: Tally & { dropped: number } = { ok: 0, failed: 0, latenciesMs: [], dropped: 0 };
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  let inFlight = 0;
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total;) {
    const now = performance.now();
    // start every request whose time has come, then sleep until the next one is due
    while (i < total && t0 + (i * 1000) / rate <= now) {
      const intended = t0 + (i * 1000) / rate;
      if (inFlight >= OPEN_MODEL_MAX_IN_FLIGHT) { tally.dropped++; i++; continue; }
      inFlight++;
      pending.push(fire(url, agent, b, i).then((status) => {
        inFlight--;
        if (status === 200) { tally.ok++; tally.latenciesMs.push(performance.now() - intended); } else tally.failed++;
      }));
      i++;
    }
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / rate - performance.now())));
  }
  await Promise.all(pending);
  agent.destroy();
  return tally;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function encodeBody(): Body {
  // the seed's locust task: {"text": f"Test message {random.randint(1000, 9999)}"}
  return { path: '/encode', headers: { 'content-type': 'application/json' }, body: (i) => Buffer.from(JSON.stringify({ text: `Test message ${1000 + ((i * 7919) % 9000)}` })) };
}

async function decodeBody(url: string): Promise<Body> {
  const wav = await new Promise<Buffer>((resolve, reject) => {
    const req = httpRequest(`${url}/encode`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`encode for the decode body: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ text: 'Hello World' }));
  });
  const boundary = '----caplabBenchBoundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="test.wav"\r\nContent-Type: audio/wav\r\n\r\n`),
    wav,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { path: '/decode', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: () => body };
}

async function measure(url: string, label: string, b: Body, o: Options): Promise<number> {
  await closedLoop(url, b, o.concurrency, WARMUP_S);
  const runs: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const { rps, failed } = await closedLoop(url, b, o.concurrency, o.durationS);
    runs.push(rps);
    if (failed > 0) process.stderr.write(`  warning: ${failed} ${label} requests failed in run ${r + 1}\n`);
  }
  process.stdout.write(`${label.padEnd(22)} ${runs.map((x) => round(x).toFixed(1)).join(' / ')} req/s -> median ${round(median(runs)).toFixed(1)}\n`);
  return median(runs);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  process.stdout.write(`fsk bench: closed loop, ${o.concurrency} in flight, ${o.repeats} x ${o.durationS}s after ${WARMUP_S}s warm-up, per setting\n`);
  const results: Record<string, number> = {};
  let p95 = NaN;
  for (const workers of [1, 2]) {
    const { child, url } = await startFsk(workers);
    try {
      results[`encode_w${workers}`] = await measure(url, `encode MAX_WORKERS=${workers}`, encodeBody(), o);
      results[`decode_w${workers}`] = await measure(url, `decode MAX_WORKERS=${workers}`, await decodeBody(url), o);
      if (workers === 2) {
        const rate = OPEN_MODEL_SHARE * results.encode_w2!;
        const tally = await openModel(url, encodeBody(), rate, o.durationS * o.repeats);
        p95 = percentile(tally.latenciesMs, 95);
        process.stdout.write(`encode open model at ${round(rate)}/s (70% of the knee): ${tally.ok} ok, ${tally.failed} failed, ${tally.dropped} dropped; `
          + `p50 ${round(percentile(tally.latenciesMs, 50))} ms, p95 ${round(p95)} ms, p99 ${round(percentile(tally.latenciesMs, 99))} ms\n`);
      }
    } finally {
      await stopChild(child);
    }
  }
  const ratio = results.encode_w2! / results.encode_w1!;
  process.stdout.write(`encode scaling MAX_WORKERS 2 vs 1: ${round(ratio, 2)}x (goal >= 1.8x); decode: ${round(results.decode_w2! / results.decode_w1!, 2)}x\n`);
  process.stdout.write(`${JSON.stringify({
    bench: 'fsk',
    encode_rps_w1: round(results.encode_w1!),
    encode_rps_w2: round(results.encode_w2!),
    ratio_w2_w1: round(ratio, 2),
    decode_rps_w2: round(results.decode_w2!),
    p95_ms_at_70pct: round(p95),
  })}\n`);
}

process.on('SIGINT', () => {
  for (const child of children) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  process.exit(130);
});

main().catch(async (err: unknown) => {
  process.stderr.write(`bench-fsk failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  for (const child of children) await stopChild(child);
  process.exit(1);
});
