/**
 * Services on loopback: every Service with a selector gets a TCP listener on 127.0.0.1 (its
 * nodePort for a NodePort Service that names one, else a port the OS picks) that sends each connection to the next Ready pod running a reference process,
 * round-robin. The address is written to the Service as the annotation `caplab.dev/loopback`
 * (`127.0.0.1:PORT`) and as status.loadBalancer.ingress. With no Ready pod, connections are
 * closed at once. Simulated pods have no process and receive no traffic.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { kindKeyOf, type KubeObject, type ObjectStore, type StoreChange } from '../object-store.ts';
import type { ResourceApi } from '../resource-api.ts';
import { BUILTIN_TYPES } from '../resource-registry.ts';
import { matchesMapSelector } from '../selectors.ts';

/** The Service annotation holding its loopback address. */
export const LOOPBACK_ANNOTATION = 'caplab.dev/loopback';

const SERVICES = BUILTIN_TYPES.find((t) => t.group === '' && t.plural === 'services')!;
const SERVICES_KEY = kindKeyOf('', 'services');

/** Where Ready endpoints come from (the pod runner). */
export interface EndpointSource {
  readyEndpoints(namespace: string, matches: (labels: Record<string, string>) => boolean): string[];
}

interface Proxy { server: Server; port: number; next: number; sockets: Set<Socket> }

export class ServiceProxy {
  private readonly proxies = new Map<string, Proxy>();
  private unsubscribe: () => void = () => {};

  constructor(private readonly store: ObjectStore, private readonly api: ResourceApi, private readonly endpoints: EndpointSource, private readonly log: (line: string) => void) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((change: StoreChange) => {
      if (change.kindKey !== SERVICES_KEY) return;
      const key = serviceKey(change.object);
      if (change.type === 'DELETED') this.close(key);
      else if (!this.proxies.has(key)) setImmediate(() => void this.open(change.object));
    });
    for (const svc of this.store.list(SERVICES_KEY)) void this.open(svc);
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    for (const key of [...this.proxies.keys()]) this.close(key);
  }

  private async open(svc: KubeObject): Promise<void> {
    const key = serviceKey(svc);
    if (this.proxies.has(key)) return;
    const proxy: Proxy = { server: createServer((client) => this.forward(key, client)), port: 0, next: 0, sockets: new Set() };
    this.proxies.set(key, proxy);
    const listened = await new Promise<Error | undefined>((resolve) => {
      proxy.server.once('error', resolve);
      proxy.server.listen(nodePortOf(svc) ?? 0, '127.0.0.1', () => resolve(undefined));
    });
    if (listened !== undefined) {
      this.log(`service-proxy: ${key}: cannot listen on 127.0.0.1:${nodePortOf(svc)} (its nodePort): ${listened.message}`);
      if (this.proxies.get(key) === proxy) this.proxies.delete(key);
      return;
    }
    if (this.proxies.get(key) !== proxy) { proxy.server.close(); return; }
    proxy.port = (proxy.server.address() as { port: number }).port;
    const address = `127.0.0.1:${proxy.port}`;
    try {
      this.api.patch(SERVICES, svc.metadata.namespace, svc.metadata.name!, 'merge', { metadata: { annotations: { [LOOPBACK_ANNOTATION]: address } } }, undefined);
      this.api.patch(SERVICES, svc.metadata.namespace, svc.metadata.name!, 'merge', { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: proxy.port, protocol: 'TCP' }] }] } } }, 'status');
    } catch (err) {
      this.log(`service-proxy: ${key}: ${(err as Error).message}`);
    }
  }

  private forward(key: string, client: Socket): void {
    const proxy = this.proxies.get(key);
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.store.get(SERVICES_KEY, namespace, name);
    const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    const urls = proxy === undefined ? [] : this.endpoints.readyEndpoints(namespace, (labels) => matchesMapSelector(selector, labels));
    if (proxy === undefined || urls.length === 0) { client.destroy(); return; }
    const target = new URL(urls[proxy.next++ % urls.length]!);
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, upstream]) { proxy.sockets.add(s); s.once('close', () => proxy.sockets.delete(s)); }
    client.pipe(upstream).pipe(client);
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private close(key: string): void {
    const proxy = this.proxies.get(key);
    if (proxy === undefined) return;
    this.proxies.delete(key);
    proxy.server.close();
    for (const s of proxy.sockets) s.destroy();
  }
}

/** A NodePort Service's first nodePort: this node is 127.0.0.1, so the proxy listens there, as kube-proxy would. */
function nodePortOf(svc: KubeObject): number | undefined {
  const spec = (svc.spec ?? {}) as { type?: string; ports?: { nodePort?: number }[] };
  const port = spec.type === 'NodePort' ? spec.ports?.[0]?.nodePort : undefined;
  return typeof port === 'number' && port > 0 && port < 65536 ? port : undefined;
}

function serviceKey(svc: KubeObject): string {
  return `${svc.metadata.namespace ?? ''}/${svc.metadata.name}`;
}
