/**
 * One operator process: informers fill the caches, and once they have synced the controller runs
 * (at once, or while this process leads the Lease). HTTP serves /healthz, /readyz and /metrics.
 * A new leadership term gets a fresh workqueue seeded with every cached agent, as a
 * controller-runtime controller starting up sees an add event for each object in its cache.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import type { ComponentOptions, RunningComponent } from '../common/component.ts';
import { HttpLifecycle } from '../common/http-lifecycle.ts';
import type { Logger } from '../common/logger.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../common/prometheus-text.ts';
import { UsageError } from '../common/usage-error.ts';
import { realClock } from './clock.ts';
import { ClientNodeApi, loadKubeConfig } from './client-node-api.ts';
import { Controller } from './controller.ts';
import { LeaderElector, leaderElectionProblem } from './leader-election.ts';
import type { operatorFlags } from './operator-component.ts';
import { OperatorMetrics } from './operator-metrics.ts';
import { defaultControllerRateLimiter } from './rate-limiters.ts';
import { API_VERSION, GROUP, KIND, objectKey, type RDEAgent } from './rdeagent.ts';
import { RDEAgentReconciler } from './rdeagent-reconciler.ts';
import { WorkQueue } from './workqueue.ts';

const CONTROLLER_NAME = 'rdeagent';

interface Term { queue: WorkQueue<string>; controller: Controller }

/** Starts the operator; resolves once its HTTP endpoint listens (caches sync in the background; /readyz says when). */
export async function startOperator(options: ComponentOptions<typeof operatorFlags>, logger: Logger): Promise<RunningComponent> {
  if (options.maxConcurrentReconciles < 1) throw new UsageError('bad-flag', 'component operator: --max-concurrent-reconciles must be at least 1');
  const electionProblem = leaderElectionProblem(options.leaderElectionLeaseDuration, options.leaderElectionRenewDeadline, options.leaderElectionRetryPeriod);
  if (options.leaderElect && electionProblem) throw new UsageError('bad-flag', `component operator: ${electionProblem}`);
  if (options.token !== undefined && options.server === undefined) throw new UsageError('bad-flag', 'component operator: --token goes with --server (a kubeconfig carries its own credentials)');
  let kc;
  try {
    kc = loadKubeConfig({ kubeconfig: options.kubeconfig, server: options.server, token: options.token });
  } catch (err) {
    const source = options.server !== undefined ? `server ${options.server}` : `kubeconfig ${options.kubeconfig ?? '(default)'}`;
    throw new UsageError('bad-flag', `component operator: cannot use ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }

  const clock = realClock;
  const api = new ClientNodeApi(kc, options.namespace);
  const metrics = new OperatorMetrics(CONTROLLER_NAME, options.maxConcurrentReconciles, options.leaderElectionId);
  const reconciler = new RDEAgentReconciler(api, api, clock, { agentImage: options.agentImage, ttlStaggerWindowMs: options.ttlStagger });
  let term: Term | undefined;
  let synced = false;
  let draining = false;

  const startTerm = () => {
    const queue = new WorkQueue<string>(clock, defaultControllerRateLimiter(clock), metrics.workqueueObserver());
    const controller = new Controller(queue, reconciler, options.maxConcurrentReconciles, metrics, clock, {
      reconcileError: (key, err, retries) => logger.warn({ key, retries, err: err instanceof Error ? err.message : String(err) }, 'reconcile failed; retrying with backoff'),
    });
    term = { queue, controller };
    for (const agent of api.listAgents()) queue.add(objectKey(agent.metadata.namespace, agent.metadata.name!));
    controller.start();
    logger.info({ agents: queue.len(), maxConcurrentReconciles: options.maxConcurrentReconciles }, 'controller started');
  };
  const stopTerm = async (deadlineMs: number) => {
    const ending = term;
    term = undefined;
    if (ending && !(await ending.controller.stop(deadlineMs))) logger.warn('reconciles still running at the stop deadline');
  };
  metrics.gauges = {
    queueDepth: () => term?.queue.len() ?? 0,
    activeWorkers: () => term?.controller.activeWorkers ?? 0,
    isLeader: () => elector?.isLeader ?? false,
  };

  const identity = `${hostname()}_${randomUUID()}`;
  const abort = new AbortController();
  const elector = options.leaderElect ? new LeaderElector({
    lease: api.leaseApi(),
    namespace: options.leaderElectionNamespace ?? options.namespace ?? 'default',
    name: options.leaderElectionId,
    identity,
    leaseDurationMs: options.leaderElectionLeaseDuration,
    renewDeadlineMs: options.leaderElectionRenewDeadline,
    retryPeriodMs: options.leaderElectionRetryPeriod,
    clock,
    onStartedLeading: () => { logger.info({ identity }, 'became leader'); startTerm(); },
    onStoppedLeading: async () => { logger.warn({ identity }, 'stopped leading'); await stopTerm(options.drainTimeout); },
    onError: (err) => logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'lease call failed'),
  }) : undefined;
  let electing: Promise<void> | undefined;

  const http = new HttpLifecycle(createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)); };
    if (path === '/healthz') json(200, { status: 'ok' });
    else if (path === '/readyz') {
      const ready = synced && !draining;
      json(ready ? 200 : 503, { status: draining ? 'draining' : synced ? 'ready' : 'syncing caches', leader: elector ? elector.isLeader : null });
    } else if (path === '/metrics') res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(metrics.render());
    else json(404, { error: 'not found; try /healthz, /readyz or /metrics' });
  }));
  const url = await http.listen(options.host, options.port);

  const enqueue = (key: string) => term?.queue.add(key);
  const crdReady = options.installCrd
    ? import('./crd-install.ts').then(({ installCrd }) => installCrd(kc, abort.signal)).then((outcome) => logger.info({ outcome }, 'RDEAgent CRD installed'))
    : Promise.resolve();
  crdReady.then(() => api.startInformers({
    agentChanged: (agent: RDEAgent) => enqueue(objectKey(agent.metadata.namespace, agent.metadata.name!)),
    childChanged: (child: V1Deployment | V1Service) => {
      // EnqueueRequestForOwner: a change to a child reconciles the RDEAgent that controls it
      const owner = child.metadata?.ownerReferences?.find((r) => r.controller && r.kind === KIND && (r.apiVersion === API_VERSION || r.apiVersion?.startsWith(`${GROUP}/`)));
      if (owner) enqueue(objectKey(child.metadata?.namespace, owner.name));
    },
    informerError: (resource, err) => logger.warn({ resource, err: err instanceof Error ? err.message : String(err) }, 'watch failed; restarting the informer'),
  })).then(() => {
    if (draining) return;
    synced = true;
    logger.info({ namespace: options.namespace ?? '(all)', leaderElect: options.leaderElect }, 'caches synced');
    if (elector) electing = elector.run(abort.signal);
    else startTerm();
  }, (err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'informers failed to start'));

  logger.info({ url, identity, namespace: options.namespace ?? '(all)' }, 'operator listening');
  let closing: Promise<{ abandoned: number }> | undefined;
  return {
    component: 'operator',
    url,
    close(deadlineMs = options.drainTimeout) {
      closing ??= (async () => {
        draining = true;
        abort.abort();
        if (electing) await electing; // stops the term through onStoppedLeading
        await stopTerm(deadlineMs);
        if (elector) await elector.release();
        await api.stopInformers();
        return http.drain(Math.min(deadlineMs, 1000));
      })();
      return closing;
    },
  };
}
