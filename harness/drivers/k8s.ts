/**
 * The `k8s:` driver: one iteration creates one object (an RDEAgent by default) named
 * `<namePrefix>-<run id>-<iteration>` and labelled `caplab.io/run=<run id>`; one list+watch on that
 * label (k8s-watch.ts) follows every object of this driver. When an object's ready condition is
 * first seen True, reconcile_lag records the time since its create was meant to be sent (the
 * intended time, so a slow API server counts against the lag, as corrected latency does).
 * `deleteAll()` deletes every object of the run by label, as `kubectl delete -l` does, and close()
 * does the same for whatever is left, so an aborted run leaves no objects behind.
 *
 * Metrics: reconcile_lag, reconcile_pending (created, not yet seen Ready), k8s_req_duration and
 * k8s_req_failed (the create and delete calls). Failures are data, never rejections.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { M } from '../metrics/metric-names.ts';
import type { GaugeHandle, RateHandle, TrendHandle } from '../metrics/recorder.ts';
import type { Driver, DriverDeps, IterationContext } from './driver.ts';
import type { K8sDriverConfig } from './k8s-schema.ts';
import { ObjectWatch, type WatchedObject } from './k8s-watch.ts';

export const RUN_LABEL = 'caplab.io/run';

/** What the reconcile-churn executor asks of its driver besides iterate(). */
export interface ChurnDriver extends Driver {
  /** starts watching this driver's objects; call before the first iterate() */
  open(): Promise<void>;
  /** objects created (the API server said yes) so far */
  readonly created: number;
  /** of those, the ones seen Ready at least once */
  readonly ready: number;
  /** of those, the ones seen deleted */
  readonly gone: number;
  /** resolves at the next change of created/ready/gone, or when the signal aborts */
  changed(signal: AbortSignal): Promise<void>;
  /** asks the API server to delete every object of this run (one delete-collection by label) */
  deleteAll(): Promise<void>;
}

interface Tracked { intendedTime: number; createdAt: number | null; readyAt: number | null; gone: boolean }

/** The API server's client config: a component's endpoint or URL, or a kubeconfig file. */
export function k8sKubeConfig(config: Pick<K8sDriverConfig, 'server' | 'kubeconfig' | 'token'>, endpoints: Readonly<Record<string, string>>, baseDir: string): KubeConfig {
  const kc = new KubeConfig();
  if (config.kubeconfig !== undefined) {
    kc.loadFromFile(resolve(baseDir, config.kubeconfig));
    return kc;
  }
  const name = config.server!;
  const server = Object.prototype.hasOwnProperty.call(endpoints, name) ? endpoints[name]! : name;
  if (!/^https?:\/\//.test(server)) throw new Error(`k8s server "${name}" is neither a component nor an http(s) URL`);
  kc.loadFromClusterAndUser({ name: 'caplab', server: server.replace(/\/+$/, ''), skipTLSVerify: true }, config.token ? { name: 'caplab', token: config.token } : { name: 'caplab' });
  return kc;
}

export function createK8sDriver(config: K8sDriverConfig, deps: DriverDeps): ChurnDriver {
  return new K8sDriver(config, deps);
}

class K8sDriver implements ChurnDriver {
  readonly runId = randomBytes(3).toString('hex');
  private readonly kc: KubeConfig;
  private readonly api: CustomObjectsApi;
  private readonly group: string;
  private readonly version: string;
  private readonly selector: string;
  private readonly objects = new Map<string, Tracked>();
  private watch: ObjectWatch | undefined;
  private waiters: Array<() => void> = [];
  private counts = { created: 0, ready: 0, gone: 0 };
  private deleteRequested = false;
  private readonly lag: TrendHandle;
  private readonly pending: GaugeHandle;
  private readonly reqDuration: TrendHandle;
  private readonly reqFailed: RateHandle;

  constructor(private readonly config: K8sDriverConfig, private readonly deps: DriverDeps) {
    this.kc = k8sKubeConfig(config, deps.endpoints, deps.baseDir);
    this.api = this.kc.makeApiClient(CustomObjectsApi);
    [this.group, this.version] = config.apiVersion.split('/') as [string, string];
    this.selector = `${RUN_LABEL}=${this.runId}`;
    const { recorder, tags } = deps;
    this.lag = recorder.trend(M.reconcileLag, tags);
    this.pending = recorder.gauge(M.reconcilePending, tags);
    this.reqDuration = recorder.trend(M.k8sReqDuration, tags);
    this.reqFailed = recorder.rate(M.k8sReqFailed, tags);
  }

  get created(): number { return this.counts.created; }
  get ready(): number { return this.counts.ready; }
  get gone(): number { return this.counts.gone; }

  async open(): Promise<void> {
    if (this.watch) return;
    const { namespace, resource } = this.config;
    const path = `/apis/${this.group}/${this.version}/namespaces/${encodeURIComponent(namespace)}/${resource}`;
    this.watch = new ObjectWatch(this.kc, path, this.selector,
      () => this.api.listNamespacedCustomObject({ group: this.group, version: this.version, namespace, plural: resource, labelSelector: this.selector }) as never,
      {
        listed: (items) => this.listed(items),
        event: (type, obj) => this.seen(obj, type === 'DELETED'),
        error: () => undefined,
      });
    await this.watch.start();
  }

  async iterate(ctx: IterationContext): Promise<void> {
    if (ctx.signal.aborted) return;
    const { namespace, resource, kind, apiVersion, labels, spec } = this.config;
    const name = `${this.config.namePrefix}-${this.runId}-${String(ctx.iteration).padStart(4, '0')}`;
    const tracked: Tracked = { intendedTime: ctx.intendedTime, createdAt: null, readyAt: null, gone: false };
    // Tracked before the call: the watch may report the object before the create call returns.
    this.objects.set(name, tracked);
    const body = { apiVersion, kind, metadata: { name, namespace, labels: { ...labels, [RUN_LABEL]: this.runId } }, spec };
    const ok = await this.request(() => this.api.createNamespacedCustomObject({ group: this.group, version: this.version, namespace, plural: resource, body }), ctx.intendedTime);
    if (!ok) {
      this.objects.delete(name);
      return;
    }
    tracked.createdAt = this.deps.clock.now();
    this.counts.created++;
    if (tracked.readyAt !== null) this.counts.ready++;
    this.updatePending();
    this.notify();
  }

  async deleteAll(): Promise<void> {
    this.deleteRequested = true;
    const { namespace, resource } = this.config;
    await this.request(() => this.api.deleteCollectionNamespacedCustomObject({ group: this.group, version: this.version, namespace, plural: resource, labelSelector: this.selector }), this.deps.clock.now());
  }

  changed(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((done) => {
      const wake = (): void => { signal.removeEventListener('abort', wake); done(); };
      this.waiters.push(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  async close(): Promise<void> {
    // Whatever this run made and did not delete (an aborted run, warm-up) goes now.
    if (this.watch && this.counts.created > this.counts.gone) {
      const { namespace, resource } = this.config;
      await this.api.deleteCollectionNamespacedCustomObject({ group: this.group, version: this.version, namespace, plural: resource, labelSelector: this.selector }).catch(() => undefined);
    }
    await this.watch?.stop();
    this.notify();
  }

  /** One API call, timed from `from`; false (and counted in k8s_req_failed) when it failed. */
  private async request(call: () => Promise<unknown>, from: number): Promise<boolean> {
    try {
      await call();
      this.reqDuration.add(this.deps.clock.now() - from);
      this.reqFailed.add(false);
      return true;
    } catch {
      // a refusal (4xx/5xx) or a transport error alike: the object was not made or not deleted
      this.reqFailed.add(true);
      return false;
    }
  }

  private listed(items: WatchedObject[]): void {
    const present = new Set<string>();
    for (const obj of items) {
      const name = obj.metadata?.name;
      if (name) present.add(name);
      this.seen(obj, false);
    }
    // Gone while no watch was open (a relist after 410): only objects the API server already confirmed.
    for (const [name, t] of this.objects) if (!present.has(name) && t.createdAt !== null) this.markGone(t);
  }

  private seen(obj: WatchedObject, deleted: boolean): void {
    const t = this.objects.get(obj.metadata?.name ?? '');
    if (!t) return;
    if (deleted) {
      this.markGone(t);
      return;
    }
    if (t.readyAt === null && isReady(obj, this.config.readyCondition)) {
      t.readyAt = this.deps.clock.now();
      this.lag.add(t.readyAt - t.intendedTime);
      if (t.createdAt !== null) this.counts.ready++;
      this.updatePending();
      this.notify();
    }
  }

  private markGone(t: Tracked): void {
    if (t.gone || t.createdAt === null) return;
    t.gone = true;
    this.counts.gone++;
    this.notify();
  }

  private updatePending(): void {
    this.pending.set(this.deleteRequested ? 0 : this.counts.created - this.counts.ready);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Whether `status.conditions` holds `type` with status "True". */
export function isReady(obj: WatchedObject, type: string): boolean {
  const conditions = (obj.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions;
  return Array.isArray(conditions) && conditions.some((c) => c.type === type && c.status === 'True');
}
