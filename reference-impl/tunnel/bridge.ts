/**
 * Joins two duplexes both ways (a yamux stream and a TCP socket, or two yamux streams): bytes flow
 * with backpressure, an end on one side becomes an end (FIN) on the other, so half-closed
 * conversations work; an error or an early close on either side aborts both (RST on yamux, reset
 * on TCP), so nothing is left half-alive.
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Resolves when both sides are closed: `ok` is true when both directions ended normally. */
export function bridge(a: Duplex, b: Duplex): Promise<{ ok: boolean }> {
  return new Promise((resolve) => {
    let aborted = false;
    let closed = 0;
    const abort = () => {
      if (aborted) return;
      aborted = true;
      a.unpipe(b);
      b.unpipe(a);
      abortSide(a);
      abortSide(b);
    };
    const onClose = (side: Duplex) => () => {
      // closed before both of its directions completed: the conversation is cut
      if (!side.readableEnded || !side.writableFinished) abort();
      if (++closed === 2) resolve({ ok: !aborted });
    };
    a.on('error', abort);
    b.on('error', abort);
    a.once('close', onClose(a));
    b.once('close', onClose(b));
    a.pipe(b);
    b.pipe(a);
  });
}

function abortSide(side: Duplex): void {
  if (side.destroyed) return;
  if (side instanceof Socket && typeof side.resetAndDestroy === 'function' && side.readyState !== 'opening') side.resetAndDestroy();
  else side.destroy();
}
