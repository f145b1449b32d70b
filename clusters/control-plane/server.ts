/**
 * The embedded control plane: an HTTP server on 127.0.0.1 speaking enough of the Kubernetes API
 * for kubectl, client-go/controller-runtime and @kubernetes/client-node, with a kubeconfig written
 * for it. Tests and the local cluster start it in-process:
 *
 *   const cp = await startControlPlane({ port: 0 });
 *   // cp.url, cp.kubeconfigPath, cp.kubeConfig() (a client-node KubeConfig)
 *   await cp.stop();
 *
 * Request bodies are capped at MAX_BODY_BYTES (413, like the apiserver's 3 MiB limit); stored
 * objects at MAX_OBJECT_BYTES (422). With a token, every request but /healthz, /readyz and /livez
 * needs `Authorization: Bearer <token>`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startCrdRegistrar, validateCrd } from './crd-registrar.ts';
import { orphanDependents, startGarbageCollector } from './garbage-collector.ts';
import { HpaController, type HpaControllerOptions } from './hpa/hpa-controller.ts';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.ts';
import { startKubelet, type Kubelet, type KubeletOptions } from './kubelet/kubelet.ts';
import { kindKeyOf, ObjectStore } from './object-store.ts';
import { ResourceApi } from './resource-api.ts';
import { ResourceRegistry } from './resource-registry.ts';
import { route, type RouterContext } from './request-router.ts';
import { ApiError } from './status-errors.ts';
import type { OpenWatch } from './watch-stream.ts';

/** The largest request body accepted, as the apiserver's 3 MiB; bigger bodies get 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Namespaces that exist from the start, as in a fresh cluster. */
const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface ControlPlaneOptions {
  /** 0 (default) lets the OS pick */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** where to write the kubeconfig; default a new temporary directory, removed on stop */
  kubeconfigPath?: string;
  /** require this bearer token; `true` generates one (in the kubeconfig) */
  token?: string | true;
  /** changes kept for watch resume (default 2000); older resourceVersions get 410 */
  historySize?: number;
  /** how often watches with allowWatchBookmarks get a BOOKMARK (default 10 s) */
  bookmarkIntervalMs?: number;
  /** one line per failed request (5xx), and the kubelet's component logs */
  log?: (line: string) => void;
  /** run the local kubelet (Deployments -> Pods -> child processes or simulated pods, Service proxies) */
  kubelet?: boolean | KubeletOptions;
  /** the HorizontalPodAutoscaler controller's settings; it runs with the kubelet, whose pods' usage it reads */
  hpa?: HpaControllerOptions;
}

export interface ControlPlane {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly token: string | undefined;
  /** the store itself, for tests and the in-process kubelet */
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly api: ResourceApi;
  /** a client-node KubeConfig pointing at this control plane */
  kubeConfig(): KubeConfig;
  /** forgets the watch history: a watch resuming from an older resourceVersion gets 410 Gone */
  compact(): void;
  /** ends every open watch cleanly, as the apiserver's timeout does; clients resume from their last resourceVersion */
  dropWatches(): void;
  /** ends watches and connections, closes the server, removes a generated kubeconfig */
  stop(): Promise<void>;
}

/** Starts the control plane and writes its kubeconfig. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const store = new ObjectStore(options.historySize !== undefined ? { historySize: options.historySize } : {});
  const registry = new ResourceRegistry();
  const api = new ResourceApi(store, {
    validate: (type, obj) => { if (type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions') validateCrd(obj); },
    orphan: (obj) => orphanDependents(store, obj),
  });
  for (const name of INITIAL_NAMESPACES) store.create(kindKeyOf('', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  const stopCrds = startCrdRegistrar(store, registry);
  const stopGc = startGarbageCollector(store);
  const token = options.token === true ? randomBytes(24).toString('hex') : options.token;
  const watches = new Set<OpenWatch>();
  const log = options.log ?? (() => {});
  const ctx: RouterContext = { registry, store, api, serverAddress: '', bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000, watches };

  const server = createServer((req, res) => {
    handle(ctx, token, req, res, log).catch((err: unknown) => {
      log(`control-plane: ${req.method} ${req.url} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, new ApiError('InternalError', String(err)).toStatus());
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let kubelet: Kubelet | undefined;
  let hpa: HpaController | undefined;
  if (options.kubelet) {
    kubelet = startKubelet(store, api, { log, ...(options.kubelet === true ? {} : options.kubelet) });
    hpa = new HpaController(store, api, registry, kubelet.metrics, { log, ...options.hpa });
    ctx.podMetrics = kubelet.metrics;
    hpa.start();
  }
  ctx.serverAddress = `${host}:${address.port}`;

  let tempDir: string | undefined;
  let kubeconfigPath = options.kubeconfigPath;
  if (kubeconfigPath === undefined) {
    tempDir = await mkdtemp(join(tmpdir(), 'caplab-control-plane-'));
    kubeconfigPath = join(tempDir, 'kubeconfig');
  }
  await writeKubeconfig(kubeconfigPath, url, token);

  let stopping: Promise<void> | undefined;
  return {
    url, kubeconfigPath, token, store, registry, api,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(kubeconfigYaml(url, token));
      return kc;
    },
    compact: () => store.compact(),
    dropWatches() { for (const w of [...watches]) w.end(); },
    stop() {
      stopping ??= (async () => {
        hpa?.stop();
        await kubelet?.stop();
        stopCrds();
        stopGc();
        for (const w of [...watches]) w.end();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function handle(ctx: RouterContext, token: string | undefined, req: IncomingMessage, res: ServerResponse, log: (line: string) => void): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control-plane');
  try {
    if (token !== undefined && !['/healthz', '/readyz', '/livez'].includes(url.pathname) && req.headers.authorization !== `Bearer ${token}`) {
      throw new ApiError('Unauthorized', 'Unauthorized');
    }
    if ((req.headers['content-type'] ?? '').includes('protobuf')) {
      req.resume();
      throw new ApiError('UnsupportedMediaType', 'this control plane reads JSON bodies only, not protobuf: use `kubectl apply -f`/`create -f` (JSON) rather than generators such as `kubectl create deployment`');
    }
    const body = await readBody(req);
    const outcome = route(ctx, { method: req.method ?? 'GET', url, headers: req.headers, body }, res);
    if (outcome === 'streamed') return;
    if (typeof outcome.body === 'string') {
      res.writeHead(outcome.code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(outcome.body);
      return;
    }
    sendJson(res, outcome.code, outcome.body);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.code >= 500) log(`control-plane: ${req.method} ${url.pathname}: ${err.message}`);
    if (res.headersSent) { res.end(); return; }
    sendJson(res, err.code, err.toStatus());
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) { req.removeAllListeners('data'); req.resume(); reject(tooLarge()); return; }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function tooLarge(): ApiError {
  return new ApiError('RequestEntityTooLarge', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
