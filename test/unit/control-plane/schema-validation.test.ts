import assert from 'node:assert/strict';
import { validateAgainstSchema, type JsonSchema } from '../../../clusters/control-plane/schema-validation.ts';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['image'],
      properties: {
        image: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[a-z:0-9./-]+$' },
        replicas: { type: 'integer', minimum: 0, maximum: 5, default: 1 },
        mode: { type: 'string', enum: ['fast', 'slow'] },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
        env: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

const cr = (spec: Record<string, unknown>) => ({ apiVersion: 'x.dev/v1', kind: 'X', metadata: { name: 'a', anything: 1 }, spec });
const fields = (obj: Record<string, unknown>, policy: 'reject' | 'prune' = 'reject') => validateAgainstSchema(obj, schema, policy).map((c) => c.field);

describe('control-plane CRD schema validation', () => {
  it('accepts a valid object and applies defaults', () => {
    const obj = cr({ image: 'agent:1', port: 'http', tags: ['a'], env: { A: 'b' }, extra: { free: { form: true } } });
    assert.deepEqual(validateAgainstSchema(obj, schema, 'reject'), []);
    assert.equal((obj.spec as { replicas: number }).replicas, 1);
  });

  it('reports every violation with its field path', () => {
    assert.deepEqual(fields(cr({ replicas: 9, mode: 'medium', tags: ['a', 'b', 'c'], env: { A: 1 }, port: 1.5 })).sort(),
      ['spec.env.A', 'spec.image', 'spec.mode', 'spec.port', 'spec.replicas', 'spec.tags'].sort());
    assert.deepEqual(fields(cr({ image: 'UPPER' })), ['spec.image']);
    assert.deepEqual(fields(cr({ image: 'a'.repeat(21) })), ['spec.image']);
    assert.deepEqual(fields(cr({ image: 42 })), ['spec.image']);
    assert.deepEqual(fields({ ...cr({ image: 'a' }), spec: 'not an object' }), ['spec']);
  });

  it('rejects unknown fields, or prunes them, except under x-kubernetes-preserve-unknown-fields', () => {
    assert.deepEqual(fields({ ...cr({ image: 'a', bogus: 1 }), top: 2 }).sort(), ['spec.bogus', 'top']);
    const pruned = { ...cr({ image: 'a', bogus: 1, extra: { kept: 1 } }), top: 2 };
    assert.deepEqual(fields(pruned, 'prune'), []);
    assert.deepEqual(pruned.spec, { image: 'a', replicas: 1, extra: { kept: 1 } });
    assert.equal('top' in pruned, false);
  });

  it('does not check metadata against the schema', () => {
    assert.deepEqual(fields(cr({ image: 'a' })), []);
  });
});
