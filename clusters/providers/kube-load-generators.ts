/**
 * `--load-generators N` on a Kubernetes cluster: per workload an Indexed Job of N generator pods
 * (kube-load-generator-job.ts), waited for until every index has a Ready pod, each then reached
 * through `kubectl port-forward pod/<name> :7070` on 127.0.0.1, so the coordinator (caplab on the
 * user's machine) dials out and nothing has to reach back into it. The generators are handed the
 * components' cluster DNS endpoints, not the port-forwarded or NodePort URLs the coordinator uses.
 * stop() ends the forwards and deletes the Job and its Secret; the namespace or cluster teardown
 * would remove them anyway.
 */
import { randomBytes } from 'node:crypto';
import type { Endpoints } from '../../harness/drivers/driver.ts';
import { CaplabError } from '../../harness/errors.ts';
import type { LaunchedGenerators, LoadGeneratorLauncher } from '../cluster.ts';
import type { BackgroundCommand } from './command-runner.ts';
import { portForward } from './kube-exposers.ts';
import { COMPLETION_INDEX_KEY, LOAD_GENERATOR_PORT, loadGeneratorObjects } from './kube-load-generator-job.ts';
import { COMPONENT_LABEL, RUN_LABEL, type KubeObject } from './kube-objects.ts';
import type { Kubectl } from './kubectl.ts';

/** Waiting reasons after which a pod will not start by itself. */
const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'CrashLoopBackOff']);

export interface KubeLoadGeneratorOptions {
  kubectl: Kubectl;
  namespace: string;
  runId: string;
  image?: string;
  /** the deployed components as pods reach them (cluster DNS), read when a workload starts */
  endpoints: () => Endpoints;
  /** how long the pods may take to be Ready (image pull, scheduling); default 180 s */
  readyTimeoutMs?: number;
  /** between pod listings; tests pass 0 */
  pollMs?: number;
}

type Pod = KubeObject & { status?: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[] } };

export class KubeLoadGeneratorLauncher implements LoadGeneratorLauncher {
  readonly where: string;
  private jobs = 0;
  private readonly live = new Set<() => Promise<void>>();

  constructor(private readonly o: KubeLoadGeneratorOptions) {
    this.where = `Indexed Job in namespace ${o.namespace}`;
  }

  async launch(count: number, workload: string, signal: AbortSignal): Promise<LaunchedGenerators> {
    const { kubectl, namespace, runId } = this.o;
    const name = `loadgen-${++this.jobs}`;
    const token = randomBytes(16).toString('hex');
    const forwards: BackgroundCommand[] = [];
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        this.live.delete(stop);
        await Promise.all(forwards.map((f) => f.stop()));
        await kubectl.tryRun(['delete', 'job', name, '-n', namespace, '--ignore-not-found', '--wait=false']);
        await kubectl.tryRun(['delete', 'secret', `${name}-token`, '-n', namespace, '--ignore-not-found', '--wait=false']);
      })();
      return stopped;
    };
    this.live.add(stop);
    try {
      await kubectl.apply(loadGeneratorObjects({ name, namespace, runId, workload, count, token, ...(this.o.image !== undefined ? { image: this.o.image } : {}) }), signal);
      const pods = await this.readyPods(name, count, signal);
      const urls: string[] = [];
      for (const pod of pods) {
        const f = await portForward(kubectl, namespace, `pod/${pod}`, 0, LOAD_GENERATOR_PORT, signal);
        forwards.push(f.command);
        urls.push(`ws://127.0.0.1:${f.port}`);
      }
      return { urls, token, endpoints: this.o.endpoints(), stop };
    } catch (err) {
      await stop();
      throw err;
    }
  }

  /** Ends every launch not yet stopped (the cluster is going down). */
  async close(): Promise<void> {
    await Promise.all([...this.live].map((stop) => stop()));
  }

  /** The pod names by completion index, once each index has a Ready pod. */
  private async readyPods(job: string, count: number, signal: AbortSignal): Promise<string[]> {
    const { kubectl, namespace, runId } = this.o;
    const timeoutMs = this.o.readyTimeoutMs ?? 180_000;
    const deadline = Date.now() + timeoutMs;
    const selector = `${RUN_LABEL}=${runId},${COMPONENT_LABEL}=${job}`;
    const describe = `kubectl -n ${namespace} describe pods -l ${selector}`;
    for (;;) {
      signal.throwIfAborted();
      const pods = (JSON.parse(await kubectl.run(['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json'], { signal })) as { items: Pod[] }).items;
      const ready = new Map<number, string>();
      const waiting: string[] = [];
      for (const p of pods) {
        const index = Number(p.metadata.annotations && (p.metadata.annotations as Record<string, string>)[COMPLETION_INDEX_KEY] || p.metadata.labels?.[COMPLETION_INDEX_KEY]);
        const stuck = p.status?.containerStatuses?.map((c) => c.state?.waiting).find((w) => w?.reason !== undefined && STUCK.has(w.reason));
        if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded' || stuck) {
          throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `load-generator pod ${p.metadata.name} of Job ${job} ${stuck ? `cannot start: ${stuck.reason}${stuck.message ? ` (${stuck.message})` : ''}` : `ended (${p.status!.phase}) before its coordinator dialled it`}`,
            { hint: stuck?.reason?.includes('Image') ? 'the cluster must have the reference image: `npm run image:build`, and for --cluster kubeconfig push it and set CAPLAB_REFERENCE_IMAGE' : `${describe} shows why` });
        }
        if (Number.isInteger(index) && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.set(index, p.metadata.name);
        else waiting.push(`${p.metadata.name} ${p.status?.phase ?? 'Pending'}`);
      }
      const byIndex = Array.from({ length: count }, (_, i) => ready.get(i));
      if (byIndex.every((name) => name !== undefined)) return byIndex as string[];
      if (Date.now() > deadline) {
        throw new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `${ready.size} of ${count} load-generator pods of Job ${job} Ready within ${timeoutMs / 1000} s${waiting.length > 0 ? ` (${waiting.join(', ')})` : ''}`,
          { hint: `${describe} shows why; each pod requests 250m CPU and 128Mi: fewer --load-generators may fit` });
      }
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 1_000));
    }
  }
}
