/**
 * The operator's API, implemented with @kubernetes/client-node against any API server (the
 * embedded control plane or a real cluster via kubeconfig; nothing here is local-only): three
 * informers (list + watch into caches, makeInformer) feeding event handlers, direct writes with
 * JSON merge patches, and Lease calls for leader election. client-node's ApiException becomes
 * ApiError so the rest of the operator never sees client-node's error types.
 */
import {
  ApiException, AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, makeInformer, PatchStrategy, setHeaderOptions,
  type Informer, type KubernetesListObject, type KubernetesObject, type ObjectCache, type V1Deployment, type V1Lease, type V1Service,
} from '@kubernetes/client-node';
import { MANAGED_BY, MANAGED_BY_LABEL } from './desired-objects.ts';
import { ApiError, type LeaseApi, type OperatorCache, type OperatorWriter } from './operator-api.ts';
import { GROUP, PLURAL, VERSION, type RDEAgent, type RDEAgentStatus } from './rdeagent.ts';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const CHILD_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
/** an informer that failed is restarted after this, doubling to the max */
const RESTART_BASE_MS = 500;
const RESTART_MAX_MS = 30_000;

/** Where the API server is: a kubeconfig file, a bare server URL (with an optional token), or neither (the default chain). */
export interface ApiServerLocation { kubeconfig?: string | undefined; server?: string | undefined; token?: string | undefined }

/**
 * Loads a kubeconfig file; or, given only `server`, a one-cluster config for that URL (https
 * without verifying the certificate, as a local control plane has none a client could check);
 * or the default chain (KUBECONFIG, ~/.kube/config, in-cluster) when neither is given.
 */
export function loadKubeConfig(where: ApiServerLocation | string | undefined): KubeConfig {
  const { kubeconfig, server, token } = typeof where === 'object' ? where : { kubeconfig: where, server: undefined, token: undefined };
  const kc = new KubeConfig();
  if (kubeconfig && server) throw new Error('give either a kubeconfig or a server URL, not both');
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else if (server) {
    const url = new URL(server);
    if (!/^https?:$/.test(url.protocol)) throw new Error(`server ${server} is not an http(s) URL`);
    kc.loadFromClusterAndUser(
      { name: 'caplab', server: server.replace(/\/+$/, ''), skipTLSVerify: true },
      token ? { name: 'caplab', token } : { name: 'caplab' },
    );
  } else kc.loadFromDefault();
  return kc;
}

/** Runs a client-node call, turning its ApiException into ApiError. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiException) throw new ApiError(err.code, `API server answered ${err.code}: ${summarise(err.body)}`);
    throw err;
  }
}

function summarise(body: unknown): string {
  if (typeof body === 'string') {
    try { return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 200); } catch { return body.slice(0, 200); }
  }
  return (body as { message?: string } | undefined)?.message ?? 'no message';
}

export interface InformerEvents {
  agentChanged(agent: RDEAgent): void;
  childChanged(child: V1Deployment | V1Service): void;
  informerError(resource: string, err: unknown): void;
}

/** The caches, writer and lease API of one operator process. */
export class ClientNodeApi implements OperatorCache, OperatorWriter {
  private readonly custom: CustomObjectsApi;
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly coordination: CoordinationV1Api;
  private agents: (Informer<RDEAgent & KubernetesObject> & ObjectCache<RDEAgent & KubernetesObject>) | undefined;
  private deployments: (Informer<V1Deployment> & ObjectCache<V1Deployment>) | undefined;
  private services: (Informer<V1Service> & ObjectCache<V1Service>) | undefined;
  private stopped = false;
  private readonly restartTimers = new Set<NodeJS.Timeout>();

  /** `namespace` undefined watches every namespace. */
  constructor(private readonly kc: KubeConfig, private readonly namespace: string | undefined) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.coordination = kc.makeApiClient(CoordinationV1Api);
  }

  /** Starts the three informers; resolves once each has listed (its cache is synced). */
  async startInformers(events: InformerEvents): Promise<void> {
    const ns = this.namespace;
    const nsPath = ns ? `/namespaces/${encodeURIComponent(ns)}` : '';
    this.agents = makeInformer<RDEAgent & KubernetesObject>(this.kc, `/apis/${GROUP}/${VERSION}${nsPath}/${PLURAL}`, () => call(() => (ns
      ? this.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL })
      : this.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL }))) as Promise<KubernetesListObject<RDEAgent & KubernetesObject>>);
    this.deployments = makeInformer<V1Deployment>(this.kc, `/apis/apps/v1${nsPath}/deployments`, () => call(() => (ns
      ? this.apps.listNamespacedDeployment({ namespace: ns, labelSelector: CHILD_SELECTOR })
      : this.apps.listDeploymentForAllNamespaces({ labelSelector: CHILD_SELECTOR }))), CHILD_SELECTOR);
    this.services = makeInformer<V1Service>(this.kc, `/api/v1${nsPath}/services`, () => call(() => (ns
      ? this.core.listNamespacedService({ namespace: ns, labelSelector: CHILD_SELECTOR })
      : this.core.listServiceForAllNamespaces({ labelSelector: CHILD_SELECTOR }))), CHILD_SELECTOR);

    for (const verb of ['add', 'update', 'delete'] as const) {
      this.agents.on(verb, (a) => events.agentChanged(a));
      this.deployments.on(verb, (d) => events.childChanged(d));
      this.services.on(verb, (s) => events.childChanged(s));
    }
    const informers = [['rdeagents', this.agents], ['deployments', this.deployments], ['services', this.services]] as const;
    for (const [resource, informer] of informers) this.restartOnError(resource, informer, events);
    await Promise.all(informers.map(([, i]) => i.start()));
  }

  /** client-node's informer stops on a watch error other than 410 or a timeout; start it again, with backoff. */
  private restartOnError(resource: string, informer: Informer<KubernetesObject>, events: InformerEvents): void {
    let delay = RESTART_BASE_MS;
    informer.on('connect', () => { delay = RESTART_BASE_MS; });
    informer.on('error', (err) => {
      events.informerError(resource, err);
      if (this.stopped) return;
      const t = setTimeout(() => {
        this.restartTimers.delete(t);
        if (!this.stopped) informer.start().catch((e: unknown) => events.informerError(resource, e));
      }, delay);
      this.restartTimers.add(t);
      delay = Math.min(delay * 2, RESTART_MAX_MS);
    });
  }

  async stopInformers(): Promise<void> {
    this.stopped = true;
    for (const t of this.restartTimers) clearTimeout(t);
    await Promise.all([this.agents?.stop(), this.deployments?.stop(), this.services?.stop()]);
  }

  getAgent(namespace: string, name: string): RDEAgent | undefined { return this.agents?.get(name, namespace); }
  /** every cached RDEAgent */
  listAgents(): readonly RDEAgent[] { return this.agents?.list() ?? []; }
  getDeployment(namespace: string, name: string): V1Deployment | undefined { return this.deployments?.get(name, namespace); }
  getService(namespace: string, name: string): V1Service | undefined { return this.services?.get(name, namespace); }

  async createDeployment(namespace: string, body: V1Deployment): Promise<void> {
    await call(() => this.apps.createNamespacedDeployment({ namespace, body }));
  }

  async patchDeployment(namespace: string, name: string, patch: object): Promise<void> {
    await call(() => this.apps.patchNamespacedDeployment({ namespace, name, body: patch }, MERGE_PATCH));
  }

  async createService(namespace: string, body: V1Service): Promise<void> {
    await call(() => this.core.createNamespacedService({ namespace, body }));
  }

  async patchService(namespace: string, name: string, patch: object): Promise<void> {
    await call(() => this.core.patchNamespacedService({ namespace, name, body: patch }, MERGE_PATCH));
  }

  async patchAgentStatus(namespace: string, name: string, status: RDEAgentStatus): Promise<void> {
    await call(() => this.custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { status } }, MERGE_PATCH));
  }

  /** The Lease calls leader election makes. */
  leaseApi(): LeaseApi {
    return {
      get: async (namespace, name) => {
        try {
          return await call(() => this.coordination.readNamespacedLease({ namespace, name }));
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) return undefined;
          throw err;
        }
      },
      create: (namespace, lease) => call(() => this.coordination.createNamespacedLease({ namespace, body: withDates(lease) })),
      replace: (namespace, name, lease) => call(() => this.coordination.replaceNamespacedLease({ namespace, name, body: withDates(lease) })),
    };
  }
}

/** client-node serialises MicroTime fields with toISOString, so they must be Dates. */
function withDates(lease: V1Lease): V1Lease {
  const spec = lease.spec ?? {};
  const date = (t: unknown) => (t === undefined || t instanceof Date ? t : new Date(String(t)));
  return { ...lease, spec: { ...spec, acquireTime: date(spec.acquireTime) as never, renewTime: date(spec.renewTime) as never } };
}
