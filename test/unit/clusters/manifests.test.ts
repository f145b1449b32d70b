import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { REFERENCE_IMAGE } from '../../../clusters/image/reference-image.ts';

const run = promisify(execFile);
const MANIFESTS = fileURLToPath(new URL('../../../clusters/manifests/', import.meta.url));

type Obj = any;

/** `kubectl kustomize` of one overlay, parsed; null when kubectl is not installed. */
async function render(overlay: string): Promise<Obj[] | null> {
  try {
    const { stdout } = await run('kubectl', ['kustomize', `${MANIFESTS}overlays/${overlay}`], { maxBuffer: 16 << 20 });
    return parseAllDocuments(stdout).map((d) => {
      assert.deepEqual(d.errors, [], `${overlay}: output does not parse as YAML`);
      return d.toJS();
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function find(objs: Obj[], kind: string, name: string): Obj {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `no ${kind}/${name}`);
  return o;
}

function container(objs: Obj[], name: string): Obj {
  return find(objs, 'Deployment', name).spec.template.spec.containers[0];
}

/** Seed 000's resource tiers: [requests, limits] as cpu/memory, and replicas. */
const TIERS = {
  small: { server: [['500m', '512Mi'], ['1000m', '1Gi']], serverReplicas: 1, hpa: [1, 3], operator: [['100m', '128Mi'], ['200m', '256Mi']], operatorReplicas: 1 },
  medium: { server: [['2000m', '4Gi'], ['4000m', '8Gi']], serverReplicas: 2, hpa: [2, 10], operator: [['200m', '256Mi'], ['500m', '512Mi']], operatorReplicas: 1 },
  large: { server: [['4000m', '8Gi'], ['8000m', '16Gi']], serverReplicas: 3, hpa: [3, 10], operator: [['500m', '512Mi'], ['1000m', '1Gi']], operatorReplicas: 2 },
} as const;

function resources(tier: readonly (readonly string[])[]): Obj {
  const [[rc, rm], [lc, lm]] = tier as [[string, string], [string, string]];
  return { requests: { cpu: rc, memory: rm }, limits: { cpu: lc, memory: lm } };
}

describe('clusters/manifests overlays (kubectl kustomize)', () => {
  for (const [overlay, tier] of Object.entries(TIERS)) {
    describe(overlay, () => {
      let objs: Obj[];
      before(async function () {
        const rendered = await render(overlay);
        if (rendered === null) this.skip();
        objs = rendered!;
      });

      it('renders every component, the CRD and the operator RBAC into the caplab namespace', () => {
        const names = objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
        for (const want of ['Namespace/caplab', 'CustomResourceDefinition/rdeagents.kuberde.io', 'ServiceAccount/operator', 'Role/operator', 'RoleBinding/operator',
          'Deployment/tunnel-server', 'Deployment/tunnel-agent', 'Deployment/operator', 'Deployment/echo', 'Deployment/fsk', 'Secret/tunnel-token']) {
          assert.ok(names.includes(want), `${want} missing from ${names.join(', ')}`);
        }
        for (const o of objs) {
          if (['Namespace', 'CustomResourceDefinition'].includes(o.kind)) continue;
          assert.equal(o.metadata.namespace, 'caplab', `${o.kind}/${o.metadata.name}`);
        }
        assert.deepEqual(find(objs, 'RoleBinding', 'operator').subjects, [{ kind: 'ServiceAccount', name: 'operator', namespace: 'caplab' }]);
      });

      it("gives the server, operator and agent seed 000's requests and limits for this tier", () => {
        assert.deepEqual(container(objs, 'tunnel-server').resources, resources(tier.server));
        assert.deepEqual(container(objs, 'operator').resources, resources(tier.operator));
        assert.deepEqual(container(objs, 'tunnel-agent').resources, { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
        assert.equal(find(objs, 'Deployment', 'tunnel-server').spec.replicas, tier.serverReplicas);
        assert.equal(find(objs, 'Deployment', 'operator').spec.replicas, tier.operatorReplicas);
      });

      it("scales the server with an autoscaling/v2 HPA carrying seed 000's targets and behavior policies", () => {
        const hpa = find(objs, 'HorizontalPodAutoscaler', 'tunnel-server');
        assert.equal(hpa.apiVersion, 'autoscaling/v2');
        assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], tier.hpa);
        assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'tunnel-server' });
        assert.deepEqual(hpa.spec.metrics.map((m: Obj) => [m.resource.name, m.resource.target.averageUtilization]), [['cpu', 70], ['memory', 80]]);
        assert.deepEqual(hpa.spec.behavior, {
          scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
          scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
        });
      });

      it('keeps a server PodDisruptionBudget (minAvailable 1 once there are 2+ replicas)', () => {
        const pdb = find(objs, 'PodDisruptionBudget', 'tunnel-server');
        assert.equal(pdb.apiVersion, 'policy/v1');
        assert.deepEqual(pdb.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'tunnel-server' });
        if (tier.serverReplicas > 1) assert.equal(pdb.spec.minAvailable, 1);
        else assert.deepEqual(pdb.spec, { maxUnavailable: 1, selector: pdb.spec.selector });
      });

      it('pins WebSocket clients with ClientIP affinity and exposes every replica on a headless Service', () => {
        const svc = find(objs, 'Service', 'tunnel-server');
        assert.equal(svc.spec.sessionAffinity, 'ClientIP');
        assert.equal(svc.spec.sessionAffinityConfig.clientIP.timeoutSeconds, 10800);
        const headless = find(objs, 'Service', 'tunnel-server-headless');
        assert.equal(headless.spec.clusterIP, 'None');
        assert.deepEqual(headless.spec.selector, svc.spec.selector);
      });

      it('turns on leader election exactly when the operator runs more than one replica', () => {
        const args: string[] = container(objs, 'operator').args;
        assert.equal(args.includes('--leader-elect'), tier.operatorReplicas > 1, args.join(' '));
        assert.equal(objs.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'operator'), tier.operatorReplicas > 1);
      });

      it('runs every container from the reference image as non-root, on 0.0.0.0:8080', () => {
        for (const d of objs.filter((o) => o.kind === 'Deployment')) {
          const pod = d.spec.template.spec;
          assert.equal(pod.securityContext.runAsNonRoot, true, d.metadata.name);
          assert.deepEqual(d.spec.selector.matchLabels, { 'app.kubernetes.io/name': d.metadata.name });
          for (const c of pod.containers) {
            assert.equal(c.image, REFERENCE_IMAGE, d.metadata.name);
            assert.equal(c.args[0], d.metadata.name, 'the first arg names the component');
            assert.deepEqual(c.args.slice(1, 5), ['--host', '0.0.0.0', '--port', '8080']);
            assert.equal(c.securityContext.allowPrivilegeEscalation, false);
          }
        }
        assert.ok(container(objs, 'operator').args.join(' ').includes(`--agent-image ${REFERENCE_IMAGE}`));
      });
    });
  }
});
