import assert from 'node:assert/strict';
import { isReferenceImage, parseReferenceArgs, REFERENCE_IMAGE } from '../../../clusters/control-plane/kubelet/reference-image.ts';

describe('control-plane kubelet reference image', () => {
  it('recognises caplab/reference with any tag or digest, and nothing else', () => {
    for (const image of [REFERENCE_IMAGE, 'caplab/reference', 'caplab/reference:latest', 'docker.io/caplab/reference:1', 'caplab/reference@sha256:abc']) assert.equal(isReferenceImage(image), true, image);
    for (const image of ['nginx:alpine', 'caplab/reference-other', 'evil/caplab/reference', undefined]) assert.equal(isReferenceImage(image), false, String(image));
  });

  it('reads args as caplab serve does and drops the kubelet-owned --port and --host', () => {
    assert.deepEqual(parseReferenceArgs(undefined, ['serve', 'tunnel-agent', '--server', 'ws://x/ws', '--port', '8080', '--host=0.0.0.0', '--verbose', '--local-target=localhost:80']),
      { component: 'tunnel-agent', flags: { server: 'ws://x/ws', verbose: true, 'local-target': 'localhost:80' } });
    assert.deepEqual(parseReferenceArgs(['caplab', 'serve'], ['echo']), { component: 'echo', flags: {} });
  });

  it('rejects args without a component or with stray words', () => {
    assert.throws(() => parseReferenceArgs(undefined, []), /needs args/);
    assert.throws(() => parseReferenceArgs(undefined, ['--port', '1']), /needs args/);
    assert.throws(() => parseReferenceArgs(undefined, ['echo', 'stray']), /unexpected argument "stray"/);
  });
});
