import assert from 'node:assert/strict';
import { applyPatch, mergePatch, parsePatchBody, patchTypeOf } from '../../../clusters/control-plane/patch.ts';
import { ApiError } from '../../../clusters/control-plane/status-errors.ts';

const deployment = () => ({
  metadata: { name: 'web', labels: { app: 'web', old: 'x' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1', args: ['a'], ports: [{ containerPort: 80 }] }, { name: 'side', image: 'busybox' }] } } },
});

describe('control-plane patch', () => {
  it('merge patch follows RFC 7386: null deletes, objects merge, arrays replace', () => {
    assert.deepEqual(mergePatch({ a: 'b', c: { d: 'e', f: 'g' }, l: [1, 2] }, { a: 'z', c: { f: null }, l: [3] }), { a: 'z', c: { d: 'e' }, l: [3] });
    assert.deepEqual(mergePatch({ a: 1 }, { b: { c: null } }), { a: 1, b: {} });
  });

  it('JSON patch applies operations; a failed test is 409 Conflict; a bad path is not a crash', () => {
    const out = applyPatch('json', { spec: { size: 1, list: [1] } }, [{ op: 'replace', path: '/spec/size', value: 2 }, { op: 'add', path: '/spec/list/-', value: 2 }], true);
    assert.deepEqual(out, { spec: { size: 2, list: [1, 2] } });
    assert.throws(() => applyPatch('json', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }], true), (e: unknown) => e instanceof ApiError && e.code === 409);
    assert.throws(() => applyPatch('json', { a: 1 }, [{ op: 'remove', path: '/nope/deeper' }], true), ApiError);
    assert.throws(() => applyPatch('json', { a: 1 }, { op: 'add' }, true), (e: unknown) => e instanceof ApiError && e.code === 400);
  });

  it('strategic merge merges containers by name and keeps fields the patch does not name', () => {
    const out = applyPatch('strategic', deployment(), {
      metadata: { labels: { old: null } },
      spec: { template: { spec: { $setElementOrder: {}, containers: [{ name: 'web', image: 'nginx:2' }, { name: 'side', $patch: 'delete' }, { name: 'new', image: 'x' }] } } },
    }, false) as ReturnType<typeof deployment>;
    const containers = out.spec.template.spec.containers as { name: string; image: string; args?: string[] }[];
    assert.deepEqual(containers.map((c) => [c.name, c.image]), [['web', 'nginx:2'], ['new', 'x']]);
    assert.deepEqual(containers[0]!.args, ['a']);
    assert.deepEqual(out.metadata.labels, { app: 'web' });
  });

  it('strategic merge on a custom resource is a plain merge (lists replace)', () => {
    const out = applyPatch('strategic', { spec: { containers: [{ name: 'a', x: 1 }] } }, { spec: { containers: [{ name: 'a', y: 2 }] } }, true);
    assert.deepEqual(out, { spec: { containers: [{ name: 'a', y: 2 }] } });
  });

  it('patch types come from the Content-Type; others are 415', () => {
    assert.equal(patchTypeOf('application/merge-patch+json'), 'merge');
    assert.equal(patchTypeOf('application/json-patch+json; charset=utf-8'), 'json');
    assert.equal(patchTypeOf('application/strategic-merge-patch+json'), 'strategic');
    assert.equal(patchTypeOf('application/apply-patch+yaml'), 'apply');
    assert.throws(() => patchTypeOf('text/plain'), (e: unknown) => e instanceof ApiError && e.code === 415);
  });

  it('apply patches are YAML; malformed bodies are 400', () => {
    assert.deepEqual(parsePatchBody('apply', 'spec:\n  size: 3\n'), { spec: { size: 3 } });
    assert.throws(() => parsePatchBody('merge', '{not json'), (e: unknown) => e instanceof ApiError && e.code === 400);
  });
});
