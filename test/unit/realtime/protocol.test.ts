import assert from 'node:assert/strict';
import { errorFrame, messageFrame, parseClientMessage } from '../../../reference-impl/realtime/protocol.ts';

describe('realtime protocol', () => {
  it('parses the four client frames with their ids', () => {
    assert.deepEqual(parseClientMessage('{"type":"ping","id":3}'), { ok: true, message: { type: 'ping', id: 3 } });
    assert.deepEqual(parseClientMessage('{"type":"subscribe","room":"a.b:c-1_2"}'), { ok: true, message: { type: 'subscribe', room: 'a.b:c-1_2', id: undefined } });
    assert.deepEqual(parseClientMessage('{"type":"unsubscribe","room":"r","id":"x"}'), { ok: true, message: { type: 'unsubscribe', room: 'r', id: 'x' } });
    assert.deepEqual(parseClientMessage('{"type":"publish","room":"r","payload":{"k":[1]},"id":9}'), { ok: true, message: { type: 'publish', room: 'r', payload: { k: [1] }, id: 9 } });
    assert.deepEqual(parseClientMessage('{"type":"publish","room":"r"}'), { ok: true, message: { type: 'publish', room: 'r', payload: null, id: undefined } });
  });

  it('names what is wrong with a bad frame, keeping its id so the client can match the error', () => {
    assert.equal((parseClientMessage('nope') as { code: string }).code, 'bad-json');
    assert.equal((parseClientMessage('[1]') as { code: string }).code, 'bad-message');
    assert.equal((parseClientMessage('null') as { code: string }).code, 'bad-message');
    assert.deepEqual(parseClientMessage('{"type":"yell","id":4}'), { ok: false, code: 'unknown-type', message: 'type must be ping, subscribe, unsubscribe or publish', id: 4 });
    for (const room of ['', 'has space', 'x'.repeat(129), 5, null]) {
      const r = parseClientMessage(JSON.stringify({ type: 'subscribe', room, id: 1 }));
      assert.equal(r.ok, false, `room ${JSON.stringify(room)}`);
      assert.equal((r as { code: string }).code, 'bad-room');
    }
    assert.equal(parseClientMessage(JSON.stringify({ type: 'subscribe', room: 'x'.repeat(128) })).ok, true);
  });

  it('writes message and error frames as JSON', () => {
    assert.deepEqual(JSON.parse(messageFrame({ room: 'r', payload: { a: 1 }, id: 2, ts: 5 })), { type: 'message', room: 'r', payload: { a: 1 }, id: 2, ts: 5 });
    assert.deepEqual(JSON.parse(errorFrame('c', 'm')), { type: 'error', code: 'c', message: 'm' });
    assert.deepEqual(JSON.parse(errorFrame('c', 'm', 7)), { type: 'error', code: 'c', message: 'm', id: 7 });
  });
});
