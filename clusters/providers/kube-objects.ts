/**
 * ComponentSpec -> Kubernetes objects. Each reference component becomes a Deployment and a Service
 * made from the manifests' pod template for that component (clusters/manifests, one overlay
 * rendered by `kubectl kustomize`), so probes, security context, env and resources are the ones
 * the manifests ship; the scenario's flags become container args (after the template's, so they
 * win) and its `limits:` become both requests and limits (Guaranteed QoS: what was measured is
 * what the pod was given). A component the manifests do not cover gets the echo template.
 */
import { CaplabError } from '../../harness/errors.ts';
import type { ComponentSpec } from '../cluster.ts';
import { CONTAINER_PORT, REFERENCE_IMAGE } from '../image/reference-image.ts';

/** Every object a run creates carries it, so teardown can find them all. */
export const RUN_LABEL = 'caplab.dev/run';
/** The scenario's component name on its Deployment, pods and Service. */
export const COMPONENT_LABEL = 'caplab.dev/component';
/** The manifests' label naming the reference component a template is for. */
const TEMPLATE_LABEL = 'app.kubernetes.io/name';
/** Components that speak raw TCP, not HTTP: their endpoint is tcp:// and readiness a TCP connect. */
const TCP_COMPONENTS = new Set(['tcp-echo', 'tunnel-connect']);
/** Namespaced kinds from the overlay a component's pods may need (identity, RBAC, secrets). */
const SUPPORT_KINDS = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'Secret', 'ConfigMap']);
/** The flags the pod template owns: every container listens on 0.0.0.0:8080. */
const OWNED_FLAGS = new Set(['host', 'port']);

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

/** The overlay split into what deployments are made from. */
export interface Templates {
  /** reference component -> its Deployment in the overlay */
  deployments: Map<string, KubeObject>;
  /** ServiceAccounts, Roles, RoleBindings, Secrets, ConfigMaps */
  support: KubeObject[];
  /** CustomResourceDefinitions (cluster-scoped) */
  crds: KubeObject[];
}

/** How a component's Service is reached from this machine. */
export type ServiceExposure = { type: 'ClusterIP' } | { type: 'NodePort'; nodePort: number };

export interface Placement {
  namespace: string;
  runId: string;
  image?: string;
}

/** Sorts a rendered overlay into templates. */
export function templatesFrom(objects: readonly KubeObject[]): Templates {
  const t: Templates = { deployments: new Map(), support: [], crds: [] };
  for (const o of objects) {
    if (o.kind === 'Deployment') {
      const name = o.metadata.labels?.[TEMPLATE_LABEL];
      if (name !== undefined) t.deployments.set(name, o);
    } else if (o.kind === 'CustomResourceDefinition') t.crds.push(o);
    else if (SUPPORT_KINDS.has(o.kind)) t.support.push(o);
  }
  return t;
}

/** Whether a reference component speaks raw TCP. */
export function isTcpComponent(spec: ComponentSpec): boolean {
  return TCP_COMPONENTS.has(spec.component ?? '');
}

/** The URL other components reach `spec` at inside the cluster (what `{{endpoint NAME}}` becomes there). */
export function inClusterUrl(spec: ComponentSpec, namespace: string): string {
  return `${isTcpComponent(spec) ? 'tcp' : 'http'}://${spec.name}.${namespace}.svc.cluster.local:${CONTAINER_PORT}`;
}

/** Labels that select one component of one run. */
export function selectorLabels(name: string, runId: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [COMPONENT_LABEL]: name };
}

/** Throws CAPLAB_ERR_USAGE unless `name` can name a Service (DNS-1035 label). */
export function checkKubeName(name: string): void {
  if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    throw new CaplabError('CAPLAB_ERR_USAGE', `component name '${name}' cannot name a Kubernetes Service`,
      { hint: 'on Kubernetes, component names must be lower-case letters, digits and -, starting with a letter, at most 63 characters' });
  }
}

/** The Deployment and Service for one reference component whose flags and env are already resolved. */
export function componentObjects(spec: ComponentSpec, templates: Templates, placement: Placement, exposure: ServiceExposure): [KubeObject, KubeObject] {
  const component = spec.component!;
  const template = templates.deployments.get(component) ?? templates.deployments.get('echo');
  const deployment: KubeObject = template ? structuredClone(template) : minimalDeployment();
  const labels = { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': 'caplab', ...selectorLabels(spec.name, placement.runId) };
  deployment.metadata = { name: spec.name, namespace: placement.namespace, labels };
  const dspec = deployment.spec as { replicas: number; selector: unknown; template: { metadata: { labels: Record<string, string> }; spec: { containers: Record<string, unknown>[] } } };
  dspec.replicas = spec.replicas;
  dspec.selector = { matchLabels: selectorLabels(spec.name, placement.runId) };
  dspec.template.metadata = { labels };
  const c = dspec.template.spec.containers[0]!;
  c.name = component;
  c.image = placement.image ?? REFERENCE_IMAGE;
  const templateArgs = template && template.metadata.labels?.[TEMPLATE_LABEL] === component ? ((c.args as string[] | undefined) ?? []) : [];
  c.args = containerArgs(component, templateArgs, spec.flags);
  const env = ((c.env as { name: string }[] | undefined) ?? []).filter((e) => !(e.name in spec.env));
  c.env = [...env, ...Object.entries(spec.env).map(([name, value]) => ({ name, value }))];
  c.ports = [{ name: 'http', containerPort: CONTAINER_PORT }];
  c.readinessProbe = isTcpComponent(spec)
    ? { tcpSocket: { port: CONTAINER_PORT }, periodSeconds: 2 }
    : { httpGet: { path: spec.readiness.path, port: CONTAINER_PORT }, periodSeconds: 2 };
  if (spec.limits?.cpuCores !== undefined || spec.limits?.memoryBytes !== undefined) {
    const r: Record<string, string> = {};
    if (spec.limits.cpuCores !== undefined) r.cpu = `${Math.max(1, Math.round(spec.limits.cpuCores * 1000))}m`;
    if (spec.limits.memoryBytes !== undefined) r.memory = String(Math.round(spec.limits.memoryBytes));
    c.resources = { requests: { ...r }, limits: { ...r } };
  }
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: spec.name, namespace: placement.namespace, labels },
    spec: {
      type: exposure.type,
      selector: selectorLabels(spec.name, placement.runId),
      ports: [{ name: 'http', port: CONTAINER_PORT, targetPort: CONTAINER_PORT, ...(exposure.type === 'NodePort' ? { nodePort: exposure.nodePort } : {}) }],
    },
  };
  return [deployment, service];
}

/** The overlay's support objects, moved into the run's namespace and labelled with the run. */
export function supportObjects(templates: Templates, placement: Placement): KubeObject[] {
  return templates.support.map((o) => {
    const copy = structuredClone(o);
    copy.metadata = { ...copy.metadata, namespace: placement.namespace, labels: { ...copy.metadata.labels, [RUN_LABEL]: placement.runId } };
    if (copy.kind === 'RoleBinding') {
      copy.subjects = (copy.subjects as { kind: string; namespace?: string }[]).map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace: placement.namespace } : s));
    }
    return copy;
  });
}

/**
 * `[component, --host, 0.0.0.0, --port, 8080, ...]`: the template's own flags first (e.g. the
 * operator's `--namespace $(POD_NAMESPACE)`), minus any the scenario sets, then the scenario's.
 */
export function containerArgs(component: string, templateArgs: readonly string[], flags: ComponentSpec['flags']): string[] {
  const set = new Set(Object.keys(flags));
  const kept: string[] = [];
  const words = templateArgs.slice(1);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) continue;
    const eq = word.indexOf('=');
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    const value = eq === -1 && i + 1 < words.length && !words[i + 1]!.startsWith('--') ? words[++i] : undefined;
    if (OWNED_FLAGS.has(name) || set.has(name)) continue;
    kept.push(word, ...(value !== undefined ? [value] : []));
  }
  const fromScenario = Object.entries(flags).filter(([k]) => !OWNED_FLAGS.has(k)).flatMap(([k, v]) =>
    v === true ? [`--${k}`] : v === false ? [`--${k}=false`] : [`--${k}`, String(v)]);
  return [component, '--host', '0.0.0.0', '--port', String(CONTAINER_PORT), ...kept, ...fromScenario];
}

/** A pod template for when the overlay has none at all (it always has echo's, so only for a bare overlay). */
function minimalDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: '' },
    spec: {
      template: {
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          containers: [{ imagePullPolicy: 'IfNotPresent', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        },
      },
    },
  };
}
