/**
 * The load-generator protocol on the wire: the worker-thread messages (workload-messages.ts) plus
 * `init`, each one binary WebSocket frame holding `v8.serialize(message)`. v8's serializer is what
 * worker threads and advanced IPC use (structured clone), so Snapshots, Infinity extremes and
 * dataset bytes arrive as they do in a thread; JSON would turn Infinity into null.
 *
 * Both ends check what they decode: a text frame, bytes v8 cannot read, or a message of an unknown
 * type or shape is a ProtocolError (a coded CaplabError), never a crash or a silent hang.
 */
import { deserialize, serialize } from 'node:v8';
import { CaplabError } from '../errors.ts';
import type { FromWorker, ToWorker, WorkerInit } from './workload-messages.ts';

/** Coordinator -> generator. */
export type ToLoadGenerator = { type: 'init'; init: WorkerInit } | ToWorker;
/** Generator -> coordinator: a worker thread's replies. */
export type FromLoadGenerator = FromWorker;

/** Environment variable carrying the token a generator requires on its WebSocket upgrade. */
export const TOKEN_ENV = 'CAPLAB_LOADGEN_TOKEN';
/** Largest frame either side accepts: init carries the datasets, so it may be large. */
export const MAX_FRAME_BYTES = 256 << 20;

/** A frame that is not a message of the protocol. */
export class ProtocolError extends CaplabError {
  /** the message without the code's prefix, for the error the other end reports */
  readonly detail: string;

  constructor(detail: string) {
    super('CAPLAB_ERR_WORKER_FAILED', `load-generator protocol: ${detail}`, {
      hint: 'the coordinator and the load generator must be the same caplab version (rebuild the image with `npm run image:build`); nothing else may connect to a generator\'s port',
    });
    this.detail = `load-generator protocol: ${detail}`;
  }
}

/** One message as one binary frame. */
export function encodeMessage(m: ToLoadGenerator | FromLoadGenerator): Buffer {
  return serialize(m);
}

/** A frame from the coordinator, checked. */
export function decodeToGenerator(data: unknown, isBinary: boolean): ToLoadGenerator {
  const m = decodeFrame(data, isBinary);
  switch (m.type) {
    case 'go': case 'stop': return m as ToLoadGenerator;
    case 'drain': return { type: 'drain', seq: wholeNumber(m.seq, 'drain.seq') };
    case 'init': return { type: 'init', init: checkInit(m.init) };
    default: throw new ProtocolError(`unknown message type ${JSON.stringify(m.type)} from the coordinator (expected init, go, drain or stop)`);
  }
}

/** A frame from a generator, checked. */
export function decodeFromGenerator(data: unknown, isBinary: boolean): FromLoadGenerator {
  const m = decodeFrame(data, isBinary);
  switch (m.type) {
    case 'ready': return { type: 'ready' };
    case 'snapshot':
      wholeNumber(m.seq, 'snapshot.seq');
      checkSnapshot(m.snapshot, 'snapshot.snapshot');
      if (typeof m.vus !== 'number') throw new ProtocolError('snapshot.vus is not a number');
      return m as FromLoadGenerator;
    case 'done': {
      checkSnapshot(m.snapshot, 'done.snapshot');
      const o = m.outcome as Record<string, unknown> | undefined;
      if (!isObject(o) || !['iterations', 'dropped', 'interrupted'].every((k) => typeof o[k] === 'number')) throw new ProtocolError('done.outcome lacks iterations, dropped or interrupted');
      return m as FromLoadGenerator;
    }
    case 'error':
      if (typeof m.message !== 'string') throw new ProtocolError('error.message is not a string');
      return m as FromLoadGenerator;
    default: throw new ProtocolError(`unknown message type ${JSON.stringify(m.type)} from a generator (expected ready, snapshot, done or error)`);
  }
}

function decodeFrame(data: unknown, isBinary: boolean): Record<string, unknown> & { type: unknown } {
  if (!isBinary) throw new ProtocolError('a text frame arrived; every message is one binary frame of v8.serialize');
  const bytes = Array.isArray(data) ? Buffer.concat(data as Buffer[]) : data instanceof ArrayBuffer ? Buffer.from(data) : (data as Buffer);
  let m: unknown;
  try {
    m = deserialize(bytes);
  } catch (err) {
    throw new ProtocolError(`a frame of ${bytes.length} bytes is not v8-serialized data (${(err as Error).message})`);
  }
  if (!isObject(m) || typeof m.type !== 'string') throw new ProtocolError('a frame is not a message object with a string `type`');
  return m as Record<string, unknown> & { type: unknown };
}

function checkInit(v: unknown): WorkerInit {
  if (!isObject(v)) throw new ProtocolError('init.init is not an object');
  const shardCount = wholeNumber(v.shardCount, 'init.shardCount');
  const shardIndex = wholeNumber(v.shardIndex, 'init.shardIndex');
  if (shardCount < 1 || shardIndex >= shardCount) throw new ProtocolError(`init: shard ${shardIndex} of ${shardCount} does not exist`);
  if (typeof v.name !== 'string' || !isObject(v.workload) || typeof v.workload.executor !== 'string') throw new ProtocolError('init lacks the workload name or its executor');
  for (const k of ['endpoints', 'tags', 'datasets'] as const) if (!isObject(v[k])) throw new ProtocolError(`init.${k} is not an object`);
  if (typeof v.warmupMs !== 'number' || typeof v.seed !== 'number' || typeof v.baseDir !== 'string') throw new ProtocolError('init lacks warmupMs, seed or baseDir');
  return v as unknown as WorkerInit;
}

function checkSnapshot(v: unknown, where: string): void {
  if (!isObject(v) || !Array.isArray(v.deltas)) throw new ProtocolError(`${where} is not a Snapshot (no deltas array)`);
}

function wholeNumber(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ProtocolError(`${where} is not a whole number`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
