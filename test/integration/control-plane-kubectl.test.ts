/**
 * Conformance of the embedded control plane with the real kubectl (on PATH): apply of a CRD and
 * of a custom resource, get -o json, get -w, patch --type merge, wait --for=condition=Ready,
 * delete, and 422 Invalid for malformed custom resources. kubectl keeps its default
 * --validate=strict (the server's OpenAPI v3 says it takes fieldValidation) and runs with its own
 * discovery cache directory.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';

const RDEAGENT_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: rdeagents.kuberde.io
spec:
  group: kuberde.io
  scope: Namespaced
  names: {plural: rdeagents, singular: rdeagent, kind: RDEAgent, shortNames: [rdea]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Owner, type: string, jsonPath: .spec.owner}
    - {name: Phase, type: string, jsonPath: .status.phase}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [owner, serverUrl, authSecret, workloadImage]
            properties:
              owner: {type: string, minLength: 1, maxLength: 63}
              serverUrl: {type: string, pattern: '^wss?://'}
              authSecret: {type: string}
              workloadImage: {type: string}
              localTarget: {type: string}
              ttl: {type: string}
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
`;

const agent = (name: string, spec: Record<string, unknown> = {}) => JSON.stringify({
  apiVersion: 'kuberde.io/v1', kind: 'RDEAgent', metadata: { name, labels: { owner: 'alice' } },
  spec: { owner: 'alice', serverUrl: 'ws://frp-server/ws', authSecret: 'alice-token', workloadImage: 'nginx:alpine', ...spec },
});

interface Run { code: number; stdout: string; stderr: string }

describe('control plane with kubectl', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let dir: string;

  const kubectl = (...args: string[]): Promise<Run> => new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', join(dir, 'cache'), '--request-timeout=10s', ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await kubectl(...args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const file = async (name: string, text: string) => { const p = join(dir, name); await writeFile(p, text); return p; };

  before(async function () {
    // kubectl is on PATH where this suite was written; elsewhere say so rather than fail
    const hasKubectl = await new Promise<boolean>((resolve) => execFile('kubectl', ['version', '--client'], { timeout: 10_000 }, (err) => resolve(err === null)));
    if (!hasKubectl) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'caplab-cp-kubectl-'));
    cp = await startControlPlane({ port: 0 });
    await ok('apply', '-f', await file('crd.yaml', RDEAGENT_CRD));
    await ok('wait', '--for=condition=established', '--timeout=10s', 'crd/rdeagents.kuberde.io');
  });
  after(async () => {
    await cp?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('serves discovery: server version and the CRD kind among the API resources', async () => {
    assert.match(await ok('version', '-o', 'json'), /"gitVersion": "v1\.32\.0-caplab"/);
    const resources = await ok('api-resources', '--no-headers');
    assert.match(resources, /^rdeagents\s+rdea\s+kuberde\.io\/v1\s+true\s+RDEAgent$/m);
    assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(resources, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
  });

  it('apply -f creates an RDEAgent that get -o json returns with resourceVersion and generation', async () => {
    assert.match(await ok('apply', '-f', await file('a1.json', agent('alice'))), /rdeagent\.kuberde\.io\/alice created/);
    const obj = JSON.parse(await ok('get', 'rdeagent', 'alice', '-o', 'json'));
    assert.equal(obj.kind, 'RDEAgent');
    assert.equal(obj.metadata.namespace, 'default');
    assert.equal(obj.metadata.generation, 1);
    assert.match(obj.metadata.resourceVersion, /^\d+$/);
    assert.equal(obj.spec.workloadImage, 'nginx:alpine');
    assert.match(await ok('get', 'rdea'), /^alice\s+alice\s+\S*\s*\d+s$/m);
    assert.match(await ok('apply', '-f', join(dir, 'a1.json')), /unchanged/);
  });

  it('get -w streams the changes a merge patch and a delete make', async () => {
    await ok('apply', '-f', await file('w.json', agent('watched')));
    const watcher = spawn('kubectl', ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', join(dir, 'cache'), 'get', 'rdeagents', '-w', '-o', 'json', '--field-selector', 'metadata.name=watched'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    const exited = new Promise((resolve) => watcher.once('close', resolve));
    try {
      await until(() => out.includes('"name": "watched"'), 10_000);
      await ok('patch', 'rdeagent', 'watched', '--type', 'merge', '-p', '{"spec":{"workloadImage":"nginx:2"}}');
      await until(() => out.includes('nginx:2'), 10_000);
      assert.match(await ok('delete', 'rdeagent', 'watched'), /deleted/);
      await until(() => (out.match(/"kind": "RDEAgent"/g) ?? []).length >= 3, 10_000);
      const generations = [...out.matchAll(/"generation": (\d+)/g)].map((m) => Number(m[1]));
      assert.deepEqual(generations.slice(0, 2), [1, 2]);
    } finally {
      watcher.kill('SIGTERM');
      await exited;
    }
  });

  it('wait --for=condition=Ready returns once the status subresource says Ready', async () => {
    await ok('apply', '-f', await file('r.json', agent('ready')));
    const waiting = kubectl('wait', '--for=condition=Ready', '--timeout=15s', 'rdeagent/ready');
    await new Promise((r) => setTimeout(r, 300));
    const status = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', reason: 'AgentReady', message: 'ok', lastTransitionTime: new Date().toISOString() }] } };
    await ok('patch', 'rdeagent', 'ready', '--subresource=status', '--type', 'merge', '-p', JSON.stringify(status));
    const r = await waiting;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /condition met/);
  });

  it('delete cascades to objects the RDEAgent owns, and get of a deleted object is NotFound', async () => {
    await ok('apply', '-f', await file('o.json', agent('owner')));
    const uid = (await ok('get', 'rdeagent', 'owner', '-o', 'jsonpath={.metadata.uid}')).trim();
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', ownerReferences: [{ apiVersion: 'kuberde.io/v1', kind: 'RDEAgent', name: 'owner', uid, controller: true }] } };
    await ok('create', '-f', await file('cm.json', JSON.stringify(cm)));
    await ok('delete', 'rdeagent', 'owner');
    await until(async () => (await kubectl('get', 'configmap', 'owned')).code !== 0, 5_000);
    const gone = await kubectl('get', 'rdeagent', 'owner');
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound.*rdeagents\.kuberde\.io "owner" not found/);
  });

  it('malformed RDEAgents get 422 Invalid: schema violations, unknown fields, huge specs', async () => {
    const cases: [string, string, RegExp][] = [
      ['missing', JSON.stringify({ apiVersion: 'kuberde.io/v1', kind: 'RDEAgent', metadata: { name: 'bad1' }, spec: { owner: 'a' } }), /spec\.serverUrl: Required value/],
      ['pattern', agent('bad2', { serverUrl: 'http://not-ws' }), /spec\.serverUrl: Invalid value.*should match/],
      ['type', agent('bad3', { owner: 7 }), /spec\.owner: Invalid value.*must be of type string/],
      ['unknown', agent('bad4', { replicaz: 3 }), /spec\.replicaz: unknown field/],
      ['huge', agent('bad5', { localTarget: 'x'.repeat(2 * 1024 * 1024) }), /is invalid.*object is \d+ bytes, more than the 1572864/],
    ];
    for (const [label, body, message] of cases) {
      const r = await kubectl('create', '-f', await file(`${label}.json`, body));
      assert.notEqual(r.code, 0, label);
      assert.match(r.stderr, /The RDEAgent "bad\d" is invalid/, label);
      assert.match(r.stderr, message, label);
      const raw = await fetch(`${cp.url}/apis/kuberde.io/v1/namespaces/default/rdeagents`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      const status = await raw.json() as { kind: string; code: number; reason: string };
      assert.deepEqual([raw.status, status.kind, status.code, status.reason], [422, 'Status', 422, 'Invalid'], label);
    }
    const pruned = await kubectl('create', '--validate=false', '-f', join(dir, 'unknown.json'));
    assert.equal(pruned.code, 0, 'with --validate=false kubectl sends fieldValidation=Ignore and unknown fields are pruned');
    assert.equal(JSON.parse(await ok('get', 'rdeagent', 'bad4', '-o', 'json')).spec.replicaz, undefined);
    const tooBig = await fetch(`${cp.url}/apis/kuberde.io/v1/namespaces/default/rdeagents`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: agent('bad6', { localTarget: 'x'.repeat(4 * 1024 * 1024) }) });
    assert.equal(tooBig.status, 413);
  });

  it('applies a kind: List with kubectl\'s default validation, which still rejects an item\'s unknown field', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'in-list' }, data: { a: '1' } };
    const list = (...items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    const applied = await ok('apply', '-f', await file('list.json', list(cm, JSON.parse(agent('in-list')))));
    assert.match(applied, /configmap\/in-list created/);
    assert.match(applied, /rdeagent\.kuberde\.io\/in-list created/);
    const bad = await kubectl('apply', '-f', await file('bad-list.json', list(JSON.parse(agent('in-list-bad', { replicaz: 3 })))));
    assert.notEqual(bad.code, 0, 'Strict reaches the server for each item of the List');
    assert.match(bad.stderr, /spec\.replicaz: unknown field/);
    assert.notEqual((await kubectl('get', 'rdeagent', 'in-list-bad')).code, 0);
  });

  it('apply --server-side creates then updates; patch --type json; a second create is AlreadyExists', async () => {
    const path = await file('ssa.json', agent('ssa'));
    assert.match(await ok('apply', '--server-side', '-f', path), /serverside-applied/);
    await writeFile(path, agent('ssa', { ttl: '8h' }));
    await ok('apply', '--server-side', '-f', path);
    await ok('patch', 'rdeagent', 'ssa', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/owner","value":"bob"}]');
    const obj = JSON.parse(await ok('get', 'rdeagent', 'ssa', '-o', 'json'));
    assert.deepEqual([obj.spec.ttl, obj.spec.owner, obj.metadata.generation], ['8h', 'bob', 3]);
    const again = await kubectl('create', '-f', path);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /AlreadyExists.*rdeagents\.kuberde\.io "ssa" already exists/);
  });

  it('a write with a stale resourceVersion is 409 Conflict as a Status', async () => {
    await ok('apply', '-f', await file('c.json', agent('conflict')));
    const obj = JSON.parse(await ok('get', 'rdeagent', 'conflict', '-o', 'json'));
    await ok('patch', 'rdeagent', 'conflict', '--type', 'merge', '-p', '{"spec":{"ttl":"1h"}}');
    const url = `${cp.url}/apis/kuberde.io/v1/namespaces/default/rdeagents/conflict`;
    const res = await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(obj) });
    const status = await res.json() as { reason: string; message: string };
    assert.equal(res.status, 409);
    assert.equal(status.reason, 'Conflict');
    assert.match(status.message, /the object has been modified/);
  });
});

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
