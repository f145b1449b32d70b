/**
 * npm run bench:loadgen [-- --duration 5 --repeats 3 --connections 50]
 *
 * How fast caplab's own load generator is, next to autocannon and wrk, on two loopback targets:
 * nginx (1 worker, `return 200 "ok"`: so cheap that the generator is the bottleneck) and the echo
 * reference component (a node:http server, which is the bottleneck there). Every tool gets the same
 * connections, no pipelining and the same duration; tools are interleaved run by run and medians
 * reported. caplab runs in this process through the constant-vus executor and the fast http
 * engine; autocannon runs in this process through its programmatic API; wrk is a child process.
 * Ends with one JSON line of the headline figures; ratios are taken on nginx.
 *
 * With taskset and 2+ CPUs, the targets run on the last CPU and every generator on the others
 * (--no-pin to let the scheduler place them). Unpinned, on 2 CPUs, the scheduler sometimes puts
 * generator and target on one CPU and throughput halves for that run, for every tool alike.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHttpDriver } from '../harness/drivers/http.ts';
import { httpRequestSchema } from '../harness/drivers/http-request-schema.ts';
import { realClock } from '../harness/executors/clock.ts';
import { constantVus } from '../harness/executors/constant-vus.ts';
import { createHistogram, decodeHistogram, mergeInto, summarize } from '../harness/metrics/histogram.ts';
import { M } from '../harness/metrics/metric-names.ts';
import { MetricsRegistry } from '../harness/metrics/registry.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const WARMUP_S = 1;

interface Options { durationS: number; repeats: number; connections: number; pin: boolean }
/** CPU lists for taskset, or null when running unpinned. */
interface Pinning { target: string; generators: string }
interface Run { rps: number; p50: number; p99: number; cpuS: number | null; errors: number }
interface Target { name: string; url: string }
type Tool = 'caplab' | 'autocannon' | 'wrk -t1' | 'wrk -t2';
const TOOLS: Tool[] = ['caplab', 'autocannon', 'wrk -t1', 'wrk -t2'];

// ---- processes we start: tracked by PID, ended by PID ---------------------------------------

const children = new Set<ChildProcess>();
let tempDir: string | null = null;

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function killAll(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of children) {
    if (child.pid === undefined) continue;
    // wrk runs under a shell in its own process group, so the group is signalled; the rest by PID.
    try {
      process.kill(child.spawnargs[0] === 'bash' ? -child.pid : child.pid, signal);
    } catch {
      // already gone
    }
  }
}

async function cleanup(): Promise<void> {
  killAll('SIGTERM');
  const deadline = Date.now() + 3000;
  while (children.size > 0 && Date.now() < deadline) await sleep(50);
  if (children.size > 0) killAll('SIGKILL');
  if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
  tempDir = null;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\nbench-loadgen: ${sig}, stopping what it started\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- targets ---------------------------------------------------------------------------------

function findOnPath(bin: string): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) if (d && existsSync(join(d, bin))) return join(d, bin);
  return null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 5 s`);
}

/** The command line, under taskset when pinning; taskset execs it, so the PID stays the target's. */
function pinned(cpus: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [cmd, args] : ['taskset', ['-c', cpus, cmd, ...args]];
}

async function startNginx(nginx: string, dir: string, pin: Pinning | null): Promise<Target> {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`),
    `  server { listen 127.0.0.1:${port}; location / { return 200 "ok"; } }`,
    '}',
    '',
  ].join('\n'));
  // -e: nginx opens its error log before reading the config; keep even that inside the temp dir.
  const [cmd, args] = pinned(pin?.target, nginx, ['-e', join(dir, 'error.log'), '-p', dir, '-c', conf]);
  const child = track(spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] }));
  await waitForPort(port, child, 'nginx');
  return { name: 'nginx', url: `http://127.0.0.1:${port}/` };
}

const FALLBACK_ECHO = `
const http = require('node:http');
const body = Buffer.alloc(64, 'x');
const s = http.createServer((req, res) => { req.resume(); res.end(body); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', url: 'http://127.0.0.1:' + s.address().port })));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

async function startEcho(pin: Pinning | null): Promise<Target & { how: string }> {
  const main = join(ROOT, 'reference-impl', 'main.ts');
  const useComponent = existsSync(main);
  const [cmd, args] = pinned(pin?.target, process.execPath, useComponent ? ['--import', 'tsx', main, 'echo', '--port', '0'] : ['-e', FALLBACK_ECHO]);
  // stdin is a pipe we never close: if this process dies, the echo sees EOF and exits too.
  const child = track(spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, CAPLAB_EXIT_WITH_PARENT: '1' } }));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error('echo target did not print its listening line within 20 s')), 20_000);
    lines.on('line', (line) => {
      try {
        const ev = JSON.parse(line) as { event?: string; url?: string };
        if (ev.event === 'listening' && ev.url) { clearTimeout(timer); res(ev.url); }
      } catch { /* not the line we wait for */ }
    });
    child.once('exit', (code) => { clearTimeout(timer); rej(new Error(`echo target exited with code ${code}`)); });
  });
  return { name: 'echo', url: `${url.replace(/\/$/, '')}/`, how: useComponent ? 'reference-impl echo component' : 'minimal node:http child (reference-impl/main.ts not found)' };
}

// ---- the three generators ------------------------------------------------------------------

async function runCaplab(url: string, o: Options, durationS: number): Promise<Run> {
  const registry = new MetricsRegistry();
  const tags = { workload: 'bench' };
  const driver = createHttpDriver(httpRequestSchema.parse({ target: url, engine: 'fast' }), {
    recorder: registry, clock: realClock, endpoints: {}, tags, maxConcurrency: o.connections, baseDir: ROOT,
  });
  const config = constantVus.schema.parse({ executor: 'constant-vus', vus: o.connections, duration: durationS * 1000, gracefulStop: 2000 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await constantVus.run(config, { clock: realClock, driver, recorder: registry, signal: new AbortController().signal, tags });
  } finally {
    await driver.close();
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const deltas = registry.drain().deltas;
  let count = 0;
  let errors = 0;
  const hist = createHistogram();
  for (const d of deltas) {
    if (d.name === M.httpReqs) count += d.count;
    if (d.name === M.httpReqFailed) errors += d.passes;
    if (d.name !== M.httpReqDuration) continue;
    if (d.histogram) mergeInto(hist, d.histogram);
    else if (d.hdr) mergeInto(hist, decodeHistogram(d.hdr));
  }
  const s = summarize(hist, 'ms');
  return { rps: count / elapsedS, p50: s.p50, p99: s.p99, cpuS: (cpu.user + cpu.system) / 1e6, errors };
}

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function runAutocannon(url: string, o: Options, durationS: number): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const r = await autocannon({ url, connections: o.connections, pipelining: 1, duration: durationS });
  const cpu = process.cpuUsage(cpu0);
  return { rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99, cpuS: (cpu.user + cpu.system) / 1e6, errors: r.errors + r.non2xx };
}

async function runWrk(wrk: string, threads: number, url: string, o: Options, pin: Pinning | null): Promise<Run> {
  const [cmd, args] = pinned(pin?.generators, wrk, [`-t${threads}`, `-c${o.connections}`, `-d${o.durationS}s`, '--latency', url]);
  // `times` after wrk prints the CPU the shell's children used: wrk's own user and system seconds.
  const child = track(spawn('bash', ['-c', '"$@"; times', 'bash', cmd, ...args], { stdio: ['ignore', 'pipe', 'inherit'], detached: true }));
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`wrk exited with code ${code}:\n${out}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const times = [...out.matchAll(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/g)];
  const child_ = times[1];
  const cpuS = child_ ? Number(child_[1]) * 60 + Number(child_[2]) + Number(child_[3]) * 60 + Number(child_[4]) : null;
  return { rps, p50: wrkLatency(out, '50'), p99: wrkLatency(out, '99'), cpuS, errors: non2xx + (errs ? errs.slice(1).reduce((n, x) => n + Number(x), 0) : 0) };
}

/** A percentile from wrk's --latency table, in ms. */
function wrkLatency(out: string, pct: string): number {
  const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

// ---- measuring and reporting -------------------------------------------------------------------

async function measure(target: Target, o: Options, wrk: string, pin: Pinning | null): Promise<Map<Tool, Run[]>> {
  const runs = new Map<Tool, Run[]>(TOOLS.map((t) => [t, []]));
  process.stderr.write(`${target.name}: warming up caplab and autocannon (${WARMUP_S} s each, not reported)\n`);
  await runCaplab(target.url, o, WARMUP_S);
  await runAutocannon(target.url, o, WARMUP_S);
  for (let i = 0; i < o.repeats; i++) {
    for (const tool of TOOLS) {
      const r = tool === 'caplab' ? await runCaplab(target.url, o, o.durationS)
        : tool === 'autocannon' ? await runAutocannon(target.url, o, o.durationS)
        : await runWrk(wrk, tool === 'wrk -t1' ? 1 : 2, target.url, o, pin);
      runs.get(tool)!.push(r);
      process.stderr.write(`${target.name} run ${i + 1}/${o.repeats} ${tool.padEnd(10)} ${fmt(r.rps, 0).padStart(8)} req/s\n`);
    }
  }
  return runs;
}

function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summary(runs: Run[]): Run {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuS: median(runs.map((r) => r.cpuS ?? NaN)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

function fmt(x: number | null, digits: number): string {
  return x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

function printTable(target: Target, o: Options, runs: Map<Tool, Run[]>): Map<Tool, Run> {
  const medians = new Map<Tool, Run>();
  console.log(`\n${target.name} (${target.url}): ${o.connections} connections, no pipelining, ${o.durationS} s, median of ${o.repeats}`);
  console.log(`${'tool'.padEnd(12)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'cpu s'.padStart(7)}${'errors'.padStart(8)}   req/s of each run`);
  for (const tool of TOOLS) {
    const m = summary(runs.get(tool)!);
    medians.set(tool, m);
    const each = runs.get(tool)!.map((r) => fmt(r.rps, 0)).join(' ');
    console.log(`${tool.padEnd(12)}${fmt(m.rps, 0).padStart(10)}${fmt(m.p50, 3).padStart(9)}${fmt(m.p99, 3).padStart(9)}${fmt(m.cpuS, 2).padStart(7)}${String(m.errors).padStart(8)}   ${each}`);
  }
  const rounds = runs.get('caplab')!.map((c, i) => {
    const wrk = Math.max(runs.get('wrk -t1')![i]!.rps, runs.get('wrk -t2')![i]!.rps);
    return `${round2(c.rps / runs.get('autocannon')![i]!.rps)}/${round2(c.rps / wrk)}`;
  });
  console.log(`caplab ÷ autocannon / ÷ best wrk, round by round: ${rounds.join('  ')}`);
  console.log('latency: caplab from its HDR histogram (µs resolution), wrk from --latency, autocannon in whole ms (its resolution)');
  return medians;
}

function headline(m: Map<Tool, Run>): { caplab_rps: number; autocannon_rps: number; wrk_rps: number; wrk_threads: number; ratio_autocannon: number; ratio_wrk: number } {
  const caplab = m.get('caplab')!.rps;
  const ac = m.get('autocannon')!.rps;
  const t1 = m.get('wrk -t1')!.rps;
  const t2 = m.get('wrk -t2')!.rps;
  const wrk = Math.max(t1, t2);
  const r = (x: number): number => Math.round(x);
  return { caplab_rps: r(caplab), autocannon_rps: r(ac), wrk_rps: r(wrk), wrk_threads: t2 > t1 ? 2 : 1, ratio_autocannon: round2(caplab / ac), ratio_wrk: round2(caplab / wrk) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Targets on the last CPU, this process (caplab, autocannon) and wrk on the rest; null when that cannot be done. */
function pinCpus(o: Options): Pinning | null {
  const cpus = availableParallelism();
  if (!o.pin || cpus < 2 || findOnPath('taskset') === null) return null;
  const pin = { target: String(cpus - 1), generators: cpus === 2 ? '0' : `0-${cpus - 2}` };
  // -a: every thread of this process (libuv and V8 workers too), not just the main one.
  const r = spawnSync('taskset', ['-a', '-pc', pin.generators, String(process.pid)], { stdio: 'ignore' });
  return r.status === 0 ? pin : null;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { durationS: 5, repeats: 3, connections: 50, pin: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--no-pin') {
      o.pin = false;
      continue;
    }
    const value = argv[i + 1];
    const n = Number.parseFloat(value ?? '');
    if (!['--duration', '--repeats', '--connections'].includes(flag) || !(n > 0)) {
      throw new Error(`usage: bench-loadgen [--duration SECONDS] [--repeats N] [--connections N] [--no-pin] (got ${flag} ${value ?? ''})`);
    }
    if (flag === '--duration') o.durationS = Math.max(1, Math.round(n));
    if (flag === '--repeats') o.repeats = Math.round(n);
    if (flag === '--connections') o.connections = Math.round(n);
    i++;
  }
  return o;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const nginx = findOnPath('nginx');
  const wrk = findOnPath('wrk');
  if (nginx === null || wrk === null) {
    console.error(`bench-loadgen: ${[nginx === null ? 'nginx' : '', wrk === null ? 'wrk' : ''].filter(Boolean).join(' and ')} not found; run scripts/install-system-deps.sh first`);
    process.exitCode = 1;
    return;
  }
  tempDir = mkdtempSync(join(tmpdir(), 'caplab-bench-loadgen-'));
  try {
    const pin = pinCpus(o);
    const ngx = await startNginx(nginx, tempDir, pin);
    const echo = await startEcho(pin);
    console.log(`bench-loadgen: node ${process.version}, caplab fast engine under constant-vus; echo target: ${echo.how}`);
    console.log(pin ? `pinned: targets on CPU ${pin.target}, generators on CPU ${pin.generators} (--no-pin to let the scheduler place them)` : 'not pinned: the scheduler places targets and generators');
    const nginxMedians = printTable(ngx, o, await measure(ngx, o, wrk, pin));
    const echoMedians = printTable(echo, o, await measure(echo, o, wrk, pin));
    const n = headline(nginxMedians);
    const e = headline(echoMedians);
    console.log(`\nwrk figure: the better of -t1/-t2 (nginx: -t${n.wrk_threads}, echo: -t${e.wrk_threads}); goal on nginx: caplab >= 1.2x autocannon and >= 0.5x wrk`);
    console.log(JSON.stringify({
      bench: 'loadgen',
      caplab_rps: n.caplab_rps, autocannon_rps: n.autocannon_rps, wrk_rps: n.wrk_rps,
      ratio_autocannon: n.ratio_autocannon, ratio_wrk: n.ratio_wrk,
      echo: { caplab_rps: e.caplab_rps, autocannon_rps: e.autocannon_rps, wrk_rps: e.wrk_rps, ratio_autocannon: e.ratio_autocannon, ratio_wrk: e.ratio_wrk },
    }));
  } finally {
    await cleanup();
  }
}

main().catch(async (err: unknown) => {
  console.error(`bench-loadgen: ${err instanceof Error ? err.message : String(err)}`);
  await cleanup();
  process.exitCode = 1;
});
