import assert from 'node:assert/strict';
import { YamuxError } from '../../../../../reference-impl/tunnel/yamux/errors.ts';
import { Flag, FrameType, GoAwayCode, HEADER_SIZE } from '../../../../../reference-impl/tunnel/yamux/frame-header.ts';
import type { YamuxSession } from '../../../../../reference-impl/tunnel/yamux/session.ts';
import type { YamuxStream } from '../../../../../reference-impl/tunnel/yamux/stream.ts';
import { prng, randInt } from './prng.ts';
import { frameBytes, rawPeer } from './raw-peer.ts';
import { settle } from './session-pair.ts';

const SESSIONS = 200;
const FRAMES_PER_SESSION = 50; // 10,000 frames in all
const WINDOW = 256 * 1024;
const BACKLOG = 8;

/**
 * Frames a sloppy or hostile client might send. `hostile` sessions get mutated headers and garbage
 * among plausible frames; the others get only plausible frames, whose mistakes (a FIN twice, data
 * after FIN, an unknown id, an oversized frame) are rarer, so most of their frames reach a live session.
 */
function makeFrames(rand: () => number, count: number, serverIds: number[], hostile: boolean): Buffer[] {
  const open: number[] = [];
  let nextId = 1;
  const pickId = (): number => {
    const r = rand();
    if (r < 0.8 && open.length > 0) return open[randInt(rand, open.length)]!;
    if ((r < 0.98 || !hostile) && serverIds.length > 0) return serverIds[randInt(rand, serverIds.length)]!;
    return randInt(rand, 12);
  };
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const r = hostile ? rand() : rand() * 0.73;
    let frame: Buffer;
    if (r < 0.15) {
      open.push(nextId);
      const len = rand() < 0.5 ? 0 : randInt(rand, 2048);
      frame = len === 0 ? frameBytes(FrameType.WindowUpdate, Flag.SYN, nextId, randInt(rand, 1 << 20)) : frameBytes(FrameType.Data, Flag.SYN, nextId, len, Buffer.alloc(len, i));
      nextId += 2;
    } else if (r < 0.4) {
      const len = rand() < 0.01 ? WINDOW + randInt(rand, 1024) : randInt(rand, 8192);
      const id = pickId();
      const fin = rand() < 0.02;
      if (fin && rand() < 0.9) open.splice(open.indexOf(id) >>> 0, 1); // mostly, a peer stops after its FIN
      frame = frameBytes(FrameType.Data, fin ? Flag.FIN : 0, id, len, Buffer.alloc(len, i));
    } else if (r < 0.5) {
      frame = frameBytes(FrameType.WindowUpdate, rand() < 0.1 ? Flag.ACK : 0, pickId(), randInt(rand, 1 << 20));
    } else if (r < 0.58) {
      const id = pickId();
      const fin = rand() < 0.2;
      if (fin && rand() < 0.9) open.splice(open.indexOf(id) >>> 0, 1);
      frame = frameBytes(FrameType.WindowUpdate, fin ? Flag.FIN : 0, id, 0);
    } else if (r < 0.63) {
      frame = frameBytes(FrameType.WindowUpdate, Flag.RST, pickId(), 0);
    } else if (r < 0.71) {
      frame = frameBytes(FrameType.Ping, rand() < 0.7 ? Flag.SYN : Flag.ACK, 0, randInt(rand, 2 ** 32));
    } else if (r < 0.73) {
      frame = frameBytes(FrameType.GoAway, 0, 0, hostile ? randInt(rand, 4) : GoAwayCode.Normal);
    } else if (r < 0.93) {
      // a plausible frame with one header byte mutated
      frame = frameBytes(FrameType.WindowUpdate, Flag.SYN, nextId, 0);
      frame[randInt(rand, HEADER_SIZE)] = randInt(rand, 256);
    } else {
      frame = Buffer.from(Array.from({ length: 1 + randInt(rand, 40) }, () => randInt(rand, 256)));
    }
    frames.push(frame);
  }
  return frames;
}

/** The application side: accepts streams and reads, ignores, answers or resets them at random. */
function runApp(session: YamuxSession, rand: () => number, accepted: YamuxStream[]): void {
  void (async () => {
    for await (const stream of session) {
      accepted.push(stream);
      stream.on('error', () => {});
      const r = rand();
      if (r < 0.4) stream.resume();
      else if (r < 0.6) stream.end(Buffer.alloc(randInt(rand, 300_000)));
      else if (r < 0.7) stream.destroy();
      // else: never read, the stream must hold at most one window
    }
  })();
}

describe('yamux fuzz: 10,000 random and mutated frames', () => {
  it('never crashes, hangs or grows without bound; bad input ends in a typed error and GoAway', async () => {
    const rand = prng(0xf022);
    const outcomes = new Map<string, number>();
    let rsts = 0;
    for (let s = 0; s < SESSIONS; s++) {
      const peer = rawPeer('server', { acceptBacklog: BACKLOG });
      const accepted: YamuxStream[] = [];
      runApp(peer.session, rand, accepted);
      const serverIds: number[] = [];
      for (let i = 0; i < 2; i++) {
        const out = await peer.session.open();
        out.on('error', () => {});
        serverIds.push(out.id);
      }
      const bytes = Buffer.concat(makeFrames(rand, FRAMES_PER_SESSION, serverIds, s % 2 === 1));
      for (let off = 0; off < bytes.length;) {
        const n = 1 + randInt(rand, 9000);
        peer.sendBytes(bytes.subarray(off, off + n));
        off += n;
        if (rand() < 0.3) await settle();
      }
      for (let i = 0; i < 5; i++) await settle();

      const session = peer.session;
      assert.ok(session.numStreams <= BACKLOG + accepted.length + serverIds.length, `session ${s}: ${session.numStreams} streams`);
      for (const stream of accepted) assert.ok(stream.readableLength <= WINDOW, `session ${s}: stream ${stream.id} buffers ${stream.readableLength}`);
      rsts += peer.received.filter((f) => f.flags & Flag.RST).length;

      let outcome = 'still open';
      if (session.isClosed) {
        const reason = await session.closed;
        assert.ok(reason === undefined || reason instanceof YamuxError, `session ${s}: ${String(reason)}`);
        outcome = reason?.code ?? 'closed normally';
        if (reason?.kind === 'protocol') {
          assert.deepEqual(peer.received.at(-1)?.type, FrameType.GoAway);
          assert.equal(peer.received.at(-1)?.length, GoAwayCode.ProtocolError);
        }
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      await peer.close();
    }
    // The fuzzer must actually reach the interesting paths.
    assert.ok(rsts > 0, 'some streams were reset');
    assert.ok((outcomes.get('still open') ?? 0) >= SESSIONS / 4, `outcomes ${JSON.stringify([...outcomes])}`);
    assert.ok((outcomes.get('still open') ?? 0) > 0, `outcomes ${JSON.stringify([...outcomes])}`);
    assert.ok([...outcomes.keys()].filter((k) => k.startsWith('YAMUX_ERR_')).length >= 4, `outcomes ${JSON.stringify([...outcomes])}`);
    assert.ok(process.memoryUsage().heapUsed < 512 * 1024 * 1024);
  });
});
