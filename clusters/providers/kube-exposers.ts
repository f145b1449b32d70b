/**
 * How this machine reaches a component's Service in a real cluster. Two ways, chosen per provider:
 * - NodePorts mapped to the host (kind's extraPortMappings, clusters/kind/kind-config.yaml): load
 *   enters through kube-proxy as real traffic does and spreads over replicas; nothing in between.
 * - `kubectl port-forward` (k3s, kubeconfig): works against any cluster and any credentials
 *   kubectl understands (exec plugins, OIDC), with no ports opened on the cluster. It binds one pod
 *   and tunnels through the API server, so it is re-opened after a fault and caps throughput: the
 *   generator-health checks tell when it, not the system, was the limit. Chosen over client-node's
 *   PortForward because kubectl is needed anyway (apply, rollout status) and handles the protocol
 *   negotiation and credential plugins itself.
 */
import { CaplabError } from '../../harness/errors.ts';
import type { ComponentSpec } from '../cluster.ts';
import { CONTAINER_PORT } from '../image/reference-image.ts';
import type { BackgroundCommand } from './command-runner.ts';
import { isTcpComponent, type ServiceExposure } from './kube-objects.ts';
import type { Kubectl } from './kubectl.ts';

export interface Exposer {
  /** how the Service of the `index`-th component of the run is made */
  exposure(index: number): ServiceExposure;
  /** the base URL this machine reaches the component at, once reachable */
  open(spec: ComponentSpec, index: number, signal: AbortSignal): Promise<string>;
  /** after the component's pods changed: reachable again at the same URL */
  reopen(name: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** First host port of the range kind-config.yaml maps (30080-30089 on 127.0.0.1). */
export const KIND_NODE_PORT_BASE = 30080;
export const KIND_NODE_PORT_COUNT = 10;

/** NodePorts 30080+i reached on 127.0.0.1 through kind's extraPortMappings. */
export class NodePortExposer implements Exposer {
  exposure(index: number): ServiceExposure {
    if (index >= KIND_NODE_PORT_COUNT) {
      throw new CaplabError('CAPLAB_ERR_USAGE', `kind maps ${KIND_NODE_PORT_COUNT} node ports to this machine, so a scenario can deploy at most ${KIND_NODE_PORT_COUNT} reference components there`,
        { hint: 'add extraPortMappings to clusters/kind/kind-config.yaml, or use --cluster k3s' });
    }
    return { type: 'NodePort', nodePort: KIND_NODE_PORT_BASE + index };
  }

  async open(spec: ComponentSpec, index: number): Promise<string> {
    return `${isTcpComponent(spec) ? 'tcp' : 'http'}://127.0.0.1:${KIND_NODE_PORT_BASE + index}`;
  }

  async reopen(): Promise<void> {}

  async close(): Promise<void> {}
}

const FORWARDING = /Forwarding from 127\.0\.0\.1:(\d+) ->/;
const FORWARD_TIMEOUT_MS = 30_000;

/** One `kubectl port-forward svc/NAME` per component, on 127.0.0.1. */
export class PortForwardExposer implements Exposer {
  private readonly forwards = new Map<string, { command: BackgroundCommand; port: number; scheme: string }>();

  constructor(private readonly kubectl: Kubectl, private readonly namespace: string) {}

  exposure(): ServiceExposure {
    return { type: 'ClusterIP' };
  }

  async open(spec: ComponentSpec, _index: number, signal: AbortSignal): Promise<string> {
    const scheme = isTcpComponent(spec) ? 'tcp' : 'http';
    const port = await this.forward(spec.name, 0, scheme, signal);
    return `${scheme}://127.0.0.1:${port}`;
  }

  async reopen(name: string, signal: AbortSignal): Promise<void> {
    const f = this.forwards.get(name);
    if (!f) return;
    await f.command.stop();
    await this.forward(name, f.port, f.scheme, signal);
  }

  async close(): Promise<void> {
    await Promise.all([...this.forwards.values()].map((f) => f.command.stop()));
    this.forwards.clear();
  }

  private async forward(name: string, localPort: number, scheme: string, signal: AbortSignal): Promise<number> {
    const { command, port } = await portForward(this.kubectl, this.namespace, `svc/${name}`, localPort, CONTAINER_PORT, signal);
    this.forwards.set(name, { command, port, scheme });
    return port;
  }
}

/**
 * `kubectl port-forward <target> <localPort>:<remotePort>` on 127.0.0.1 (`localPort` 0: kubectl
 * picks); resolves once it listens, with the local port and the command to stop it.
 */
export function portForward(kubectl: Kubectl, namespace: string, target: string, localPort: number, remotePort: number, signal: AbortSignal): Promise<{ command: BackgroundCommand; port: number }> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    let settled = false;
    const finish = (err: Error | null, port?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (err) { void command.stop(); reject(err); } else resolve({ command, port: port! });
    };
    const command = kubectl.start(['port-forward', '-n', namespace, '--address', '127.0.0.1', target, `${localPort === 0 ? '' : localPort}:${remotePort}`], (line) => {
      output.push(line);
      const m = FORWARDING.exec(line);
      if (m) finish(null, Number(m[1]));
    });
    const onAbort = (): void => finish(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    const timer = setTimeout(() => finish(new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `kubectl port-forward ${target} did not listen within ${FORWARD_TIMEOUT_MS / 1000} s: ${output.slice(-3).join(' | ') || 'no output'}`)), FORWARD_TIMEOUT_MS);
    signal.addEventListener('abort', onAbort, { once: true });
    void command.exited.then((code) => finish(new CaplabError('CAPLAB_ERR_KUBE_DEPLOY', `kubectl port-forward ${target} exited ${code}: ${output.slice(-3).join(' | ') || 'no output'}`)));
  });
}
