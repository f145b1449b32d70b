/**
 * The Deployment and Service an RDEAgent should have: pure functions of the agent and the
 * operator's settings, so the reconciler only compares and writes. A hash of what we set is kept
 * in an annotation; the reconciler updates a child when the hash differs, which ignores the
 * fields the API server defaults.
 */
import { createHash } from 'node:crypto';
import type { V1Deployment, V1OwnerReference, V1Service } from '@kubernetes/client-node';
import { API_VERSION, KIND, type RDEAgent } from './rdeagent.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'kuberde-operator';
export const AGENT_LABEL = 'kuberde.io/agent';
export const SPEC_HASH_ANNOTATION = 'kuberde.io/spec-hash';
export const OWNER_ANNOTATION = 'kuberde.io/owner';

export interface ChildSettings {
  /** the tunnel agent's image (the reference image, which runs `caplab serve tunnel-agent`) */
  agentImage: string;
}

/**
 * The children's name: `rdeagent-<name>`, made a valid DNS-1035 label (a Service name) for any
 * valid RDEAgent name (up to 253 characters, with dots): dots become dashes, and a long name is
 * cut and given a hash suffix so two long names never collide.
 */
export function childName(agentName: string): string {
  const base = `rdeagent-${agentName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
  if (base.length <= 63 && !base.endsWith('-')) return base;
  const hash = createHash('sha256').update(agentName).digest('hex').slice(0, 8);
  return `${base.slice(0, 63 - 9).replace(/-+$/, '')}-${hash}`;
}

/** The port of a host:port target (default 80). */
export function targetPort(localTarget: string | undefined): number {
  const m = /:(\d{1,5})$/.exec(localTarget ?? '');
  const port = m ? Number(m[1]) : 80;
  return port >= 1 && port <= 65535 ? port : 80;
}

function ownerReference(agent: RDEAgent): V1OwnerReference {
  return { apiVersion: API_VERSION, kind: KIND, name: agent.metadata.name!, uid: agent.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'rdeagent', [AGENT_LABEL]: name };
}

/** The agent's Deployment: the tunnel agent and the workload in one pod, `replicas` 1 or 0 (idle). */
export function desiredDeployment(agent: RDEAgent, replicas: 0 | 1, settings: ChildSettings): V1Deployment {
  const name = childName(agent.metadata.name!);
  const { spec } = agent;
  const localTarget = spec.localTarget ?? 'localhost:80';
  const deploymentSpec: NonNullable<V1Deployment['spec']> = {
    replicas,
    selector: { matchLabels: selectorLabels(name) },
    template: {
      metadata: { labels: selectorLabels(name) },
      spec: {
        containers: [
          {
            name: 'agent',
            image: settings.agentImage,
            args: ['serve', 'tunnel-agent', '--server', spec.serverUrl, '--local-target', localTarget, '--agent-id', agent.metadata.name!, '--owner', spec.owner, '--port', '8080', '--host', '0.0.0.0'],
            env: [{ name: 'TUNNEL_AGENT_TOKEN', valueFrom: { secretKeyRef: { name: spec.authSecret, key: 'token', optional: true } } }],
            ports: [{ name: 'health', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 5 },
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
          },
          { name: 'workload', image: spec.workloadImage, ports: [{ name: 'target', containerPort: targetPort(localTarget) }] },
        ],
      },
    },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: agent.metadata.namespace,
      labels: { ...selectorLabels(name), [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { [SPEC_HASH_ANNOTATION]: specHash(deploymentSpec), [OWNER_ANNOTATION]: spec.owner },
      ownerReferences: [ownerReference(agent)],
    },
    spec: deploymentSpec,
  };
}

/** The Service in front of the workload's target port. */
export function desiredService(agent: RDEAgent): V1Service {
  const name = childName(agent.metadata.name!);
  const port = targetPort(agent.spec.localTarget);
  const serviceSpec: NonNullable<V1Service['spec']> = {
    type: 'ClusterIP',
    selector: selectorLabels(name),
    ports: [{ name: 'target', port, targetPort: port, protocol: 'TCP' }],
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: agent.metadata.namespace,
      labels: { ...selectorLabels(name), [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { [SPEC_HASH_ANNOTATION]: specHash(serviceSpec) },
      ownerReferences: [ownerReference(agent)],
    },
    spec: serviceSpec,
  };
}

/** A short hash of a spec as we wrote it. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}
