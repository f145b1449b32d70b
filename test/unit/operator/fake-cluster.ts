/** An in-memory stand-in for the API server and the informers' caches, recording every write. */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import type { OperatorCache, OperatorWriter } from '../../../reference-impl/operator/operator-api.ts';
import type { RDEAgent, RDEAgentSpec, RDEAgentStatus } from '../../../reference-impl/operator/rdeagent.ts';

type Write = { verb: 'create' | 'patch' | 'status'; kind: string; name: string; body: unknown };

export class FakeCluster implements OperatorCache, OperatorWriter {
  readonly agents = new Map<string, RDEAgent>();
  readonly deployments = new Map<string, V1Deployment>();
  readonly services = new Map<string, V1Service>();
  readonly writes: Write[] = [];
  /** the next write fails with this error, once */
  failNext: Error | undefined;

  addAgent(name: string, spec: Partial<RDEAgentSpec> = {}, meta: Partial<RDEAgent['metadata']> = {}): RDEAgent {
    const agent: RDEAgent = {
      apiVersion: 'kuberde.io/v1',
      kind: 'RDEAgent',
      metadata: { name, namespace: 'kuberde', uid: `uid-${name}`, generation: 1, creationTimestamp: new Date('2023-11-14T22:13:20Z'), ...meta },
      spec: { owner: 'alice', serverUrl: 'ws://frp-server.kuberde.svc/ws', authSecret: 'frp-agent-auth', workloadImage: 'nginx:alpine', localTarget: 'localhost:80', ttl: '0', ...spec },
    };
    this.agents.set(`kuberde/${name}`, agent);
    return agent;
  }

  getAgent(ns: string, name: string) { return this.agents.get(`${ns}/${name}`); }
  getDeployment(ns: string, name: string) { return this.deployments.get(`${ns}/${name}`); }
  getService(ns: string, name: string) { return this.services.get(`${ns}/${name}`); }

  /** What a kubelet and the deployment controller would report for the Deployment. */
  markAvailable(name: string, available = 1): void {
    const d = this.deployments.get(`kuberde/${name}`)!;
    d.status = { observedGeneration: d.metadata!.generation, availableReplicas: available, readyReplicas: available, replicas: available };
  }

  private fail(): void {
    const err = this.failNext;
    this.failNext = undefined;
    if (err) throw err;
  }

  async createDeployment(ns: string, body: V1Deployment) {
    this.fail();
    this.writes.push({ verb: 'create', kind: 'Deployment', name: body.metadata!.name!, body });
    this.deployments.set(`${ns}/${body.metadata!.name}`, { ...structuredClone(body), metadata: { ...structuredClone(body.metadata!), generation: 1 } });
  }

  async patchDeployment(ns: string, name: string, patch: object) {
    this.fail();
    this.writes.push({ verb: 'patch', kind: 'Deployment', name, body: patch });
    const d = this.deployments.get(`${ns}/${name}`)!;
    const p = structuredClone(patch) as V1Deployment;
    this.deployments.set(`${ns}/${name}`, { ...d, metadata: { ...d.metadata, ...p.metadata, generation: (d.metadata!.generation ?? 1) + 1 }, spec: p.spec ?? d.spec });
  }

  async createService(ns: string, body: V1Service) {
    this.fail();
    this.writes.push({ verb: 'create', kind: 'Service', name: body.metadata!.name!, body });
    this.services.set(`${ns}/${body.metadata!.name}`, structuredClone(body));
  }

  async patchService(ns: string, name: string, patch: object) {
    this.fail();
    this.writes.push({ verb: 'patch', kind: 'Service', name, body: patch });
    const s = this.services.get(`${ns}/${name}`)!;
    const p = structuredClone(patch) as V1Service;
    this.services.set(`${ns}/${name}`, { ...s, metadata: { ...s.metadata, ...p.metadata }, spec: p.spec ?? s.spec });
  }

  async patchAgentStatus(ns: string, name: string, status: RDEAgentStatus) {
    this.fail();
    this.writes.push({ verb: 'status', kind: 'RDEAgent', name, body: status });
    const a = this.agents.get(`${ns}/${name}`)!;
    a.status = structuredClone(status);
  }

  writesOf(verb: Write['verb'], kind?: string): Write[] {
    return this.writes.filter((w) => w.verb === verb && (kind === undefined || w.kind === kind));
  }
}
