/**
 * Runs pods: each reference-image container becomes a child process (the local provider's
 * LocalProcess, so the same spawning, logging and reaping), every other container is simulated
 * and starts after `simulatedStartMs`. A container with an httpGet readinessProbe is Ready once
 * the probe answers 2xx (within timeoutSeconds, default 1) and until failureThreshold (default 3)
 * probes in a row fail; one without is Ready once it runs. A process that exits is
 * restarted unless restartPolicy is Never, after 1 s doubling per restart up to 60 s
 * (CrashLoopBackOff). Deleting the pod stops its processes.
 */
import { LocalProcess } from '../../providers/local-process.ts';
import { kindKeyOf, type KubeObject, type ObjectStore, type StoreChange } from '../object-store.ts';
import type { ResourceApi } from '../resource-api.ts';
import { BUILTIN_TYPES } from '../resource-registry.ts';
import { isReferenceImage, parseReferenceArgs } from './reference-image.ts';
import { podStatus, type ContainerState } from './pod-status.ts';

const PODS = BUILTIN_TYPES.find((t) => t.group === '' && t.plural === 'pods')!;
const PODS_KEY = kindKeyOf('', 'pods');
const LISTEN_TIMEOUT_MS = 30_000;
/** CrashLoopBackOff as the kubelet does it, faster: 1 s doubling per restart, at most 60 s. */
const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 60_000;

export interface PodRunnerOptions {
  /** how long a simulated container takes to start (and be Ready without a probe) */
  simulatedStartMs: number;
  log: (line: string) => void;
}

interface ContainerSpec {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  readinessProbe?: { httpGet?: { path?: string }; periodSeconds?: number; initialDelaySeconds?: number; timeoutSeconds?: number; failureThreshold?: number };
}

/** One running pod: its containers' states and what keeps them going. */
class RunningPod {
  readonly containers: ContainerState[];
  /** the first reference container's base URL, once it listens: where Services send traffic */
  url: string | undefined;
  failed: string | undefined;
  private readonly processes = new Map<string, LocalProcess>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private stopped = false;
  private lastWritten = '';
  readonly startTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  constructor(readonly namespace: string, readonly name: string, private readonly specs: ContainerSpec[],
    private readonly restart: boolean, private readonly runner: PodRunner) {
    this.containers = specs.map((s) => ({ name: s.name, image: s.image ?? '', started: false, ready: false, restartCount: 0 }));
  }

  start(): void {
    this.specs.forEach((spec, i) => {
      if (isReferenceImage(spec.image)) void this.runProcess(spec, this.containers[i]!);
      else this.later(() => { this.containers[i]!.started = true; this.containers[i]!.startedAt = now(); this.probe(spec, this.containers[i]!, undefined); }, this.runner.options.simulatedStartMs);
    });
    this.report();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new Error('pod deleted'));
    for (const t of this.timers) clearTimeout(t);
    await Promise.all([...this.processes.values()].map((p) => p.stop(5_000)));
  }

  /** The containers' processes that are running. */
  containerPids(): { container: string; pid: number }[] {
    return [...this.processes].filter(([, p]) => p.exit === undefined).map(([container, p]) => ({ container, pid: p.pid }));
  }

  /** Writes the pod's status when it has changed. */
  report(): void {
    if (this.stopped) return;
    const signature = JSON.stringify([this.containers, this.failed]);
    if (signature === this.lastWritten) return;
    this.lastWritten = signature;
    this.runner.writeStatus(this, podStatus(this.containers, this.startTime, this.failed));
  }

  private async runProcess(spec: ContainerSpec, state: ContainerState): Promise<void> {
    let command;
    try {
      command = parseReferenceArgs(spec.command, spec.args);
    } catch (err) {
      this.failed = `container ${spec.name}: ${(err as Error).message}`;
      this.report();
      return;
    }
    const label = `${this.namespace}/${this.name}/${spec.name}`;
    const proc = LocalProcess.spawn({ component: command.component, label, flags: command.flags, env: this.runner.envOf(this.namespace, spec), log: this.runner.options.log });
    this.processes.set(spec.name, proc);
    state.terminated = undefined;
    void proc.exited.then((exit) => {
      if (this.stopped) return;
      state.ready = false;
      state.started = false;
      state.terminated = { exitCode: exit.code ?? 137, reason: exit.signal ?? 'Error', finishedAt: now() };
      if (this.url === proc.url) this.url = undefined;
      this.report();
      if (this.restart) this.later(() => { state.restartCount++; void this.runProcess(spec, state); }, Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** state.restartCount));
    });
    try {
      const url = await proc.whenListening(LISTEN_TIMEOUT_MS, this.abort.signal);
      state.started = true;
      state.startedAt = now();
      if (this.url === undefined) this.url = url;
      this.report();
      this.probe(spec, state, url);
    } catch (err) {
      if (this.stopped) return;
      this.runner.options.log(`[${label}] did not start: ${(err as Error).message}`);
      await proc.stop(1_000);
    }
  }

  /** Ready now (no probe), or by polling the httpGet probe at its period. */
  private probe(spec: ContainerSpec, state: ContainerState, url: string | undefined): void {
    const httpGet = spec.readinessProbe?.httpGet;
    if (httpGet === undefined || url === undefined) {
      state.ready = true;
      this.report();
      return;
    }
    const periodMs = Math.max(100, (spec.readinessProbe!.periodSeconds ?? 10) * 1000);
    const timeoutMs = Math.max(100, (spec.readinessProbe!.timeoutSeconds ?? 1) * 1000);
    // as the kubelet: a Ready container turns unready only after failureThreshold failures in a row
    const failureThreshold = Math.max(1, spec.readinessProbe!.failureThreshold ?? 3);
    let failures = 0;
    const check = async () => {
      if (this.stopped || !state.started) return;
      let ok = false;
      try {
        const res = await fetch(new URL(httpGet.path ?? '/', url), { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        ok = res.status >= 200 && res.status < 400;
      } catch { /* not ready */ }
      if (this.stopped) return;
      failures = ok ? 0 : failures + 1;
      state.ready = state.started && (ok || (state.ready && failures < failureThreshold));
      this.report();
      this.later(check, ok ? periodMs : Math.min(periodMs, 500));
    };
    this.later(check, (spec.readinessProbe!.initialDelaySeconds ?? 0) * 1000);
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => { this.timers.delete(timer); fn(); }, ms);
    this.timers.add(timer);
  }
}

export class PodRunner {
  private readonly pods = new Map<string, RunningPod>();
  private unsubscribe: () => void = () => {};

  constructor(private readonly store: ObjectStore, private readonly api: ResourceApi, readonly options: PodRunnerOptions) {}

  /** Runs the pods already stored and every pod created from now on. */
  start(): void {
    this.unsubscribe = this.store.subscribe((change) => this.onChange(change));
    for (const pod of this.store.list(PODS_KEY)) this.admit(pod);
  }

  /** Stops every pod's processes. */
  async stop(): Promise<void> {
    this.unsubscribe();
    const pods = [...this.pods.values()];
    this.pods.clear();
    await Promise.all(pods.map((p) => p.stop()));
  }

  /** Ready pods' URLs among those matching `matches`, for the Service proxy. */
  readyEndpoints(namespace: string, matches: (labels: Record<string, string>) => boolean): string[] {
    const urls: string[] = [];
    // runs for every proxied connection: look at the stored pods without copying them
    this.store.filter(PODS_KEY, (pod) => {
      if (pod.metadata.namespace !== namespace) return false;
      const running = this.pods.get(podKey(pod));
      if (running?.url !== undefined && running.containers.every((c) => c.ready) && matches(pod.metadata.labels ?? {})) urls.push(running.url);
      return false;
    });
    return urls;
  }

  /** Every running pod's container processes, for the metrics collector. */
  podProcesses(): { namespace: string; name: string; containers: { container: string; pid: number }[] }[] {
    return [...this.pods.values()].map((p) => ({ namespace: p.namespace, name: p.name, containers: p.containerPids() }));
  }

  /** The container's env, with secretKeyRef / configMapKeyRef values read from the store (missing keys are left out). */
  envOf(namespace: string, spec: ContainerSpec): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of spec.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      const secret = e.valueFrom?.secretKeyRef;
      const configMap = e.valueFrom?.configMapKeyRef;
      if (secret) {
        const s = this.store.get(kindKeyOf('', 'secrets'), namespace, secret.name);
        const data = (s?.data as Record<string, string> | undefined)?.[secret.key];
        const plain = (s?.stringData as Record<string, string> | undefined)?.[secret.key];
        if (data !== undefined) env[e.name] = Buffer.from(data, 'base64').toString('utf8');
        else if (plain !== undefined) env[e.name] = plain;
      } else if (configMap) {
        const value = (this.store.get(kindKeyOf('', 'configmaps'), namespace, configMap.name)?.data as Record<string, string> | undefined)?.[configMap.key];
        if (value !== undefined) env[e.name] = value;
      }
    }
    return env;
  }

  writeStatus(pod: RunningPod, status: Record<string, unknown>): void {
    try {
      this.api.patch(PODS, pod.namespace, pod.name, 'merge', { status }, 'status');
    } catch { /* the pod is gone; its deletion stops it */ }
  }

  private onChange(change: StoreChange): void {
    if (change.kindKey !== PODS_KEY) return;
    if (change.type === 'ADDED') this.admit(change.object);
    else if (change.type === 'DELETED' || change.object.metadata.deletionTimestamp !== undefined) {
      const running = this.pods.get(podKey(change.object));
      if (running === undefined) return;
      this.pods.delete(podKey(change.object));
      void running.stop().then(() => {
        // a pod held by finalizers is done once its containers have stopped
        if (change.type !== 'DELETED') this.writeStatus(running, { phase: 'Succeeded' });
      });
    }
  }

  private admit(pod: KubeObject): void {
    const key = podKey(pod);
    if (this.pods.has(key) || pod.metadata.deletionTimestamp !== undefined) return;
    const spec = (pod.spec ?? {}) as { containers?: ContainerSpec[]; restartPolicy?: string };
    const running = new RunningPod(pod.metadata.namespace ?? 'default', pod.metadata.name!, spec.containers ?? [], spec.restartPolicy !== 'Never', this);
    this.pods.set(key, running);
    // after the write that created it, so its first status is a separate change
    setImmediate(() => { if (this.pods.get(key) === running) running.start(); });
  }
}

function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
