/**
 * `caplab run --load-generators N`: a workload spread over N load-generator processes instead of
 * worker threads. A launcher starts them (local processes by default, an Indexed Job on a
 * Kubernetes cluster: Cluster.loadGenerators) and says where each listens; the coordinator dials
 * each over a WebSocket (load-generator-link.ts), sends `init` with shard i of N, then go / drain
 * / stop, and feeds their replies (the worker-thread messages) to a ShardSet, so their encoded HDR
 * snapshots are drained and merged exactly as a thread's. A workload's `workers: M` then counts
 * threads per process (N x M shards in all).
 */
import type { LaunchedGenerators, LoadGeneratorLauncher } from '../../clusters/cluster.ts';
import { CaplabError } from '../errors.ts';
import { dialGenerator, type GeneratorLink } from './load-generator-link.ts';
import { localLauncher } from './load-generator-local.ts';
import { ProtocolError, type ToLoadGenerator } from './load-generator-protocol.ts';
import { combinedOutcome, ShardSet } from './shard-coordination.ts';
import type { WorkerInit } from './workload-messages.ts';
import type { WorkloadHandle, WorkloadStart } from './workload-runner.ts';

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

/** Starts s.loadGenerators generators through s.generatorLauncher (default: local processes), each with its shard. */
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
  const launcher: LoadGeneratorLauncher = s.generatorLauncher ?? localLauncher;
  const shards = new ShardSet(count);
  const events = Array.from({ length: count }, (_, i) => shards.add(i, `${s.name} load generator ${i} (${launcher.where})`));
  const links: (GeneratorLink | null)[] = new Array<GeneratorLink | null>(count).fill(null);
  const send = (i: number, m: ToLoadGenerator): void => links[i]?.send(m);
  let go = false;
  let launched: LaunchedGenerators | null = null;

  const setup = (async () => {
    launched = await launcher.launch(count, s.name, s.signal);
    const g = launched;
    await Promise.all(g.urls.map(async (url, i) => {
      const link = await dialGenerator(url, g.token, s.signal);
      links[i] = link;
      link.listen((m) => events[i]!.message(m), (reason) => {
        events[i]!.gone();
        // After `done` the shard is settled and this is a no-op.
        events[i]!.fail(reason instanceof ProtocolError ? reason.detail : reason ? reason.message : 'closed the connection before it was done', reason ?? undefined);
      });
      const init: WorkerInit = { name: s.name, workload: s.workload, shardIndex: i, shardCount: count, endpoints: { ...s.endpoints, ...g.endpoints }, tags, baseDir: s.baseDir, warmupMs: s.warmupMs, datasets: s.datasets ?? {}, seed: s.seed ?? 1 };
      link.send({ type: 'init', init });
      // Dialled after the run was stopped: the shard ends at once (stop before go) and says done.
      if (s.signal.aborted) link.send({ type: 'stop' });
      else if (go) link.send({ type: 'go' });
    }));
  })();
  setup.catch((err: Error) => { for (const e of events) e.fail(err.message, err); });

  const stop = (): void => { for (let i = 0; i < count; i++) send(i, { type: 'stop' }); };
  const release = async (): Promise<void> => {
    await setup.catch(() => {});
    for (const l of links) l?.close();
    await (launched as LaunchedGenerators | null)?.stop();
  };
  return {
    name: s.name,
    ready: shards.ready(),
    go: () => {
      go = true;
      for (let i = 0; i < count; i++) send(i, { type: 'go' });
    },
    drain: () => shards.drain((i, seq) => send(i, { type: 'drain', seq }), (i) => links[i]?.open === true),
    vus: () => shards.vus(),
    done: combinedOutcome(shards.outcomes, s.signal, stop, release),
  };
}
