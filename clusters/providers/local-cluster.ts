/**
 * The local cluster: reference components as child processes on 127.0.0.1, external targets
 * checked and passed through. Everything it starts is stopped by `down()` (SIGTERM, then SIGKILL
 * after 5 s), which also runs on `await using`, and by the exit hook if caplab dies first.
 */
import type { Endpoints } from '../../harness/drivers/driver.ts';
import { CaplabError } from '../../harness/errors.ts';
import type { Cluster, ClusterSpec, ComponentSpec, FaultSpec, ResourceSampler } from '../cluster.ts';
import { componentRefs, deployOrder, refCycle, resolveAll } from '../component-refs.ts';
import { Ready } from '../readiness.ts';
import { LocalProcess } from './local-process.ts';
import { LocalResourceSampler } from './local-resource-sampler.ts';
import { ListenerInterposer } from './listener-interposer.ts';
import { checkTargetUrl } from './loopback.ts';

/** How long a replica may take to drain after SIGTERM before it is SIGKILLed. */
const STOP_GRACE_MS = 5_000;
/**
 * A restarted replica binds its old port again. Another socket may have taken it meanwhile (an
 * outgoing connection's ephemeral port), so a replica that exits before listening is retried.
 */
const RESTART_ATTEMPTS = 5;
const RESTART_RETRY_MS = 200;
/** After SIGHUP, how long the replica must stay up to count as having handled it. */
const SIGHUP_SURVIVE_MS = 200;

export class LocalCluster implements Cluster {
  readonly provider = 'local';
  private readonly spec: ClusterSpec;
  private readonly signal: AbortSignal;
  /** aborted by down(), so a deploy still starting stops waiting */
  private readonly lifetime = new AbortController();
  /** every process ever spawned, listening or not, so down() misses none */
  private readonly spawned = new Set<LocalProcess>();
  private readonly replicas = new Map<string, LocalProcess[]>();
  /** each reference component's spec with references resolved, to start a replica again */
  private readonly started = new Map<string, ComponentSpec>();
  private readonly endpoints: Record<string, string> = {};
  /** fault interposers in front of replicas of components with `interpose`, by component name */
  private readonly interposers = new Map<string, ListenerInterposer[]>();
  private readonly resourceSampler = new LocalResourceSampler(() => this.replicas);
  private downPromise: Promise<void> | undefined;

  constructor(spec: ClusterSpec, signal: AbortSignal) {
    this.spec = spec;
    this.signal = signal;
  }

  async deploy(components: ComponentSpec[]): Promise<Endpoints> {
    if (this.downPromise) throw new CaplabError('CAPLAB_ERR_INTERNAL', 'deploy() called on a local cluster that is down');
    this.signal.throwIfAborted();
    this.validate(components);

    const signal = AbortSignal.any([this.signal, this.lifetime.signal]);
    const startedHere: LocalProcess[] = [];
    const byName = new Map(components.map((c) => [c.name, c]));
    try {
      // Referenced components first: a `{{endpoint NAME}}` needs NAME's port, known once it listens.
      // Each wave's members are independent, so they start together as before.
      for (const wave of deployOrder(dependencies(components))) {
        const specs = wave.map((name) => byName.get(name)!);
        const urls = await Promise.all(specs.map((c) => c.url !== undefined
          ? Promise.resolve(c.url)
          : this.startComponent(this.withRefsResolved(c), signal, startedHere)));
        specs.forEach((c, i) => { this.endpoints[c.name] = urls[i]!; });
      }
      return { ...this.endpoints };
    } catch (err) {
      // Stop every replica of this deploy, including those still starting when a sibling failed.
      await Promise.all(startedHere.map((p) => p.stop(STOP_GRACE_MS)));
      for (const c of components) {
        this.replicas.delete(c.name);
        this.started.delete(c.name);
        // a failed deploy leaves nothing of itself behind, endpoints of its earlier waves included
        delete this.endpoints[c.name];
      }
      throw signal.aborted ? signal.reason : err;
    }
  }

  /** One sampler for the cluster's life, so each sample's CPU is measured since the previous one. */
  sampler(): ResourceSampler {
    return this.resourceSampler;
  }

  async inject(fault: FaultSpec, signal?: AbortSignal): Promise<void> {
    const c = this.started.get(fault.component);
    const procs = this.replicas.get(fault.component);
    if (!c || !procs) {
      throw new CaplabError('CAPLAB_ERR_USAGE', `fault ${fault.action}: no reference component named '${fault.component}' is deployed`,
        { hint: `faults can target: ${[...this.started.keys()].join(', ') || 'nothing (no reference component is deployed)'}` });
    }
    const p = procs[fault.replica];
    if (!p) throw new CaplabError('CAPLAB_ERR_USAGE', `fault ${fault.action}: ${fault.component} has ${procs.length} replica(s), so there is no replica ${fault.replica} (replicas count from 0)`);
    if (p.exit) throw new CaplabError('CAPLAB_ERR_USAGE', `fault ${fault.action}: ${p.label} is not running (${describe(p)}), so there is nothing to ${fault.action}`);
    if (fault.action === 'kill') return p.kill();
    if (fault.action === 'drain') return p.stop(STOP_GRACE_MS);
    if (fault.action === 'sighup') return this.sighup(p);
    if (fault.action === 'delay' || fault.action === 'blackhole') return this.onListener(fault, signal);

    const port = Number(new URL(p.url!).port);
    if (fault.graceful) await p.stop(STOP_GRACE_MS);
    else await p.kill();
    const cut = AbortSignal.any([this.signal, this.lifetime.signal, ...(signal ? [signal] : [])]);
    await abortableDelay(fault.downForMs, cut);
    procs[fault.replica] = await this.startAgain(c, fault.replica, port, cut);
  }

  down(): Promise<void> {
    this.downPromise ??= (async () => {
      this.lifetime.abort(new CaplabError('CAPLAB_ERR_INTERNAL', 'the local cluster was taken down during deploy'));
      await Promise.all([...this.spawned].map((p) => p.stop(STOP_GRACE_MS)));
      await Promise.all([...this.interposers.values()].flat().map((i) => i.close()));
    })();
    return this.downPromise;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.down();
  }

  /** Sends SIGHUP and checks the replica is still running a moment later (Node's default would kill it). */
  private async sighup(p: LocalProcess): Promise<void> {
    try { process.kill(p.pid, 'SIGHUP'); } catch { /* exited meanwhile: reported below */ }
    await Promise.race([p.exited, new Promise((resolve) => setTimeout(resolve, SIGHUP_SURVIVE_MS))]);
    if (p.exit) throw new CaplabError('CAPLAB_ERR_USAGE', `fault sighup: ${p.label} exited on SIGHUP (${describe(p)}): it does not handle the signal`, { hint: 'use sighup only on components that reload on it (proxy)' });
  }

  /** delay / blackhole on a replica's listener for `durationMs`; resolves once lifted (or cut short). */
  private async onListener(fault: FaultSpec, signal?: AbortSignal): Promise<void> {
    const interposer = this.interposers.get(fault.component)?.[fault.replica];
    if (!interposer) {
      throw new CaplabError('CAPLAB_ERR_USAGE', `fault ${fault.action}: ${fault.component} has no interposer in front of its listener`,
        { hint: 'the scenario loader asks for one when a scenario lists a delay or blackhole fault on the component; deploy it with interpose: true' });
    }
    if (fault.action === 'delay') interposer.delay(fault.latencyMs ?? 0); else interposer.blackhole();
    const cut = AbortSignal.any([this.signal, this.lifetime.signal, ...(signal ? [signal] : [])]);
    try {
      await abortableDelay(fault.durationMs ?? 0, cut);
    } finally {
      interposer.lift();
    }
  }

  /**
   * Starts replica `index` of `c` again on `port` and waits until it is ready. The new process is
   * registered before any await, so a down() that runs meanwhile stops it too.
   */
  private async startAgain(c: ComponentSpec, index: number, port: number, signal: AbortSignal): Promise<LocalProcess> {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      if (this.downPromise) throw new CaplabError('CAPLAB_ERR_INTERNAL', 'the local cluster was taken down during a restart');
      const p = LocalProcess.spawn({
        component: c.component!,
        label: c.replicas === 1 ? c.name : `${c.name}#${index + 1}`,
        flags: c.flags,
        env: c.env,
        log: this.spec.log,
        port,
      });
      this.spawned.add(p);
      try {
        await this.waitReady(p, c.readiness.path, performance.now() + c.readiness.timeoutMs, signal);
        return p;
      } catch (err) {
        await p.stop(STOP_GRACE_MS);
        const exitedEarly = err instanceof CaplabError && err.code === 'CAPLAB_ERR_COMPONENT_START';
        if (!exitedEarly || attempt >= RESTART_ATTEMPTS || signal.aborted) throw err;
        this.spec.log(`[${p.label}] exited before listening on port ${port} again (attempt ${attempt} of ${RESTART_ATTEMPTS}); retrying`);
        await abortableDelay(RESTART_RETRY_MS, signal);
      }
    }
  }

  /** Checks every spec before anything starts, so a bad one does not leave half a deployment. */
  private validate(components: ComponentSpec[]): void {
    const seen = new Set<string>();
    for (const c of components) {
      if (seen.has(c.name) || this.endpoints[c.name] !== undefined) {
        throw new CaplabError('CAPLAB_ERR_USAGE', `component name '${c.name}' is deployed twice`, { hint: 'give each component its own name' });
      }
      seen.add(c.name);
      if (c.url !== undefined) {
        checkTargetUrl(`component ${c.name}`, c.url, this.spec.allowRemoteTarget);
      } else if (c.component === undefined) {
        throw new CaplabError('CAPLAB_ERR_USAGE', `component ${c.name} names neither a reference component nor a url`);
      } else if (!Number.isInteger(c.replicas) || c.replicas < 1) {
        throw new CaplabError('CAPLAB_ERR_USAGE', `component ${c.name}: replicas must be a whole number >= 1, got ${c.replicas}`);
      }
    }
    for (const c of components) {
      for (const ref of componentRefs(c.flags, c.env)) {
        if (seen.has(ref.name) || this.endpoints[ref.name] !== undefined) continue;
        throw new CaplabError('CAPLAB_ERR_USAGE', `component ${c.name}: ${ref.path.join('.')} refers to {{${ref.kind} ${ref.name}}}, but there is no component named '${ref.name}'`,
          { hint: `components are: ${[...seen, ...Object.keys(this.endpoints)].join(', ')}` });
      }
    }
    const cycle = refCycle(dependencies(components));
    if (cycle) {
      throw new CaplabError('CAPLAB_ERR_USAGE', `components reference each other in a cycle (${cycle.join(' -> ')}), so none of them can start first`,
        { hint: 'a component can only name components that start without it' });
    }
  }

  /** The spec with `{{endpoint NAME}}` / `{{hostport NAME}}` in its flags and env filled in from what is deployed. */
  private withRefsResolved(c: ComponentSpec): ComponentSpec {
    return { ...c, flags: resolveAll(c.flags, this.endpoints), env: resolveAll(c.env, this.endpoints) };
  }

  /** Starts every replica of one component and waits until each is ready; resolves with the endpoint URL. */
  private async startComponent(c: ComponentSpec, signal: AbortSignal, startedHere: LocalProcess[]): Promise<string> {
    const procs: LocalProcess[] = [];
    for (let i = 0; i < c.replicas; i++) {
      const p = LocalProcess.spawn({
        component: c.component!,
        label: c.replicas === 1 ? c.name : `${c.name}#${i + 1}`,
        flags: c.flags,
        env: c.env,
        log: this.spec.log,
      });
      this.spawned.add(p);
      startedHere.push(p);
      procs.push(p);
    }
    this.replicas.set(c.name, procs);
    this.started.set(c.name, c);
    const deadline = performance.now() + c.readiness.timeoutMs;
    await Promise.all(procs.map((p) => this.waitReady(p, c.readiness.path, deadline, signal)));
    if (c.interpose) {
      // clients reach the interposer; restarts keep the replica's port, so it keeps forwarding
      const interposers = await Promise.all(procs.map((p) => ListenerInterposer.start(Number(new URL(p.url!).port))));
      this.interposers.set(c.name, interposers);
      const u = new URL(procs[0]!.url!);
      u.port = String(interposers[0]!.port);
      return u.href.replace(/\/$/, '');
    }
    // No load balancer yet: a multi-replica component is reached through its first replica, and
    // the others are only there to be sampled and faulted. (Spreading load is the kubelet's job later.)
    return procs[0]!.url!;
  }

  /** Waits for the listening line, then for the readiness path; a replica that dies meanwhile fails fast. */
  private async waitReady(p: LocalProcess, path: string, deadline: number, signal: AbortSignal): Promise<void> {
    const url = await p.whenListening(Math.max(1, deadline - performance.now()), signal);
    const died = new AbortController();
    void p.exited.then(() => died.abort(p.startError(`exited (${describe(p)}) before it was ready`)));
    // A raw TCP component (tcp://, e.g. tcp-echo or tunnel-connect) speaks no HTTP: listening is its readiness.
    if (url.startsWith('tcp://')) return;
    try {
      await Ready.forHttp(url, path, Math.max(1, deadline - performance.now())).wait(AbortSignal.any([signal, died.signal]));
    } catch (err) {
      if (died.signal.aborted) throw died.signal.reason;
      if (err instanceof CaplabError && err.code === 'CAPLAB_ERR_COMPONENT_NOT_READY') {
        throw new CaplabError('CAPLAB_ERR_COMPONENT_NOT_READY', `${p.label}: ${err.message.replace(/^[^:]*: /, '')}`);
      }
      throw err;
    }
  }
}

/** name -> the names its flags and env refer to (names deployed earlier are simply not in the map). */
function dependencies(components: ComponentSpec[]): Map<string, string[]> {
  return new Map(components.map((c) => [c.name, [...new Set(componentRefs(c.flags, c.env).map((r) => r.name))]]));
}

function describe(p: LocalProcess): string {
  const e = p.exit;
  if (!e) return 'still running';
  return e.signal !== null ? `killed by ${e.signal}` : `exit code ${e.code}`;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
