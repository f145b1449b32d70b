/**
 * A worker thread of the fsk pool: its own ggwave module (wasm state is not shared between
 * threads), one job at a time, results posted back with their audio transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { FskError, toWire } from './fsk-error.ts';
import { runFskJob, transferablesOf } from './fsk-jobs.ts';
import { GgwaveCodec } from './ggwave-codec.ts';
import { loadGgwave } from './ggwave-module.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

const port = parentPort!;
const codec = new GgwaveCodec(await loadGgwave());

port.on('message', ({ id, job }: ToWorker) => {
  const started = performance.now();
  let reply: FromWorker;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = runFskJob(codec, job);
    transfer = transferablesOf(result);
    reply = { type: 'done', id, ok: true, result, computeMs: performance.now() - started };
  } catch (err) {
    // refusals are answers; anything else is a bug, reported as 500 with its message rather than killing the thread
    const e = err instanceof FskError ? err : new FskError(500, 'internal', `internal error: ${err instanceof Error ? err.message : String(err)}`);
    reply = { type: 'done', id, ok: false, error: toWire(e), computeMs: performance.now() - started };
  }
  port.postMessage(reply, transfer);
});

port.postMessage({ type: 'ready' } satisfies FromWorker);
