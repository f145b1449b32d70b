/**
 * `caplab run --load-generators N`: a workload spread over N load-generator processes instead of
 * worker threads. Each process runs shard i of N with the code a worker thread runs and speaks the
 * same messages (workload-messages.ts) over IPC, so the coordinator drains and merges their encoded
 * HDR snapshots exactly as it does a thread's. A workload's `workers: M` then counts threads per
 * process (N x M shards in all). The same protocol is what an Indexed Job would speak
 * (docs/architecture.md); here the processes are local children.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { reapOnExit } from '../../clusters/providers/child-reaper.ts';
import { CaplabError } from '../errors.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import type { Snapshot } from '../metrics/registry.ts';
import type { ToLoadGenerator } from './load-generator-process.ts';
import { combinedOutcome, DrainWaiters } from './shard-coordination.ts';
import type { FromWorker, WorkerInit } from './workload-messages.ts';
import type { WorkloadHandle, WorkloadStart } from './workload-runner.ts';

const TSX_LOADER = import.meta.resolve('tsx');
const ENTRY = fileURLToPath(new URL('./load-generator-process.ts', import.meta.url));
/** how long a process that said `done` may take to close its sockets and exit before SIGKILL */
const EXIT_GRACE_MS = 5000;
/** more processes than this on one machine measure the scheduler, not the system */
export const MAX_LOAD_GENERATORS = 64;

/** Whether a workload runs in load-generator processes: capacity-sweep steps are judged in the coordinator, so it stays there. */
export function usesLoadGenerators(s: Pick<WorkloadStart, 'workload' | 'loadGenerators'>): boolean {
  return (s.loadGenerators ?? 0) > 0 && s.workload.executor !== 'capacity-sweep';
}

/** Refuses a --load-generators value it cannot run, before anything is started. */
export function checkLoadGenerators(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_LOAD_GENERATORS) {
    throw new CaplabError('CAPLAB_ERR_USAGE', `--load-generators ${n} is not a whole number from 1 to ${MAX_LOAD_GENERATORS}`, { hint: 'use e.g. --load-generators 3' });
  }
}

/** Starts s.loadGenerators processes, each with its shard of the workload. */
export function startInProcesses(s: WorkloadStart, tags: Record<string, string>): WorkloadHandle {
  const count = s.loadGenerators!;
  try {
    checkLoadGenerators(count);
  } catch (err) {
    // runScenario called without the CLI's check: fail this workload through `done`, start nothing.
    const done = Promise.reject(err as Error);
    done.catch(() => {});
    return { name: s.name, ready: Promise.resolve(), go: () => {}, drain: async () => [], vus: () => 0, done };
  }
  const pending: Snapshot[] = [];
  const vusOf = new Array<number>(count).fill(0);
  const alive = new Array<boolean>(count).fill(true);
  const waiters = new DrainWaiters();
  let seq = 0;
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  const readies: Promise<void>[] = [];
  const outcomes: Promise<ExecutorOutcome>[] = [];
  const send = (c: ChildProcess, m: ToLoadGenerator): void => {
    if (c.connected) c.send(m, (err) => { if (err) { /* the exit handler reports a dead child */ } });
  };

  for (let i = 0; i < count; i++) {
    const init: WorkerInit = { name: s.name, workload: s.workload, shardIndex: i, shardCount: count, endpoints: s.endpoints, tags, baseDir: s.baseDir, warmupMs: s.warmupMs, datasets: s.datasets ?? {}, seed: s.seed ?? 1 };
    const c = fork(ENTRY, [], { execArgv: ['--import', TSX_LOADER], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(c);
    const unreap = c.pid !== undefined ? reapOnExit(c.pid) : () => {};
    exits.push(new Promise<void>((r) => c.once('exit', () => { unreap(); r(); })));
    let readyResolve!: () => void;
    readies.push(new Promise<void>((r) => { readyResolve = r; }));
    outcomes.push(new Promise<ExecutorOutcome>((resolve, reject) => {
      const fail = (msg: string, cause?: unknown): void => {
        readyResolve();
        reject(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${s.name} load generator ${i} (pid ${c.pid}): ${msg}`, cause ? { cause } : undefined));
      };
      c.on('message', (m: FromWorker) => {
        if (m.type === 'ready') readyResolve();
        else if (m.type === 'snapshot') {
          pending.push(m.snapshot);
          vusOf[i] = m.vus;
          waiters.answered(i, m.seq);
        } else if (m.type === 'done') {
          pending.push(m.snapshot);
          vusOf[i] = 0;
          alive[i] = false;
          resolve(m.outcome);
        } else fail(m.message);
      });
      c.on('error', (err) => fail(err.message, err));
      c.on('exit', (code, signal) => {
        alive[i] = false;
        // After `done` the promise is settled and this is a no-op.
        fail(signal ? `killed by ${signal}` : `exited with code ${code} before it was done`);
      });
    }));
    send(c, { type: 'init', init });
  }
  const done = combinedOutcome(outcomes, s.signal, () => { for (const c of children) send(c, { type: 'stop' }); }, () => stopAll(children, exits));

  const drain = async (): Promise<Snapshot[]> => {
    const mySeq = ++seq;
    await waiters.drainAll(mySeq, children.length, (i) => alive[i]! && children[i]!.connected, (i) => send(children[i]!, { type: 'drain', seq: mySeq }));
    return pending.splice(0);
  };
  return {
    name: s.name,
    ready: Promise.all(readies).then(() => {}),
    go: () => { for (const c of children) send(c, { type: 'go' }); },
    drain,
    vus: () => vusOf.reduce((a, b) => a + b, 0),
    done,
  };
}

/** Waits for every process to exit on its own (it does after `done`), SIGKILLing stragglers after the grace period. */
async function stopAll(children: ChildProcess[], exits: Promise<void>[]): Promise<void> {
  for (const c of children) if (c.connected) c.disconnect();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((r) => { timer = setTimeout(r, EXIT_GRACE_MS); });
  await Promise.race([Promise.all(exits), grace]);
  clearTimeout(timer);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(exits);
}
