import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { decodeFromGenerator, decodeToGenerator, encodeMessage, ProtocolError } from '../../../harness/run/load-generator-protocol.ts';
import type { WorkerInit } from '../../../harness/run/workload-messages.ts';

const init = { name: 'w', workload: { executor: 'constant-arrival-rate', workers: 0 }, shardIndex: 1, shardCount: 3, endpoints: { api: 'http://api.ns.svc.cluster.local:8080' }, tags: { workload: 'w' }, baseDir: '/app', warmupMs: 0, datasets: { d: [{ body: Buffer.from([1, 2, 3]) }] }, seed: 7 } as unknown as WorkerInit;

function protocolError(pattern: RegExp) {
  return (e: unknown) => e instanceof ProtocolError && e.code === 'CAPLAB_ERR_WORKER_FAILED' && pattern.test(e.detail) && e.message.endsWith(e.detail);
}

describe('the load-generator wire format', () => {
  it('round-trips every message through one binary frame, Infinity and bytes included (JSON would turn Infinity into null)', () => {
    assert.deepEqual(decodeToGenerator(encodeMessage({ type: 'init', init }), true), { type: 'init', init });
    for (const m of [{ type: 'go' }, { type: 'stop' }, { type: 'drain', seq: 4 }] as const) assert.deepEqual(decodeToGenerator(encodeMessage(m), true), m);
    const snapshot = { deltas: [{ name: 'http_req_duration', tags: {}, min: Infinity, max: -Infinity }] } as never;
    assert.deepEqual(decodeFromGenerator(encodeMessage({ type: 'snapshot', seq: 4, snapshot, vus: 3 }), true), { type: 'snapshot', seq: 4, snapshot, vus: 3 });
    assert.deepEqual(decodeFromGenerator(encodeMessage({ type: 'done', outcome: { iterations: 1, dropped: 0, interrupted: 0 }, snapshot }), true).type, 'done');
    assert.deepEqual(decodeFromGenerator(encodeMessage({ type: 'ready' }), true), { type: 'ready' });
    assert.deepEqual(decodeFromGenerator(encodeMessage({ type: 'error', message: 'boom' }), true), { type: 'error', message: 'boom' });
  });

  it('accepts a frame split in fragments as ws delivers it (an array of Buffers)', () => {
    const bytes = encodeMessage({ type: 'drain', seq: 9 });
    assert.deepEqual(decodeToGenerator([bytes.subarray(0, 3), bytes.subarray(3)], true), { type: 'drain', seq: 9 });
  });

  const badToGenerator: [string, unknown, boolean, RegExp][] = [
    ['a text frame', Buffer.from('{"type":"go"}'), false, /text frame/],
    ['bytes v8 cannot read', Buffer.from([0xff, 0x0f, 0x99]), true, /not v8-serialized/],
    ['a value that is not a message', serialize([1, 2]), true, /not a message object/],
    ['an unknown type', serialize({ type: 'launch' }), true, /unknown message type "launch" from the coordinator/],
    ['a drain without a whole sequence number', serialize({ type: 'drain', seq: -1 }), true, /drain\.seq is not a whole number/],
    ['an init for a shard that does not exist', serialize({ type: 'init', init: { ...init, shardIndex: 3 } }), true, /shard 3 of 3 does not exist/],
    ['an init without endpoints', serialize({ type: 'init', init: { ...init, endpoints: null } }), true, /init\.endpoints is not an object/],
  ];
  for (const [what, data, binary, pattern] of badToGenerator) {
    it(`a generator refuses ${what} with a coded ProtocolError`, () => {
      assert.throws(() => decodeToGenerator(data, binary), protocolError(pattern));
    });
  }

  const badFromGenerator: [string, unknown, RegExp][] = [
    ['an unknown type', serialize({ type: 'hello' }), /unknown message type "hello" from a generator/],
    ['a snapshot without deltas', serialize({ type: 'snapshot', seq: 1, snapshot: {}, vus: 0 }), /snapshot\.snapshot is not a Snapshot/],
    ['a done without its outcome', serialize({ type: 'done', snapshot: { deltas: [] } }), /done\.outcome lacks/],
    ['an error without a message', serialize({ type: 'error' }), /error\.message is not a string/],
  ];
  for (const [what, data, pattern] of badFromGenerator) {
    it(`the coordinator refuses ${what} with a coded ProtocolError`, () => {
      assert.throws(() => decodeFromGenerator(data, true), protocolError(pattern));
    });
  }
});
