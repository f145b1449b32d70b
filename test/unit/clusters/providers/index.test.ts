import assert from 'node:assert/strict';
import { getProvider, PROVIDER_NAMES } from '../../../../clusters/providers/index.ts';
import { CaplabError } from '../../../../harness/errors.ts';

describe('getProvider', () => {
  it('returns the local provider by name', () => {
    assert.equal(getProvider('local').name, 'local');
  });

  for (const name of ['kind', 'k3s', 'kubeconfig']) {
    it(`returns the ${name} provider by name (it checks its prerequisites when brought up)`, () => {
      assert.equal(getProvider(name).name, name);
    });
  }

  it('rejects an unknown name with CAPLAB_ERR_USAGE listing the valid names', () => {
    assert.throws(() => getProvider('docker'), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE' && err.message.includes('valid: local, kind, k3s, kubeconfig'));
    assert.deepEqual(PROVIDER_NAMES, ['local', 'kind', 'k3s', 'kubeconfig']);
  });
});
