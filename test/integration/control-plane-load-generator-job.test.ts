/**
 * The load generators' Secret and Indexed Job, as the kube launcher applies them, accepted by the
 * real kubectl against the embedded control plane: first a server-side dry run (nothing stored),
 * then for real, read back as applied. The local kubelet stores Jobs; it does not run them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';
import { loadGeneratorObjects } from '../../clusters/providers/kube-load-generator-job.ts';

interface Run { code: number; stdout: string; stderr: string }

describe('the load-generator Indexed Job on the embedded control plane', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let dir: string;
  const kubectl = (args: string[], input?: string): Promise<Run> => new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', join(dir, 'cache'), '--request-timeout=10s', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'caplab-job-'));
    cp = await startControlPlane({ port: 0 });
    // `kubectl create namespace` sends protobuf, which the control plane does not read; apply sends JSON.
    const ns = await kubectl(['apply', '--server-side=false', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'caplab-x' } }));
    assert.equal(ns.code, 0, ns.stderr);
  });
  after(async () => {
    await cp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  // One document each: kubectl validates a `kind: List` with OpenAPI v2, which this control plane does not serve.
  const list = () => loadGeneratorObjects({ name: 'loadgen-1', namespace: 'caplab-x', runId: 'x', workload: 'w', count: 3, token: 't' }).map((o) => JSON.stringify(o)).join('\n');

  it('is accepted by `kubectl apply --server-side=false --dry-run=server` and nothing is stored', async () => {
    const r = await kubectl(['apply', '--server-side=false', '--dry-run=server', '-f', '-'], list());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /job\.batch\/loadgen-1 created \(server dry run\)/);
    assert.match(r.stdout, /secret\/loadgen-1-token created \(server dry run\)/);
    const jobs = await kubectl(['get', 'jobs', '-n', 'caplab-x', '-o', 'json']);
    assert.equal(jobs.code, 0, jobs.stderr);
    assert.deepEqual(JSON.parse(jobs.stdout).items, []);
  });

  it('applies for real and reads back Indexed, 3 completions and parallelism, selected by the run label', async () => {
    const r = await kubectl(['apply', '--server-side=false', '-f', '-'], list());
    assert.equal(r.code, 0, r.stderr);
    const got = await kubectl(['get', 'jobs', '-n', 'caplab-x', '-l', 'caplab.dev/run=x', '-o', 'json']);
    const [job] = JSON.parse(got.stdout).items;
    assert.equal(job.metadata.name, 'loadgen-1');
    assert.deepEqual([job.spec.completionMode, job.spec.completions, job.spec.parallelism, job.spec.backoffLimit], ['Indexed', 3, 3, 0]);
    assert.deepEqual(job.spec.template.spec.containers[0].args.slice(0, 3), ['load-generator', '--listen', '0.0.0.0:7070']);
  });
});
