/**
 * npm run bench:realtime [-- --connections 100000 --instances 6 --generators 6 --hold 10 --heartbeat 30]
 *
 * How many idle WebSocket connections the realtime service (reference-impl/realtime) holds on this
 * machine with the load generator beside it, and what each costs the server. A process here may
 * open at most 20,000 files (a hard limit), so the connections are spread over `instances`
 * realtime processes (fanning out through one redis-server, as in production) and `generators`
 * client processes (scripts/realtime-bench-client.ts), each under the limit and bound to its own
 * 127.0.0.x source address (~28k ephemeral ports each). Measured: connect time (handshake,
 * p50/p95/p99 over every connection), connections held after `hold` seconds, and server memory
 * per connection: each instance's RSS once everything is held minus its RSS before the first
 * connection, divided by the connections it holds (instances run with --max-semi-space-size=1,
 * so RSS follows what is kept). Compared with seed 004's table (100k on 10 instances of 6 GB). The
 * harness is not used: this measures the service, not caplab. Every child is stopped by PID, also
 * on SIGINT. Ends with one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WsClient } from '../harness/drivers/ws-client.ts';
import { allocationCost } from '../reports/cost/allocation-cost.ts';
import { HOURS_PER_MONTH } from '../reports/cost/cost-summary.ts';
import { DEFAULT_PRICING, loadPricingProfile } from '../reports/cost/pricing-profile.ts';
import { startRedisProcess, type RedisProcess } from '../reference-impl/realtime/redis-process.ts';
import { positiveOption, stopChild } from './bench-support.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = path.join(ROOT, 'reference-impl/main.ts');
const CLIENT = path.join(ROOT, 'scripts/realtime-bench-client.ts');
/** per process, a little under the 20,000-file limit (listening socket, pipes, Redis links, node's own) */
const MAX_PER_PROCESS = 19_000;

const children = new Set<ChildProcess>();
let redis: RedisProcess | undefined;
const say = (line: string) => process.stdout.write(`${line}\n`);
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Spawns a tracked child with its stdin piped (closing it stops the child) and resolves its first JSON line of `event`. */
function spawnJson(args: string[], env: NodeJS.ProcessEnv, event: string): { child: ChildProcess; first: Promise<Record<string, unknown>>; lines: AsyncIterable<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env, stdio: ['pipe', 'pipe', 'inherit'], cwd: ROOT });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = createInterface({ input: child.stdout! });
  const first = new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const j = JSON.parse(line) as Record<string, unknown>;
        if (j['event'] === event) resolve(j);
      } catch { /* not ours */ }
    });
    child.once('exit', (code) => reject(new Error(`${path.basename(args[0]!)} exited (code ${code}) before ${event}`)));
  });
  return { child, first, lines };
}

async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
  await redis?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { void stopAll().then(() => process.exit(130)); });

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const connections = positiveOption(argv, 'connections', 100_000);
  const instances = positiveOption(argv, 'instances', Math.max(1, Math.ceil(connections / 17_000)));
  const generators = positiveOption(argv, 'generators', Math.max(1, Math.ceil(connections / 17_000)));
  const holdS = positiveOption(argv, 'hold', 10);
  const heartbeatS = positiveOption(argv, 'heartbeat', 30);
  const perInstance = Math.ceil(connections / instances);
  const perGenerator = Math.ceil(connections / generators);
  if (perInstance > MAX_PER_PROCESS || perGenerator > MAX_PER_PROCESS) {
    throw new Error(`${perInstance} connections per instance and ${perGenerator} per generator: each must stay under ${MAX_PER_PROCESS} (this machine's 20,000-file limit per process); raise --instances / --generators`);
  }
  say(`bench:realtime: ${connections} connections over ${instances} realtime instances (+ redis-server) and ${generators} generator processes, held ${holdS} s`);

  redis = await startRedisProcess();
  const env = { ...process.env, NODE_OPTIONS: '--max-semi-space-size=1', LOG_LEVEL: 'warn', CAPLAB_EXIT_WITH_PARENT: '1' };
  const servers = await Promise.all(Array.from({ length: instances }, async () => {
    const s = spawnJson([MAIN, 'realtime', '--port', '0', '--redis', redis!.url, '--max-connections', String(perInstance + 100), '--heartbeat', `${heartbeatS}s`], env, 'listening');
    const url = (await s.first)['url'] as string;
    return { url, pid: s.child.pid! };
  }));
  await sleep(3_000); // start-up garbage settles before the baseline
  const rssBefore = servers.map((s) => rssBytes(s.pid));
  const cpuBefore = servers.map((s) => cpuTicks(s.pid));
  const urls = servers.map((s) => `${s.url.replace(/^http/, 'ws')}/ws?token=caplab-dev`);

  const started = performance.now();
  const gens = Array.from({ length: generators }, (_, g) => {
    const count = Math.min(perGenerator, connections - g * perGenerator);
    // each generator starts at a different instance, so the instances fill evenly
    const order = urls.map((_, i) => urls[(i + g) % urls.length]!);
    return spawnJson([CLIENT, JSON.stringify({ urls: order, count, source: `127.0.0.${11 + g}`, inFlight: 100 })], { ...process.env, NODE_OPTIONS: '--max-semi-space-size=8' }, 'held');
  });
  const reports = await Promise.all(gens.map((g) => g.first));
  const connectS = (performance.now() - started) / 1000;
  const held = reports.reduce((n, r) => n + (r['held'] as number), 0);
  const failed: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r['failed'] as Record<string, number>)) failed[k] = (failed[k] ?? 0) + v;
  const times = reports.flatMap((r) => r['connectMs'] as number[]).sort((a, b) => a - b);
  say(`connected ${held} of ${connections} in ${round(connectS)} s${Object.keys(failed).length ? `; failed: ${JSON.stringify(failed)}` : ''}`);

  const cpuHoldStart = servers.map((s) => cpuTicks(s.pid));
  await sleep(holdS * 1_000);
  const cpuHoldEnd = servers.map((s) => cpuTicks(s.pid));
  const pings = await pingEach(urls, 50);
  const pages = await Promise.all(servers.map(async (s) => (await fetch(`${s.url}/metrics`)).text()));
  const active = pages.map((text) => Number(/^realtime_connections_active (\d+)/m.exec(text)?.[1] ?? NaN));
  // why connections that were accepted are gone (heartbeat-timeout: a client too starved to answer a ping in --heartbeat)
  const closedBy: Record<string, number> = {};
  for (const text of pages) for (const m of text.matchAll(/^realtime_connections_closed_total\{cause="([^"]+)"\} (\d+)/gm)) if (Number(m[2]) > 0) closedBy[m[1]!] = (closedBy[m[1]!] ?? 0) + Number(m[2]);
  const rssAfter = servers.map((s) => rssBytes(s.pid));
  const cpuAfter = servers.map((s) => cpuTicks(s.pid));
  const stillHeld = active.reduce((a, b) => a + b, 0);
  const perConnKb = servers.map((_, i) => (rssAfter[i]! - rssBefore[i]!) / Math.max(1, active[i]!) / 1024);
  const rssPerConnKb = round(perConnKb.reduce((a, b) => a + b, 0) / perConnKb.length, 2);
  const cpuIdlePct = servers.map((_, i) => ((cpuAfter[i]! - cpuBefore[i]!) / 100 / (connectS + holdS)) * 100);

  say('');
  say('instance  connections  RSS before MiB  RSS held MiB  KiB per connection  CPU avg % (connect + hold)');
  servers.forEach((_, i) => say(`${String(i + 1).padEnd(9)} ${String(active[i]).padStart(11)}  ${round(rssBefore[i]! / 2 ** 20).toString().padStart(14)}  ${round(rssAfter[i]! / 2 ** 20).toString().padStart(12)}  ${round(perConnKb[i]!, 2).toString().padStart(18)}  ${round(cpuIdlePct[i]!).toString().padStart(10)}`));
  say('');
  if (Object.keys(closedBy).length > 0) say(`connections the servers closed, by cause: ${JSON.stringify(closedBy)}`);
  say(`held after ${holdS} s: ${stillHeld} of ${connections}; connect p50 ${round(percentile(times, 50))} ms, p95 ${round(percentile(times, 95))} ms, p99 ${round(percentile(times, 99))} ms`);
  say(`server memory per connection: ${rssPerConnKb} KiB (seed 002's budget: 10 KB); one instance at ${perInstance} connections: ${round(rssAfter.reduce((a, b) => a + b, 0) / servers.length / 2 ** 20)} MiB RSS`);
  const at100k = (rssPerConnKb * 100_000) / 1024;
  say(`seed 004 Stage 4: 100k connections on 10 instances of 6 GB (~60 GB); here ${stillHeld} held on ${instances} instances on one 2-core box, ${round(rssAfter.reduce((a, b) => a + b, 0) / 2 ** 20)} MiB RSS in all; at this rate 100k cost ~${round(at100k)} MiB of server memory plus each instance's ~${round(rssBefore.reduce((a, b) => a + b, 0) / servers.length / 2 ** 20)} MiB base`);
  // seed 004's table: this run's row (usage priced as if requested, no headroom) beside the seed's Stage 4 row
  const profile = loadPricingProfile(DEFAULT_PRICING);
  const cpuHoldCores = servers.map((_, i) => (cpuHoldEnd[i]! - cpuHoldStart[i]!) / 100 / holdS);
  const monthly = servers.reduce((sum, _, i) => sum + allocationCost({ cpuCores: cpuHoldCores[i]!, memoryBytes: rssAfter[i]! }, {}, HOURS_PER_MONTH, profile.rates).total, 0);
  const meanCpuPct = (cpuHoldCores.reduce((a, b) => a + b, 0) / servers.length) * 100;
  const meanRssMiB = rssAfter.reduce((a, b) => a + b, 0) / servers.length / 2 ** 20;
  say('');
  say('| Connections | Instances | CPU/Instance | Memory/Instance | Latency (ping p50) | Cost/mo | Cost/connection/mo |');
  say('|---|---|---|---|---|---|---|');
  say(`| ${stillHeld} (measured) | ${instances} | ${round(meanCpuPct, 2)}% | ${round(meanRssMiB)} MiB | ${round(percentile(pings, 50), 2)} ms | $${round(monthly, 2)} (${profile.name}, usage) | $${(monthly / Math.max(1, stillHeld)).toFixed(6)} |`);
  say('| 100k (seed 004) | 10 | 70% | 6GB | 20ms | $1,500 | $0.015 |');
  say(`held connections idle (heartbeat only); CPU over the ${holdS} s hold; ping p50/p95 ${round(percentile(pings, 50), 2)}/${round(percentile(pings, 95), 2)} ms over ${pings.length} round trips on one extra connection per instance; cost = OpenCost's allocation formula on the measured usage (a deployment requests more: see caplab size)`);
  say(JSON.stringify({ bench: 'realtime', connections: stillHeld, rss_per_conn_kb: rssPerConnKb, connect_p95_ms: round(percentile(times, 95), 2) }));
}

/** `count` sequential ping round trips on one new connection per URL, in ms. */
async function pingEach(urls: string[], count: number): Promise<number[]> {
  const out: number[] = [];
  for (const url of urls) {
    const c = await WsClient.open({ url, timeoutMs: 30_000 });
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await c.request({ type: 'ping' }, 30_000);
      out.push(performance.now() - t0);
    }
    await c.close();
  }
  return out.sort((a, b) => a - b);
}

main().then(stopAll, async (err: unknown) => {
  process.stderr.write(`bench:realtime failed: ${err instanceof Error ? err.message : String(err)}\n`);
  await stopAll();
  process.exitCode = 1;
});
