import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { k8sDriverSchema } from '../../../harness/drivers/k8s-schema.ts';
import { isReady, k8sKubeConfig } from '../../../harness/drivers/k8s.ts';

describe('k8s driver: its block, where the API server is, and when an object is reconciled', () => {
  it('takes server or kubeconfig (one of them), with RDEAgent defaults', () => {
    const c = k8sDriverSchema.parse({ server: 'control-plane' });
    assert.deepEqual([c.apiVersion, c.kind, c.resource, c.namespace, c.namePrefix, c.readyCondition], ['kuberde.io/v1', 'RDEAgent', 'rdeagents', 'default', 'churn', 'Ready']);
    assert.equal(k8sDriverSchema.safeParse({}).success, false);
    assert.equal(k8sDriverSchema.safeParse({ server: 'cp', kubeconfig: 'k.yaml' }).success, false);
    assert.equal(k8sDriverSchema.safeParse({ kubeconfig: 'k.yaml', token: 't' }).success, false, 'a token goes with server only');
    assert.equal(k8sDriverSchema.safeParse({ server: 'cp', apiVersion: 'kuberde' }).success, false);
    assert.equal(k8sDriverSchema.safeParse({ server: 'cp', namePrefix: 'Not_A_Name' }).success, false);
  });

  it('server names a component (its endpoint) or is a URL; a token becomes the bearer token', () => {
    const kc = k8sKubeConfig({ server: 'control-plane', token: 'abc' }, { 'control-plane': 'http://127.0.0.1:4321/' }, '.');
    assert.equal(kc.getCurrentCluster()?.server, 'http://127.0.0.1:4321');
    assert.equal(kc.getCurrentUser()?.token, 'abc');
    assert.equal(k8sKubeConfig({ server: 'https://10.0.0.1:6443' }, {}, '.').getCurrentCluster()?.server, 'https://10.0.0.1:6443');
    assert.throws(() => k8sKubeConfig({ server: 'control-plane' }, {}, '.'), /neither a component nor an http\(s\) URL/);
  });

  it('kubeconfig is read relative to the scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-driver-'));
    try {
      writeFileSync(join(dir, 'kc.yaml'), 'apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\ncurrent-context: x\n');
      assert.equal(k8sKubeConfig({ kubeconfig: 'kc.yaml' }, {}, dir).getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an object is reconciled once its ready condition has status "True"', () => {
    const withConditions = (conditions: unknown) => ({ metadata: { name: 'a' }, status: { conditions } });
    assert.equal(isReady(withConditions([{ type: 'Ready', status: 'True' }]), 'Ready'), true);
    assert.equal(isReady(withConditions([{ type: 'Ready', status: 'False' }, { type: 'Synced', status: 'True' }]), 'Ready'), false);
    assert.equal(isReady(withConditions([{ type: 'Synced', status: 'True' }]), 'Synced'), true);
    assert.equal(isReady({ metadata: { name: 'a' } }, 'Ready'), false);
    assert.equal(isReady(withConditions('not a list'), 'Ready'), false);
  });
});
