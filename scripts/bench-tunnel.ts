/**
 * npm run bench:tunnel [-- --duration 5 --repeats 3 --rate 1000 --bytes-mib 512]
 *
 * Throughput and added latency of the reference tunnel (reference-impl/tunnel) on this machine,
 * against the two figures that bound it, in one run (MB = 10^6 bytes):
 *   - raw:      iperf3 over loopback TCP, one stream: the physical limit (Debian `iperf3`);
 *   - go yamux: one hashicorp/yamux stream Go to Go over loopback (the seed's own stack): the Go
 *               peer of test/system/go-yamux-peer sends `bytes-mib` MiB ("source N") to
 *               scripts/go-yamux-bench, both built against Debian's golang-github-hashicorp-yamux-dev;
 *   - tunnel:   iperf3 through the whole tunnel: iperf3 -c -> tunnel-connect -> WebSocket + yamux
 *               -> tunnel-server -> WebSocket + yamux -> tunnel-agent -> iperf3 -s, with -P 1, 4
 *               and 16 streams; the aggregate figure is the best of the three medians;
 *   - latency:  GETs at `rate`/s (open model, latency from the scheduled start) to an echo
 *               component directly and through the tunnel's path ingress (/agents/<id>/), taking
 *               turns; added p95 = median tunnel p95 - median direct p95.
 * Each figure is the median of `repeats` runs. The harness is not used: this measures the service,
 * not caplab. Every child is killed by pid at the end and on SIGINT. Ends with one JSON line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signJwt } from '../reference-impl/tunnel/jwt.ts';
import { positiveOption, stopChild } from './bench-support.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = path.join(ROOT, 'reference-impl/main.ts');
const CONNECT = path.join(ROOT, 'reference-impl/tunnel/connect-client.ts');
const GO_PEER = path.join(ROOT, 'test/system/go-yamux-peer/main.go');
const GO_BENCH = path.join(ROOT, 'scripts/go-yamux-bench/main.go');
const GOPATH = '/usr/share/gocode';
const TSX = import.meta.resolve('tsx');
/** loopback only, so a fixed dev secret is fine */
const SECRET = 'bench-tunnel-secret-0123456789';
const MiB = 1024 * 1024;
const LATENCY_WARMUP_S = 2;
/** open-model requests in flight beyond this are counted as dropped rather than sent */
const MAX_IN_FLIGHT = 512;

interface Options { durationS: number; repeats: number; rate: number; bytesMiB: number }

const children = new Set<ChildProcess>();

function parseOptions(argv: string[]): Options {
  const get = (name: string, fallback: number) => positiveOption(argv, name, fallback);
  return { durationS: get('duration', 5), repeats: get('repeats', 3), rate: get('rate', 1000), bytesMiB: get('bytes-mib', 512) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Spawns a tracked child; stderr passes through only when it fails to start. */
function track(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stderr!.resume();
  return child;
}

/** Resolves with the first stdout line matching `pred`, or rejects when the child exits first. */
function stdoutLine(child: ChildProcess, what: string, pred: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => { if (pred(line)) resolve(line); });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

/** A reference component (or the connect client) as a child; resolves with its `listening` URL. */
async function startNode(script: string, args: string[], what: string, waitFor?: string): Promise<{ child: ChildProcess; url: string }> {
  const child = track(process.execPath, ['--import', TSX, script, ...args], { ...process.env, LOG_LEVEL: 'warn' });
  const listening = stdoutLine(child, what, (l) => l.includes('"event":"listening"'));
  const ready = waitFor === undefined ? listening : stdoutLine(child, what, (l) => l.includes(`"event":"${waitFor}"`));
  const url = (JSON.parse(await listening) as { url: string }).url;
  await ready;
  return { child, url };
}

/** A port free right now (iperf3 cannot take port 0 and report it). */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function startIperfServer(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  // --forceflush: iperf3 block-buffers stdout on a pipe, and the listening line would never come
  const child = track('iperf3', ['-s', '--forceflush', '-B', '127.0.0.1', '-p', String(port)]);
  await stdoutLine(child, 'iperf3 -s', (l) => l.includes('Server listening'));
  return { child, port };
}

/** One iperf3 client run; resolves with the received MB/s of all its streams. */
async function iperf(port: number, streams: number, seconds: number): Promise<number> {
  const child = track('iperf3', ['-c', '127.0.0.1', '-p', String(port), '-t', String(seconds), '-P', String(streams), '-J']);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const report = JSON.parse(out) as { error?: string; end?: { sum_received?: { bits_per_second: number } } };
  if (code !== 0 || report.error !== undefined || report.end?.sum_received === undefined) {
    throw new Error(`iperf3 -P ${streams} to port ${port} failed (${code}): ${report.error ?? out.slice(0, 300)}`);
  }
  return report.end.sum_received.bits_per_second / 8 / 1e6;
}

async function medianOf(label: string, repeats: number, once: () => Promise<number>): Promise<number> {
  const runs: number[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await once());
  const m = median(runs);
  say(`${label.padEnd(30)} ${runs.map((x) => round(x).toFixed(1)).join(' / ')} MB/s -> median ${round(m).toFixed(1)}`);
  return m;
}

/** Builds the Go peer and bench client into a temporary directory; null (with the reason) when Go or yamux is missing. */
function buildGo(dir: string): { peer: string; client: string } | null {
  const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOPROXY: 'off', GOFLAGS: '', GOCACHE: path.join(dir, 'cache') };
  const out = { peer: path.join(dir, 'peer'), client: path.join(dir, 'client') };
  for (const [binary, source] of [[out.peer, GO_PEER], [out.client, GO_BENCH]] as const) {
    const r = spawnSync('go', ['build', '-o', binary, source], { env, encoding: 'utf8' });
    if (r.error !== undefined || r.status !== 0) {
      say(`go yamux: skipped, go build failed (needs golang-go and golang-github-hashicorp-yamux-dev): ${r.error?.message ?? r.stderr.trim()}`);
      return null;
    }
  }
  return out;
}

async function goYamux(o: Options, dir: string): Promise<number | null> {
  const built = buildGo(dir);
  if (built === null) return null;
  const peer = track(built.peer, ['-lifetime', '600s']);
  try {
    const port = Number(/port (\d+)/.exec(await stdoutLine(peer, 'go peer', (l) => l.startsWith('port ')))![1]);
    return await medianOf('go yamux, 1 stream', o.repeats, async () => {
      const client = track(built.client, ['-addr', `127.0.0.1:${port}`, '-streams', '1', '-bytes', String(o.bytesMiB * MiB)]);
      const line = await stdoutLine(client, 'go yamux client', (l) => l.startsWith('{'));
      const { bytes, seconds } = JSON.parse(line) as { bytes: number; seconds: number };
      return bytes / seconds / 1e6;
    });
  } finally {
    await stopChild(peer);
  }
}

/** One GET; resolves with its status (0 for a transport error). */
function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', () => resolve(0));
    });
    req.once('error', () => resolve(0));
    req.end();
  });
}

/** GETs started at `rate`/s on schedule for `seconds`; p95 latency from the scheduled start. */
async function openModelP95(url: string, rate: number, seconds: number): Promise<{ p95: number; failed: number; dropped: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const latencies: number[] = [];
  let failed = 0;
  let dropped = 0;
  let inFlight = 0;
  const total = Math.round(rate * seconds);
  const pending: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; i < total;) {
    const now = performance.now();
    while (i < total && t0 + (i * 1000) / rate <= now) {
      const intended = t0 + (i * 1000) / rate;
      i++;
      if (inFlight >= MAX_IN_FLIGHT) { dropped++; continue; }
      inFlight++;
      pending.push(get(url, agent).then((status) => {
        inFlight--;
        if (status === 200) latencies.push(performance.now() - intended); else failed++;
      }));
    }
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / rate - performance.now())));
  }
  await Promise.all(pending);
  agent.destroy();
  return { p95: latencies.length ? percentile(latencies, 95) : NaN, failed, dropped };
}

function agentArgs(serverUrl: string, target: string, id: string): string[] {
  return ['tunnel-agent', '--port', '0', '--host', '127.0.0.1', '--server', `${serverUrl.replace(/^http/, 'ws')}/ws`, '--local-target', target,
    '--token-secret', SECRET, '--agent-id', id, '--owner', 'bench'];
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (spawnSync('iperf3', ['--version'], { stdio: 'ignore' }).error !== undefined) {
    throw new Error('iperf3 is not installed: bash scripts/install-system-deps.sh iperf3');
  }
  say(`tunnel bench: ${o.repeats} runs per figure, iperf3 ${o.durationS}s per run, go yamux ${o.bytesMiB} MiB per run, latency at ${o.rate}/s for ${o.durationS}s per run`);
  const dir = mkdtempSync(path.join(tmpdir(), 'caplab-bench-tunnel-'));
  try {
    const target = await startIperfServer();
    const raw = await medianOf('raw loopback TCP (iperf3 -P 1)', o.repeats, () => iperf(target.port, 1, o.durationS));
    const goMBps = await goYamux(o, dir);

    const server = await startNode(MAIN, ['tunnel-server', '--port', '0', '--host', '127.0.0.1', '--token-secret', SECRET], 'tunnel-server');
    await startNode(MAIN, agentArgs(server.url, `127.0.0.1:${target.port}`, 'bulk'), 'tunnel-agent (bulk)', 'connected');
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt({ sub: 'bench-user', owner: 'bench', iat: now, exp: now + 3600 }, SECRET);
    const connect = await startNode(CONNECT, ['--server', server.url, '--agent', 'bulk', '--listen', '127.0.0.1:0', '--token', token], 'tunnel-connect');
    const connectPort = Number(new URL(connect.url).port);
    const tunnel: Record<number, number> = {};
    for (const streams of [1, 4, 16]) {
      tunnel[streams] = await medianOf(`tunnel, ${streams} stream${streams > 1 ? 's' : ''} (iperf3 -P ${streams})`, o.repeats, () => iperf(connectPort, streams, o.durationS));
    }
    const tunnelMBps = Math.max(...Object.values(tunnel));

    const echo = await startNode(MAIN, ['echo', '--port', '0', '--host', '127.0.0.1', '--response-size', '256'], 'echo');
    await startNode(MAIN, agentArgs(server.url, new URL(echo.url).host, 'echo'), 'tunnel-agent (echo)', 'connected');
    const direct = `${echo.url}/api/items`;
    const through = `${server.url}/agents/echo/api/items`;
    await openModelP95(direct, o.rate, LATENCY_WARMUP_S);
    await openModelP95(through, o.rate, LATENCY_WARMUP_S);
    const p95 = { direct: [] as number[], tunnel: [] as number[] };
    for (let r = 0; r < o.repeats; r++) {
      for (const [key, url] of [['direct', direct], ['tunnel', through]] as const) {
        const run = await openModelP95(url, o.rate, o.durationS);
        p95[key].push(run.p95);
        if (run.failed + run.dropped > 0) process.stderr.write(`  warning: ${key} run ${r + 1}: ${run.failed} failed, ${run.dropped} dropped\n`);
      }
    }
    const added = median(p95.tunnel) - median(p95.direct);
    say(`p95 at ${o.rate}/s direct                 ${p95.direct.map((x) => round(x, 2).toFixed(2)).join(' / ')} ms -> median ${round(median(p95.direct), 2).toFixed(2)}`);
    say(`p95 at ${o.rate}/s through the tunnel     ${p95.tunnel.map((x) => round(x, 2).toFixed(2)).join(' / ')} ms -> median ${round(median(p95.tunnel), 2).toFixed(2)}`);

    const ratio = goMBps === null ? null : tunnelMBps / goMBps;
    say(`tunnel aggregate ${round(tunnelMBps).toFixed(1)} MB/s (goal >= 500), ${ratio === null ? 'no go yamux figure' : `${round(ratio, 2)}x go yamux (goal >= 0.7x)`}, `
      + `added p95 ${round(added, 2)} ms (goal <= 1 ms)`);
    say(JSON.stringify({
      bench: 'tunnel',
      raw_MBps: round(raw),
      go_yamux_MBps: goMBps === null ? null : round(goMBps),
      tunnel_MBps: round(tunnelMBps),
      ratio_go: ratio === null ? null : round(ratio, 2),
      added_p95_ms: round(added, 2),
    }));
  } finally {
    await Promise.all([...children].map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of children) if (child.pid !== undefined) { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench-tunnel failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  await Promise.all([...children].map(stopChild));
  process.exit(1);
});
