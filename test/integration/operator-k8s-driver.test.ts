/**
 * The k8s driver against the embedded control plane (no operator: the test writes the status an
 * operator would): creates are tracked by the per-run label, Ready is seen through the watch, the
 * watch resumes after the server ends it and relists after a 410, deleteAll removes the run's
 * objects by label, and close() removes whatever is left.
 */
import assert from 'node:assert/strict';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';
import { k8sDriverSchema } from '../../harness/drivers/k8s-schema.ts';
import { createK8sDriver, RUN_LABEL, type ChurnDriver } from '../../harness/drivers/k8s.ts';
import { realClock } from '../../harness/executors/clock.ts';
import { MetricsRegistry } from '../../harness/metrics/registry.ts';
import { Recorded } from '../unit/executors/metric-deltas.ts';
import { applyCrd, NS, waitFor } from './operator-support.ts';

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const SPEC = { owner: 'stresstest', serverUrl: 'ws://frp-server.kuberde.svc/ws', authSecret: 'frp-agent-auth', workloadImage: 'nginx:alpine', ttl: '0' };

describe('k8s driver against the embedded control plane', function () {
  this.timeout(20_000);
  let cp: ControlPlane;
  let custom: CustomObjectsApi;
  const drivers: ChurnDriver[] = [];

  before(async () => {
    cp = await startControlPlane({ port: 0 });
    await applyCrd(cp);
    custom = cp.kubeConfig().makeApiClient(CustomObjectsApi);
  });
  after(async () => {
    for (const d of drivers) await d.close();
    await cp?.stop();
  });

  const driver = (registry: MetricsRegistry, spec: Record<string, unknown> = SPEC): ChurnDriver => {
    const config = k8sDriverSchema.parse({ server: 'control-plane', labels: { owner: 'stresstest' }, spec });
    const d = createK8sDriver(config, { recorder: registry, clock: realClock, endpoints: { 'control-plane': cp.url }, tags: { workload: 'churn' }, maxConcurrency: 10, baseDir: '.' });
    drivers.push(d);
    return d;
  };
  const iteration = (i: number) => ({ intendedTime: realClock.now(), vu: 0, iteration: i, signal: new AbortController().signal });
  const names = async (selector: string) => ((await custom.listNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', labelSelector: selector })) as { items: { metadata: { name: string; labels: Record<string, string> } }[] }).items;
  const markReady = (name: string) => custom.patchNamespacedCustomObjectStatus({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', name, body: {
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
  } }, MERGE);
  const until = async (d: ChurnDriver, what: string, done: () => boolean) => {
    const stop = AbortSignal.timeout(5_000);
    while (!done() && !stop.aborted) await d.changed(stop);
    assert.ok(done(), `timed out waiting for ${what}`);
  };

  it('tracks its objects by label, sees Ready through the watch (also after the watch is dropped or compacted) and deletes by label', async () => {
    const registry = new MetricsRegistry();
    const d = driver(registry);
    await d.open();
    await Promise.all([0, 1, 2].map((i) => d.iterate(iteration(i))));
    assert.equal(d.created, 3);
    const mine = await names(RUN_LABEL);
    assert.equal(mine.length, 3);
    assert.ok(mine.every((o) => o.metadata.labels['owner'] === 'stresstest' && /^churn-[0-9a-f]{6}-000[0-2]$/.test(o.metadata.name)), JSON.stringify(mine.map((o) => o.metadata)));

    await markReady(mine[0]!.metadata.name);
    await until(d, 'the first Ready', () => d.ready === 1);
    cp.dropWatches(); // the watch resumes from its last resourceVersion
    await markReady(mine[1]!.metadata.name);
    await until(d, 'Ready after a dropped watch', () => d.ready === 2);
    cp.compact();
    cp.dropWatches(); // the resume gets 410 Gone: the driver lists again
    await markReady(mine[2]!.metadata.name);
    await until(d, 'Ready after a relist', () => d.ready === 3);

    await d.deleteAll();
    await until(d, 'every object deleted', () => d.gone === 3);
    assert.equal((await names(RUN_LABEL)).length, 0);
    const m = new Recorded(registry);
    assert.equal(m.count('reconcile_lag'), 3);
    assert.deepEqual([m.count('k8s_req_failed'), m.passes('k8s_req_failed')], [4, 0], 'three creates and one delete-collection, none failed');
    assert.equal(m.gauge('reconcile_pending').max, 3);
  });

  it('counts a create the API server refuses (422) as a failed request, not as created', async () => {
    const registry = new MetricsRegistry();
    const d = driver(registry, { owner: 'no-other-required-fields' });
    await d.open();
    await d.iterate(iteration(0));
    assert.equal(d.created, 0);
    const m = new Recorded(registry);
    assert.deepEqual([m.count('k8s_req_failed'), m.passes('k8s_req_failed')], [1, 1]);
  });

  it('close() deletes what the run left behind', async () => {
    const d = driver(new MetricsRegistry());
    await d.open();
    await d.iterate(iteration(0));
    await d.iterate(iteration(1));
    const selector = `${RUN_LABEL}=${(await names(RUN_LABEL)).at(-1)!.metadata.labels[RUN_LABEL]}`;
    assert.equal((await names(selector)).length, 2);
    await d.close();
    await waitFor('the leftovers to go', async () => ((await names(selector)).length === 0 ? true : undefined));
  });

  it('rejects a server that is neither a component nor a URL', () => {
    const config = k8sDriverSchema.parse({ server: 'nowhere', spec: SPEC });
    assert.throws(() => createK8sDriver(config, { recorder: new MetricsRegistry(), clock: realClock, endpoints: {}, tags: {}, maxConcurrency: 1, baseDir: '.' }), /"nowhere" is neither a component nor an http\(s\) URL/);
  });
});
