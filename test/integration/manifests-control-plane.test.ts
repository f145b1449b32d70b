/**
 * Every overlay of clusters/manifests applied with the real kubectl (`apply --server-side=false`,
 * kubectl's default validation) to the embedded control plane, and read back; then the whole overlay with
 * `apply -k` (RBAC, PodDisruptionBudgets and the HPA included). Were a kind ever not served, the
 * first test leaves it out and the `apply -k` test is skipped, naming it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';

const OVERLAYS = fileURLToPath(new URL('../../clusters/manifests/overlays/', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };

describe('clusters/manifests overlays applied to the embedded control plane', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => { dir = await mkdtemp(join(tmpdir(), 'caplab-manifests-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  for (const overlay of ['small', 'medium', 'large']) {
    describe(overlay, () => {
      let cp: ControlPlane;
      let rendered: Obj[];
      let unserved: Obj[];
      const kubectl = (...args: string[]): Promise<Run> => new Promise((resolve) => {
        execFile('kubectl', ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', join(dir, `cache-${overlay}`), '--request-timeout=10s', ...args],
          { timeout: 30_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
          });
      });
      const ok = async (...args: string[]): Promise<string> => {
        const r = await kubectl(...args);
        assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
        return r.stdout;
      };

      before(async () => {
        cp = await startControlPlane({ port: 0 });
        rendered = parseAllDocuments(await ok('kustomize', join(OVERLAYS, overlay))).map((d) => d.toJS() as Obj);
        // apiVersion + kind pairs the server lists in discovery
        const served = new Set((await ok('api-resources', '--no-headers', '-o', 'wide')).split('\n').filter(Boolean).map((line) => {
          const cols = line.trim().split(/\s+/);
          // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS...: APIVERSION is the column before true/false
          const at = cols.findIndex((c) => c === 'true' || c === 'false');
          return `${cols[at - 1]} ${cols[at + 1]}`;
        }));
        unserved = rendered.filter((o) => !served.has(`${o.apiVersion} ${o.kind}`));
      });
      after(async () => { await cp?.stop(); });

      it('accepts every object of a kind it serves, and returns each one as applied', async () => {
        const applicable = rendered.filter((o) => !unserved.includes(o));
        assert.ok(applicable.length >= 12, `only ${applicable.length} objects are of served kinds`);
        const file = join(dir, `${overlay}.json`);
        await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: applicable }));
        const out = await ok('apply', '--server-side=false', '-f', file);
        for (const o of applicable) {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
          const fromServer = JSON.parse(await ok('get', group ? `${o.kind}.${group}` : o.kind, o.metadata.name,
            ...(o.metadata.namespace ? ['-n', o.metadata.namespace] : []), '-o', 'json')) as Obj;
          assert.equal(fromServer.metadata.name, o.metadata.name, out);
          if (o.kind === 'Deployment') assert.deepEqual(fromServer.spec, { ...fromServer.spec, ...o.spec }, `${o.kind}/${o.metadata.name} differs`);
        }
        // applying the same overlay again changes nothing. kubectl itself always sends a patch for a
        // PodDisruptionBudget (its selector's patch strategy is `replace`) and so prints `configured`,
        // on a real cluster too: for those the server must keep the object as it was.
        const versions = async () => (await ok('get', 'poddisruptionbudgets.policy', '-A', '-o', 'jsonpath={.items[*].metadata.resourceVersion}')).trim();
        const before = await versions();
        const again = await ok('apply', '--server-side=false', '-f', file);
        assert.doesNotMatch(again.split('\n').filter((line) => !line.startsWith('poddisruptionbudget.policy/')).join('\n'), /created|configured/);
        assert.equal(await versions(), before, 'a re-applied PodDisruptionBudget was written');
      });

      it('accepts the whole overlay with apply -k (needs RBAC, policy and autoscaling served)', async function () {
        if (unserved.length > 0) {
          this.test!.title += ` [pending: the control plane does not serve ${[...new Set(unserved.map((o) => `${o.apiVersion} ${o.kind}`))].join(', ')}]`;
          this.skip();
        }
        const out = await ok('apply', '--server-side=false', '-k', join(OVERLAYS, overlay));
        for (const o of rendered) assert.match(out, new RegExp(`^${o.kind.toLowerCase()}[./][^ ]*${o.metadata.name} `, 'm'), `${o.kind}/${o.metadata.name} is not in kubectl's output:\n${out}`);
        const hpas = JSON.parse(await ok('get', 'horizontalpodautoscalers.autoscaling', '-A', '-o', 'json')) as { items: Obj[] };
        assert.deepEqual(hpas.items.map((h) => h.metadata.name), rendered.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata.name));
      });
    });
  }
});
