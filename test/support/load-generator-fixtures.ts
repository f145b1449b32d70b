/** What the load-generator tests start: a target with a fixed delay, generator processes as a Job's pods run them, a workload run to its end. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import type { ExecutorOutcome } from '../../harness/executors/executor.ts';
import { MetricsAggregate } from '../../harness/metrics/aggregate.ts';
import { LOAD_GENERATOR_ENTRY } from '../../harness/run/load-generator-local.ts';
import type { Workload } from '../../harness/plan/scenario-schema.ts';
import type { WorkloadHandle } from '../../harness/run/workload-runner.ts';
import { childrenRunning } from './child-processes.ts';
import { planFrom } from './scenario-text.ts';

const TSX = import.meta.resolve('tsx');

/** An HTTP server in this process answering every request after `delayMs`. */
export async function startDelayedTarget(delayMs: number): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => { req.resume(); setTimeout(() => res.end('ok'), delayMs); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => { server.closeAllConnections(); server.close(); },
  };
}

export interface StartedGenerator { child: ChildProcess; url: string; port: number; exit: Promise<number | null>; stderr: string[] }

/** Starts `load-generator-process.ts --listen 127.0.0.1:0 ...args` and waits for its listening line. */
export async function startGenerator(args: string[], env: Record<string, string>): Promise<StartedGenerator> {
  const child = spawn(process.execPath, ['--import', TSX, LOAD_GENERATOR_ENTRY, '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = JSON.parse(l) as { event: string; url: string };
      if (m.event === 'listening') resolve(m.url);
    });
    void exit.then((code) => reject(new Error(`generator exited ${code} before listening: ${stderr.join(' | ')}`)));
  });
  return { child, url, port: Number(new URL(url).port), exit, stderr };
}

/** Warms the workload up, runs it, and merges every snapshot it sent, as the run's tick loop would. */
export async function runToEnd(h: WorkloadHandle): Promise<{ outcome: ExecutorOutcome; aggregate: MetricsAggregate }> {
  await h.ready;
  h.go();
  const outcome = await h.done;
  const aggregate = new MetricsAggregate();
  for (const s of await h.drain()) aggregate.ingest(s);
  aggregate.closeWindow(1);
  return { outcome, aggregate };
}

/** Mocha hooks for a suite: a target answering after `delayMs` (its url filled in before the tests), and no generator process left after them. */
export function withDelayedTarget(delayMs: number): { url: string } {
  const target = { url: '' };
  let close = (): void => {};
  before(async () => {
    const t = await startDelayedTarget(delayMs);
    target.url = t.url;
    close = t.close;
  });
  after(() => {
    close();
    assert.deepEqual(childrenRunning('load-generator-process.ts'), [], 'no generator process is left behind');
  });
  return target;
}

/**
 * The workload the load-generator tests shard: 100/s for `duration` (200 iterations in 2 s) against
 * `target`, a URL or the name of a url: component `echo` at `echoUrl`.
 */
export function shardedWorkload(target: string, options: { duration?: string; echoUrl?: string } = {}): Workload {
  return planFrom(`name: sharded
warmup: 0s
${options.echoUrl ? `components:\n  echo: { url: "${options.echoUrl}" }\n` : ''}workloads:
  w:
    executor: constant-arrival-rate
    rate: 100/s
    duration: ${options.duration ?? '2s'}
    preAllocatedVUs: 10
    maxVUs: 40
    http: { target: "${target}", checks: [{ status: 200 }] }
`).workloads.w!;
}
