import assert from 'node:assert/strict';
import { YamuxError } from '../../../../../reference-impl/tunnel/yamux/errors.ts';
import { Flag, FrameType, type FrameHeader } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import { FrameReader } from '../../../../../reference-impl/tunnel/yamux/frame-reader.ts';
import { prng, randInt } from './prng.ts';
import { frameBytes } from './raw-peer.ts';

interface Parsed { header: FrameHeader; payload: string }

/** A mixed sequence: data of several sizes (incl. empty), window updates, pings, a GoAway. */
function sampleFrames(): { bytes: Buffer; expected: Parsed[] } {
  const frames: Array<[number, number, number, number, Buffer?]> = [
    [FrameType.WindowUpdate, Flag.SYN, 1, 0],
    [FrameType.Data, 0, 1, 5, Buffer.from('hello')],
    [FrameType.Data, Flag.FIN, 1, 0],
    [FrameType.Ping, Flag.SYN, 0, 0xdeadbeef],
    [FrameType.Data, 0, 3, 1, Buffer.from('x')],
    [FrameType.Data, 0, 3, 40, Buffer.alloc(40, 'y')],
    [FrameType.WindowUpdate, Flag.ACK | Flag.FIN, 2, 1234],
    [FrameType.GoAway, 0, 0, 0],
  ];
  const expected = frames.map(([type, flags, streamId, length, payload]) => ({
    header: { version: 0, type, flags, streamId, length },
    payload: payload?.toString() ?? '',
  }));
  return { bytes: Buffer.concat(frames.map((f) => frameBytes(...f))), expected };
}

function parse(chunks: Buffer[], maxDataLength = 1024): Parsed[] {
  const out: Parsed[] = [];
  const reader = new FrameReader(maxDataLength, (header, payload) => out.push({ header, payload: Buffer.concat(payload as Buffer[]).toString() }));
  for (const chunk of chunks) reader.push(chunk);
  return out;
}

function codeOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof YamuxError);
    return err.code;
  }
  return 'no error';
}

describe('yamux frame reader', () => {
  const { bytes, expected } = sampleFrames();

  it('parses many frames delivered in one chunk', () => {
    assert.deepEqual(parse([bytes]), expected);
  });

  it('gives identical frames when the input is split in two at every byte boundary', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      assert.deepEqual(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at ${cut}`);
    }
  });

  it('gives identical frames when the input arrives one byte at a time', () => {
    assert.deepEqual(parse([...bytes].map((b) => Buffer.of(b))), expected);
  });

  it('gives identical frames for 500 seeded random chunkings', () => {
    const rand = prng(0x5eed);
    for (let run = 0; run < 500; run++) {
      const chunks: Buffer[] = [];
      for (let off = 0; off < bytes.length;) {
        const n = 1 + randInt(rand, 30);
        chunks.push(bytes.subarray(off, off + n));
        off += n;
      }
      assert.deepEqual(parse(chunks), expected, `run ${run}`);
    }
  });

  it('hands over payload pieces as views of the input, without copying', () => {
    const data = frameBytes(FrameType.Data, 0, 1, 8, Buffer.from('abcdefgh'));
    const pieces: Buffer[] = [];
    new FrameReader(64, (_h, payload) => pieces.push(...payload)).push(data);
    assert.equal(pieces.length, 1);
    assert.equal(pieces[0]!.buffer, data.buffer);
  });

  it('holds only the bytes of the unfinished frame', () => {
    const reader = new FrameReader(1024, () => {});
    reader.push(frameBytes(FrameType.Data, 0, 1, 100).subarray(0, 7));
    assert.equal(reader.bufferedBytes, 7);
    reader.push(Buffer.concat([frameBytes(FrameType.Data, 0, 1, 100).subarray(7), Buffer.alloc(30)]));
    assert.equal(reader.bufferedBytes, 42);
  });

  it('rejects an unknown version, an unknown type and an oversized data length as soon as the header is complete', () => {
    assert.equal(codeOf(() => parse([Buffer.from([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])])), 'YAMUX_ERR_INVALID_VERSION');
    assert.equal(codeOf(() => parse([Buffer.from([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])])), 'YAMUX_ERR_INVALID_MSG_TYPE');
    // no payload follows: the length alone is refused, before any of it is buffered
    assert.equal(codeOf(() => parse([frameBytes(FrameType.Data, 0, 1, 1025)])), 'YAMUX_ERR_FRAME_TOO_LARGE');
    assert.equal(codeOf(() => parse([frameBytes(FrameType.WindowUpdate, 0, 1, 0xffff_ffff)])), 'no error');
  });

  it('delivers the good frames before a bad one and ignores all input after it', () => {
    const seen: number[] = [];
    const reader = new FrameReader(1024, (h) => seen.push(h.type));
    const bad = Buffer.from([9, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert.throws(() => reader.push(Buffer.concat([frameBytes(FrameType.Ping, Flag.SYN, 0, 1), bad])), YamuxError);
    reader.push(frameBytes(FrameType.Ping, Flag.SYN, 0, 2));
    assert.deepEqual(seen, [FrameType.Ping]);
  });
});
