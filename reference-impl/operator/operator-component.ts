/**
 * The `operator` component: the RDEAgent operator of seed 000 with controller-runtime semantics.
 * It talks to whatever API server its kubeconfig names (the embedded control plane or a real
 * cluster) and serves /healthz, /readyz (caches synced) and /metrics. Its code loads only when started.
 */
import { defineComponent } from '../common/component.ts';

export const operatorFlags = {
  kubeconfig: { kind: 'string', help: 'kubeconfig file of the API server (default: KUBECONFIG, ~/.kube/config, or in-cluster)' },
  server: { kind: 'string', help: 'API server URL instead of a kubeconfig, e.g. http://127.0.0.1:6443 (a scenario passes {{endpoint control-plane}})' },
  token: { kind: 'string', help: 'with --server: bearer token for the API server' },
  installCrd: { kind: 'boolean', default: 'false', help: 'create or update the RDEAgent CRD at start and wait until it is served (needs RBAC on customresourcedefinitions)' },
  namespace: { kind: 'string', help: 'watch RDEAgents in this namespace only (default: all namespaces)' },
  maxConcurrentReconciles: { kind: 'integer', default: '1', help: 'RDEAgents reconciled at once (controller-runtime MaxConcurrentReconciles)' },
  agentImage: { kind: 'string', default: 'caplab/reference:latest', help: 'image of the tunnel-agent container in each agent Deployment' },
  ttlStagger: { kind: 'duration', default: '60s', help: 'TTL checks are spread over this window by a hash of the agent name (0 = none)' },
  leaderElect: { kind: 'boolean', default: 'false', help: 'elect a leader on a Lease; only the leader reconciles' },
  leaderElectionId: { kind: 'string', default: 'kuberde-operator-leader', help: 'name of the Lease' },
  leaderElectionNamespace: { kind: 'string', help: 'namespace of the Lease (default: --namespace, else default)' },
  leaderElectionLeaseDuration: { kind: 'duration', default: '15s', help: 'how long followers wait on an unrenewed Lease before taking it' },
  leaderElectionRenewDeadline: { kind: 'duration', default: '10s', help: 'how long the leader retries renewing before it stops leading' },
  leaderElectionRetryPeriod: { kind: 'duration', default: '2s', help: 'time between tries to take or renew the Lease' },
} as const;

export const operatorComponent = defineComponent({
  describe: 'RDEAgent operator (kuberde.io/v1): Deployment + Service per agent, status, TTL scale-to-zero, leader election',
  flags: operatorFlags,
  async start(options, logger) {
    const { startOperator } = await import('./operator-server.ts');
    return startOperator(options, logger);
  },
});
