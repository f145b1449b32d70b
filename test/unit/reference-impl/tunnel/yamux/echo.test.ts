import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { YamuxSession } from '../../../../../reference-impl/tunnel/yamux/session.ts';
import { prng } from './prng.ts';
import { memoryPair, readAll, tcpPair, type SessionPair } from './session-pair.ts';

const STREAMS = 100;
const SIZE = 64 * 1024;

/** Echo every stream the session accepts: what comes in goes back, FIN answers FIN. */
function serveEcho(session: YamuxSession): void {
  void (async () => {
    for await (const stream of session) stream.pipe(stream);
  })();
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Opens streams from both ends at once, each sending SIZE seeded bytes in uneven writes, and checks the echo. */
async function echoBothWays(pair: SessionPair): Promise<void> {
  serveEcho(pair.client);
  serveEcho(pair.server);
  const rand = prng(42);
  const runs = Array.from({ length: STREAMS }, async (_, i) => {
    const data = Buffer.from(Array.from({ length: SIZE }, () => Math.floor(rand() * 256)));
    const stream = await (i % 2 === 0 ? pair.client : pair.server).open();
    const echoed = readAll(stream);
    for (let off = 0; off < SIZE;) {
      const n = Math.min(SIZE - off, 1 + ((i * 7919 + off) % 9000));
      stream.write(data.subarray(off, off + n));
      off += n;
    }
    stream.end();
    assert.equal(sha(await echoed), sha(data), `stream ${stream.id}`);
  });
  await Promise.all(runs);
  assert.equal(pair.client.numStreams + pair.server.numStreams, 0, 'every stream id forgotten');
  await pair.close();
}

describe('yamux echo of 100 streams x 64 KiB', () => {
  it('over an in-memory pair, streams opened from both sides', async () => {
    await echoBothWays(memoryPair({ enableKeepAlive: false }));
  });

  it('over loopback TCP, streams opened from both sides', async () => {
    await echoBothWays(await tcpPair());
  });
});
