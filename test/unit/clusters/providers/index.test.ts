import assert from 'node:assert/strict';
import { getProvider, PROVIDER_NAMES } from '../../../../clusters/providers/index.ts';
import { CaplabError } from '../../../../harness/errors.ts';

describe('getProvider', () => {
  it('returns the local provider by name', () => {
    assert.equal(getProvider('local').name, 'local');
  });

  for (const name of ['kind', 'k3s', 'kubeconfig']) {
    it(`says the ${name} provider is not built yet, with a hint to use local`, () => {
      assert.throws(() => getProvider(name), (err: unknown) =>
        err instanceof CaplabError && err.code === 'CAPLAB_ERR_PROVIDER_UNAVAILABLE'
        && err.message.includes(`the ${name} provider is not built yet`) && err.hint === 'use --cluster local');
    });
  }

  it('rejects an unknown name with CAPLAB_ERR_USAGE listing the valid names', () => {
    assert.throws(() => getProvider('docker'), (err: unknown) =>
      err instanceof CaplabError && err.code === 'CAPLAB_ERR_USAGE' && err.message.includes('valid: local, kind, k3s, kubeconfig'));
    assert.deepEqual(PROVIDER_NAMES, ['local', 'kind', 'k3s', 'kubeconfig']);
  });
});
