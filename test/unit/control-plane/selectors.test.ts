import assert from 'node:assert/strict';
import { matchesLabelSelectorObject, parseFieldSelector, parseLabelSelector } from '../../../clusters/control-plane/selectors.ts';
import { ApiError } from '../../../clusters/control-plane/status-errors.ts';

const pod = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({ metadata: { name: 'web-1', namespace: 'prod', labels }, ...extra });

describe('control-plane selectors', () => {
  it('label selectors: equality, inequality, set membership, existence', () => {
    const p = pod({ app: 'web', tier: 'front' });
    const cases: [string, boolean][] = [
      ['', true], ['app=web', true], ['app==web', true], ['app!=web', false], ['app=db', false],
      ['app in (db, web)', true], ['app notin (web)', false], ['tier', true], ['!tier', false], ['!missing', true],
      ['app=web,tier=front', true], ['app=web,tier in (back)', false], ['missing!=x', true],
    ];
    for (const [text, expected] of cases) assert.equal(parseLabelSelector(text)(p), expected, text);
  });

  it('a malformed label selector is 400 BadRequest', () => {
    assert.throws(() => parseLabelSelector('app=(web'), (e: unknown) => e instanceof ApiError && e.code === 400);
  });

  it('field selectors on metadata.name, metadata.namespace and other scalar paths', () => {
    const p = pod({}, { status: { phase: 'Running' } });
    assert.equal(parseFieldSelector('metadata.name=web-1')(p), true);
    assert.equal(parseFieldSelector('metadata.name=web-2')(p), false);
    assert.equal(parseFieldSelector('metadata.namespace!=prod')(p), false);
    assert.equal(parseFieldSelector('metadata.namespace=prod,status.phase=Running')(p), true);
    assert.equal(parseFieldSelector('spec.nodeName=')(p), true);
    assert.throws(() => parseFieldSelector('metadata.name'), (e: unknown) => e instanceof ApiError && e.reason === 'BadRequest');
  });

  it('LabelSelector objects with matchLabels and matchExpressions', () => {
    const labels = { app: 'web', env: 'prod' };
    assert.equal(matchesLabelSelectorObject({ matchLabels: { app: 'web' } }, labels), true);
    assert.equal(matchesLabelSelectorObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels), false);
    assert.equal(matchesLabelSelectorObject({ matchExpressions: [{ key: 'env', operator: 'Exists' }, { key: 'x', operator: 'DoesNotExist' }] }, labels), true);
  });
});
