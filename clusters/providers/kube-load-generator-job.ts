/**
 * The Kubernetes objects of one workload's load generators (`--load-generators N` on a cluster):
 * an Indexed Job whose N pods each run `load-generator --listen 0.0.0.0:7070` from the reference
 * image (pod i runs shard i; Kubernetes sets JOB_COMPLETION_INDEX, which the generator checks
 * against the coordinator's init), and a Secret with the token the coordinator must present.
 * The pods wait to be dialled: the coordinator reaches each through `kubectl port-forward pod/...`,
 * so nothing in the cluster has to reach the user's machine.
 */
import { REFERENCE_IMAGE } from '../image/reference-image.ts';
import { TOKEN_ENV } from '../../harness/run/load-generator-protocol.ts';
import { COMPONENT_LABEL, RUN_LABEL, type KubeObject } from './kube-objects.ts';

/** Port a generator pod listens on for its coordinator. */
export const LOAD_GENERATOR_PORT = 7070;
/** The annotation (and, from Kubernetes 1.28, label) the Job controller puts the completion index in. */
export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';
/** A pod nobody dialled exits after this; it covers image pull and the other pods' scheduling. */
const INIT_TIMEOUT = '600s';
/** Finished Jobs (and their pods, with their logs) are kept this long, then removed by the cluster. */
const TTL_AFTER_FINISHED_S = 600;
/**
 * Per pod: a generator is one Node event loop, so a core is what it can use; the request is a
 * quarter so N of them schedule beside the components on a small kind node. No CPU limit: CFS
 * throttling would show up as schedule lag (the generator checks itself and marks the run invalid).
 */
const RESOURCES = { requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '1Gi' } };

export interface LoadGeneratorJobSpec {
  /** Job name, unique in the namespace (loadgen-<k>) */
  name: string;
  namespace: string;
  runId: string;
  /** the workload's name, as the scenario names it (kept in an annotation: it need not be a label value) */
  workload: string;
  count: number;
  token: string;
  image?: string;
}

/** Labels on the Job, its pods and its Secret: the run's label (teardown), and the Job's name to select its pods. */
export function loadGeneratorLabels(spec: Pick<LoadGeneratorJobSpec, 'name' | 'runId'>): Record<string, string> {
  return { [RUN_LABEL]: spec.runId, [COMPONENT_LABEL]: spec.name, 'app.kubernetes.io/name': 'load-generator', 'app.kubernetes.io/part-of': 'caplab' };
}

/** The Secret and the Job, in the order to apply them. */
export function loadGeneratorObjects(spec: LoadGeneratorJobSpec): [KubeObject, KubeObject] {
  const labels = loadGeneratorLabels(spec);
  const selector = { [RUN_LABEL]: spec.runId, [COMPONENT_LABEL]: spec.name };
  const secretName = `${spec.name}-token`;
  const secret: KubeObject = {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: secretName, namespace: spec.namespace, labels },
    type: 'Opaque',
    stringData: { token: spec.token },
  };
  const job: KubeObject = {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: { 'caplab.dev/workload': spec.workload } },
    spec: {
      completionMode: 'Indexed',
      completions: spec.count,
      parallelism: spec.count,
      // A shard that failed cannot be re-run later: its part of the schedule is gone.
      backoffLimit: 0,
      ttlSecondsAfterFinished: TTL_AFTER_FINISHED_S,
      template: {
        metadata: { labels, annotations: { 'caplab.dev/workload': spec.workload } },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          // One generator per node where the cluster has nodes to spare: generators on one node share its CPU and NIC.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' } }],
            },
          },
          containers: [{
            name: 'load-generator',
            image: spec.image ?? REFERENCE_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            args: ['load-generator', '--listen', `0.0.0.0:${LOAD_GENERATOR_PORT}`, '--init-timeout', INIT_TIMEOUT],
            env: [{ name: TOKEN_ENV, valueFrom: { secretKeyRef: { name: secretName, key: 'token' } } }],
            ports: [{ name: 'coordinator', containerPort: LOAD_GENERATOR_PORT }],
            readinessProbe: { tcpSocket: { port: LOAD_GENERATOR_PORT }, periodSeconds: 1 },
            resources: RESOURCES,
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  };
  return [secret, job];
}
