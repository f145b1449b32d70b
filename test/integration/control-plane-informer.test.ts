/**
 * The embedded control plane with @kubernetes/client-node's informer: list then watch, resume
 * from the last resourceVersion after the server drops the watch (no relist), relist after 410
 * Gone, plus the raw watch protocol (bookmarks, timeoutSeconds, ERROR 410) and token auth.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';

describe('control plane with client-node informers', function () {
  this.timeout(30_000);
  let cp: ControlPlane;
  let core: k8s.CoreV1Api;

  beforeEach(async () => {
    cp = await startControlPlane({ port: 0, bookmarkIntervalMs: 200 });
    core = cp.kubeConfig().makeApiClient(k8s.CoreV1Api);
  });
  afterEach(async () => { await cp.stop(); });

  function configMapInformer() {
    let lists = 0;
    const events: string[] = [];
    const informer = k8s.makeInformer(cp.kubeConfig(), '/api/v1/namespaces/default/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'default' });
    });
    informer.on('add', (o) => events.push(`add ${o.metadata!.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata!.name} ${JSON.stringify(o.data)}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata!.name}`));
    informer.on('error', (e) => events.push(`error ${String(e)}`));
    return { informer, events, lists: () => lists };
  }

  it('lists, then watches: existing objects, then creates, updates and deletes arrive in order', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before' }, data: { v: '1' } } });
    const { informer, events, lists } = configMapInformer();
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' }, data: { v: '1' } } });
      await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'after', body: { metadata: { name: 'after' }, data: { v: '2' } } });
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'before' });
      await until(() => events.length >= 4);
      assert.deepEqual(events, ['add before', 'add after', 'update after {"v":"2"}', 'delete before']);
      assert.equal(lists(), 1);
      assert.deepEqual(informer.list().map((o) => o.metadata!.name), ['after']);
    } finally {
      await informer.stop();
    }
  });

  it('resumes from its last resourceVersion after the server drops the watch, without relisting', async () => {
    const { informer, events, lists } = configMapInformer();
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' }, data: { v: '1' } } });
      await until(() => events.includes('add a'));
      cp.dropWatches();
      // written while no watch is open: it must come from the replay of the resumed watch
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'a', body: { data: { v: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await until(() => events.includes('update a {"v":"2"}'));
      assert.equal(lists(), 1);
      assert.ok(!events.some((e) => e.startsWith('error')), events.join('; '));
    } finally {
      await informer.stop();
    }
  });

  it('relists after 410 Gone and reports what changed while it was away', async () => {
    const { informer, events, lists } = configMapInformer();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'doomed' } } });
    await informer.start();
    try {
      await until(() => events.includes('add doomed'));
      // the informer is away (as a restarted controller is) while the history it needs is compacted
      await informer.stop();
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'doomed' });
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'newcomer' } } });
      cp.compact();
      await informer.start();
      await until(() => events.includes('delete doomed') && events.includes('add newcomer'));
      assert.equal(lists(), 2);
      assert.deepEqual(informer.list().map((o) => o.metadata!.name), ['newcomer']);
    } finally {
      await informer.stop();
    }
  });

  it('watch protocol: JSON lines, BOOKMARK with allowWatchBookmarks, clean end at timeoutSeconds, ERROR 410 for a compacted version', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w', labels: { app: 'x' } } } });
    const started = Date.now();
    const res = await fetch(`${cp.url}/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=app%3Dx`);
    assert.equal(res.status, 200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; resourceVersion: string } } });
    assert.ok(Date.now() - started >= 900, 'the stream lasts timeoutSeconds');
    assert.equal(lines[0]!.type, 'ADDED');
    assert.equal(lines[0]!.object.metadata.name, 'w');
    assert.ok(lines.slice(1).every((l) => l.type === 'BOOKMARK') && lines.length >= 3, JSON.stringify(lines.map((l) => l.type)));

    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'later' } } });
    cp.compact();
    const gone = await fetch(`${cp.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${created.metadata!.resourceVersion}`);
    const [event] = (await gone.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { code: number; reason: string } });
    assert.deepEqual([event!.type, event!.object.code, event!.object.reason], ['ERROR', 410, 'Expired']);
  });

  it('an object leaving a label selector is DELETED for that watch, one entering it ADDED', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 's', labels: { app: 'x' } } } });
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app=x' });
    const res = await fetch(`${cp.url}/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&labelSelector=app%3Dx&resourceVersion=${list.metadata!.resourceVersion}`);
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 's', body: { metadata: { labels: { app: 'y' } } } }, merge);
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 's', body: { metadata: { labels: { app: 'x' } } } }, merge);
    const types = (await res.text()).trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    assert.deepEqual(types, ['DELETED', 'ADDED']);
  });

  it('with a token, requests without it get 401 Unauthorized and the kubeconfig carries it', async () => {
    const secured = await startControlPlane({ port: 0, token: true });
    try {
      const denied = await fetch(`${secured.url}/api/v1/namespaces`);
      assert.equal(denied.status, 401);
      assert.equal(((await denied.json()) as { reason: string }).reason, 'Unauthorized');
      const namespaces = await secured.kubeConfig().makeApiClient(k8s.CoreV1Api).listNamespace();
      assert.deepEqual(namespaces.items.map((n) => n.metadata!.name), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    } finally {
      await secured.stop();
    }
  });
});

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
