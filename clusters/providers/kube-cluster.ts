/**
 * A Cluster on real Kubernetes, whoever made it (kind, k3s or an existing cluster): components
 * become Deployments + Services (kube-objects.ts) in the run's namespace, applied with kubectl,
 * waited for with `rollout status`, reached through the provider's Exposer and probed like local
 * components. Everything carries the run's label; `down()` removes what the run made, then runs
 * the provider's teardown (delete the kind cluster, stop the k3s container).
 */
import { randomBytes } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import type { Endpoints } from '../../harness/drivers/driver.ts';
import { CaplabError } from '../../harness/errors.ts';
import type { Cluster, ClusterSpec, ComponentSpec, FaultSpec, ResourceSampler } from '../cluster.ts';
import { KubeLoadGeneratorLauncher } from './kube-load-generators.ts';
import { resolveAll } from '../component-refs.ts';
import { Ready } from '../readiness.ts';
import type { Exposer } from './kube-exposers.ts';
import { KubeMetricsSampler } from './kube-metrics-sampler.ts';
import {
  checkKubeName, COMPONENT_LABEL, componentObjects, inClusterUrl, isTcpComponent, RUN_LABEL, selectorLabels, supportObjects, templatesFrom,
  type KubeObject, type Templates,
} from './kube-objects.ts';
import type { Kubectl } from './kubectl.ts';
import { checkTargetUrl } from './loopback.ts';

export interface KubeClusterOptions {
  provider: string;
  spec: ClusterSpec;
  kubectl: Kubectl;
  runId: string;
  namespace: string;
  /** delete the namespace in down() (an existing cluster); kind and k3s go away whole instead */
  deleteNamespace: boolean;
  /** absolute path of the kustomize overlay the pod templates come from */
  overlayDir: string;
  exposer: Exposer;
  /** reference image to run (default caplab/reference:dev) */
  image?: string;
  /** runs last in down(): delete the kind cluster, stop the k3s container */
  teardown?: () => Promise<void>;
}

/** A short id, unique enough per run, usable in names and labels: `caplab-<id>`. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

export class KubeCluster implements Cluster {
  readonly provider: string;
  private readonly o: KubeClusterOptions;
  private readonly lifetime = new AbortController();
  private readonly deployed: ComponentSpec[] = [];
  private readonly metrics: KubeMetricsSampler;
  /** `--load-generators`: an Indexed Job per workload, handed the components' cluster DNS names */
  readonly loadGenerators: KubeLoadGeneratorLauncher;
  /** every deployed component as pods reach it: cluster DNS, or the url: it names */
  private readonly inClusterEndpoints: Record<string, string> = {};
  private templates: Templates | undefined;
  private namespaceMade = false;
  private downPromise: Promise<void> | undefined;

  constructor(options: KubeClusterOptions) {
    this.o = options;
    this.provider = options.provider;
    this.metrics = new KubeMetricsSampler(options.kubectl, options.namespace, options.runId, () => this.deployed.map((c) => c.name));
    this.loadGenerators = new KubeLoadGeneratorLauncher({
      kubectl: options.kubectl, namespace: options.namespace, runId: options.runId, endpoints: () => ({ ...this.inClusterEndpoints }),
      ...(options.image !== undefined ? { image: options.image } : {}),
    });
  }

  async deploy(components: ComponentSpec[]): Promise<Endpoints> {
    if (this.downPromise) throw new CaplabError('CAPLAB_ERR_INTERNAL', `deploy() called on a ${this.provider} cluster that is down`);
    const signal = this.lifetime.signal;
    const references = this.validate(components);
    const { kubectl, namespace, runId } = this.o;
    await this.ensureNamespace(signal);
    const templates = await this.loadTemplates(signal);
    if (references.some((c) => c.component === 'operator')) await this.ensureCrds(templates, signal);

    const inCluster: Record<string, string> = {};
    for (const c of [...this.deployed, ...components]) inCluster[c.name] = c.url ?? inClusterUrl(c, namespace);
    const placement = { namespace, runId, ...(this.o.image !== undefined ? { image: this.o.image } : {}) };
    const objects: KubeObject[] = supportObjects(templates, placement);
    references.forEach((c, i) => {
      const resolved = { ...c, flags: resolveAll(c.flags, inCluster), env: resolveAll(c.env, inCluster) };
      objects.push(...componentObjects(resolved, templates, placement, this.o.exposer.exposure(this.deployed.length + i)));
    });
    await kubectl.apply(objects, signal);
    this.deployed.push(...references);
    for (const c of components) this.inClusterEndpoints[c.name] = inCluster[c.name]!;

    const endpoints: Record<string, string> = {};
    for (const c of components) if (c.url !== undefined) endpoints[c.name] = c.url;
    const first = this.deployed.length - references.length;
    await Promise.all(references.map(async (c, i) => {
      await this.rolledOut(c, signal);
      const url = await this.o.exposer.open(c, first + i, signal);
      if (!isTcpComponent(c)) await Ready.forHttp(url, c.readiness.path, c.readiness.timeoutMs).wait(signal);
      endpoints[c.name] = url;
    }));
    return endpoints;
  }

  sampler(): ResourceSampler {
    return this.metrics;
  }

  /**
   * Deletes one pod of the component (`kill`: at once, SIGKILL; `restart`: with its grace period
   * when graceful). Unlike local, the Deployment replaces the pod at once, so `restart` waits for
   * the rollout to be whole again and `downFor` is not held.
   */
  async inject(fault: FaultSpec, signal?: AbortSignal): Promise<void> {
    const action: string = fault.action;
    if (action !== 'kill' && action !== 'restart') {
      throw new CaplabError('CAPLAB_ERR_USAGE', `fault ${action} is not built for the ${this.provider} provider (kill and restart are)`, { hint: 'run the scenario with --cluster local for this fault' });
    }
    const c = this.deployed.find((d) => d.name === fault.component);
    if (!c) throw new CaplabError('CAPLAB_ERR_USAGE', `fault ${fault.action}: no reference component named '${fault.component}' is deployed`);
    const cut = AbortSignal.any([this.lifetime.signal, ...(signal ? [signal] : [])]);
    const selector = Object.entries(selectorLabels(c.name, this.o.runId)).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = (JSON.parse(await this.o.kubectl.run(['get', 'pods', '-n', this.o.namespace, '-l', selector, '-o', 'json'], { signal: cut })) as { items: KubeObject[] })
      .items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
    const pod = pods[fault.replica];
    if (pod === undefined) throw new CaplabError('CAPLAB_ERR_USAGE', `fault ${fault.action}: ${c.name} has ${pods.length} running pod(s), so there is no replica ${fault.replica} (replicas count from 0)`);
    const force = fault.action === 'kill' || !fault.graceful;
    await this.o.kubectl.run(['delete', 'pod', pod, '-n', this.o.namespace, ...(force ? ['--grace-period=0', '--force'] : []), '--wait=false'], { signal: cut });
    if (fault.action === 'kill') return;
    if (fault.downForMs > 0) this.o.spec.log(`[${this.provider}] restart of ${c.name}: the Deployment replaces the pod at once, so downFor ${fault.downForMs} ms is not held`);
    await this.rolledOut(c, cut);
    await this.o.exposer.reopen(c.name, cut);
  }

  down(): Promise<void> {
    this.downPromise ??= (async () => {
      this.lifetime.abort(new CaplabError('CAPLAB_ERR_INTERNAL', `the ${this.provider} cluster was taken down during deploy`));
      const failures: unknown[] = [];
      const step = async (what: () => Promise<unknown>): Promise<void> => { try { await what(); } catch (err) { failures.push(err); } };
      await step(() => this.o.exposer.close());
      await step(() => this.loadGenerators.close());
      const { kubectl, namespace, runId } = this.o;
      if (this.o.deleteNamespace && this.namespaceMade) {
        await step(() => kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=180s']));
        await step(() => kubectl.run(['delete', 'customresourcedefinitions', '-l', `${RUN_LABEL}=${runId}`, '--ignore-not-found']));
      }
      if (this.o.teardown) await step(this.o.teardown);
      if (failures.length > 0) throw failures[0];
    })();
    return this.downPromise;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.down();
  }

  /** Every check before anything is applied; returns the reference components. */
  private validate(components: ComponentSpec[]): ComponentSpec[] {
    const seen = new Set(this.deployed.map((c) => c.name));
    for (const c of components) {
      if (seen.has(c.name)) throw new CaplabError('CAPLAB_ERR_USAGE', `component name '${c.name}' is deployed twice`, { hint: 'give each component its own name' });
      seen.add(c.name);
      if (c.url !== undefined) { checkTargetUrl(`component ${c.name}`, c.url, this.o.spec.allowRemoteTarget); continue; }
      if (c.component === undefined) throw new CaplabError('CAPLAB_ERR_USAGE', `component ${c.name} names neither a reference component nor a url`);
      if (!Number.isInteger(c.replicas) || c.replicas < 1) throw new CaplabError('CAPLAB_ERR_USAGE', `component ${c.name}: replicas must be a whole number >= 1, got ${c.replicas}`);
      checkKubeName(c.name);
    }
    return components.filter((c) => c.url === undefined);
  }

  private async ensureNamespace(signal: AbortSignal): Promise<void> {
    if (this.namespaceMade) return;
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.o.namespace, labels: { [RUN_LABEL]: this.o.runId, 'app.kubernetes.io/part-of': 'caplab' } } };
    this.namespaceMade = true;
    await this.o.kubectl.apply([ns], signal);
  }

  private async loadTemplates(signal: AbortSignal): Promise<Templates> {
    if (!this.templates) {
      const yaml = await this.o.kubectl.run(['kustomize', this.o.overlayDir], { signal });
      this.templates = templatesFrom(parseAllDocuments(yaml).map((d) => d.toJS() as KubeObject).filter((o) => o !== null));
    }
    return this.templates;
  }

  /** CRDs the operator needs: created (and labelled with the run) only where absent, so down() never removes one that was there before. */
  private async ensureCrds(templates: Templates, signal: AbortSignal): Promise<void> {
    for (const crd of templates.crds) {
      if (await this.o.kubectl.tryRun(['get', 'customresourcedefinition', crd.metadata.name, '-o', 'name'], { signal }) !== null) continue;
      await this.o.kubectl.apply([{ ...crd, metadata: { ...crd.metadata, labels: { ...crd.metadata.labels, [RUN_LABEL]: this.o.runId } } }], signal);
      await this.o.kubectl.run(['wait', '--for=condition=established', '--timeout=60s', `customresourcedefinition/${crd.metadata.name}`], { signal });
    }
  }

  /** Waits until every replica of the component is updated and available, within its readiness timeout. */
  private async rolledOut(c: ComponentSpec, signal: AbortSignal): Promise<void> {
    const seconds = Math.max(1, Math.ceil(c.readiness.timeoutMs / 1000));
    try {
      await this.o.kubectl.run(['rollout', 'status', `deployment/${c.name}`, '-n', this.o.namespace, `--timeout=${seconds}s`], { signal });
    } catch (err) {
      if (err instanceof CaplabError && err.code === 'CAPLAB_ERR_KUBE_DEPLOY') {
        throw new CaplabError('CAPLAB_ERR_COMPONENT_NOT_READY', `${c.name}: not rolled out within ${seconds} s (${err.message.replace(/^[^:]*: /, '')})`,
          { hint: `kubectl -n ${this.o.namespace} describe pods -l ${COMPONENT_LABEL}=${c.name} shows why; raise readiness.timeout if it is only slow`, cause: err });
      }
      throw err;
    }
  }
}
