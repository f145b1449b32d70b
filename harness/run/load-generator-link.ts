/**
 * The coordinator's end of the link to one load generator: a WebSocket client dialled to the URL
 * the launcher gave (127.0.0.1 for local processes and for `kubectl port-forward pod/...`), with
 * the run's bearer token. Frames are decoded and checked (load-generator-protocol.ts); a bad one
 * closes the link with the ProtocolError as the reason, so the shard fails with a coded error.
 */
import WebSocket from 'ws';
import { CaplabError } from '../errors.ts';
import { decodeFromGenerator, encodeMessage, MAX_FRAME_BYTES, type FromLoadGenerator, type ToLoadGenerator } from './load-generator-protocol.ts';

/** How long dialling keeps retrying a generator that refuses (a port-forward up before the pod listens). */
const DIAL_TIMEOUT_MS = 30_000;
const DIAL_RETRY_MS = 250;

export interface GeneratorLink {
  /** sends one message if the link is open; a closed link drops it (its close was already reported) */
  send(m: ToLoadGenerator): void;
  readonly open: boolean;
  /** `onMessage` gets every checked message; `onClose` once, with the reason when it was not a clean close */
  listen(onMessage: (m: FromLoadGenerator) => void, onClose: (reason: Error | null) => void): void;
  close(): void;
}

/** Connects to the generator at `url`, retrying refused connections until `timeoutMs`. */
export async function dialGenerator(url: string, token: string, signal: AbortSignal, timeoutMs = DIAL_TIMEOUT_MS): Promise<GeneratorLink> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal.throwIfAborted();
    try {
      return await connectOnce(url, token);
    } catch (err) {
      // An HTTP answer (401: wrong token) will not change by retrying; a refused connection may.
      if ((err as { answered?: boolean }).answered || Date.now() + DIAL_RETRY_MS > deadline) {
        throw new CaplabError('CAPLAB_ERR_WORKER_FAILED', `cannot reach the load generator at ${url}: ${(err as Error).message}`,
          { hint: 'the generator may have exited (its init deadline) or the port-forward to it failed; rerun with --verbose', cause: err });
      }
      await new Promise((r) => setTimeout(r, DIAL_RETRY_MS));
    }
  }
}

function connectOnce(url: string, token: string): Promise<GeneratorLink> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    const early = (err: Error): void => reject(err);
    ws.once('error', early);
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}${res.statusCode === 401 ? ' (wrong token: is another run using this generator?)' : ''}`), { answered: true }));
      ws.terminate();
    });
    ws.once('open', () => {
      ws.off('error', early);
      resolve(wrap(ws));
    });
  });
}

function wrap(ws: WebSocket): GeneratorLink {
  let failure: Error | null = null;
  // Messages arriving before listen() (none should: the generator speaks only when asked) are kept.
  const early: FromLoadGenerator[] = [];
  let deliver: ((m: FromLoadGenerator) => void) | null = null;
  ws.on('message', (data, isBinary) => {
    if (failure) return;
    try {
      const m = decodeFromGenerator(data, isBinary);
      if (deliver) deliver(m); else early.push(m);
    } catch (err) {
      failure = err as Error;
      ws.close(1002, 'protocol error');
      setTimeout(() => ws.terminate(), 1_000).unref();
    }
  });
  ws.on('error', (err) => { failure ??= err; });
  return {
    get open() { return ws.readyState === WebSocket.OPEN; },
    send(m) {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage(m), { binary: true });
    },
    listen(onMessage, onClose) {
      deliver = onMessage;
      for (const m of early.splice(0)) onMessage(m);
      const closed = (code: number, reason: Buffer): void => {
        onClose(failure ?? (code === 1000 ? null : new Error(`connection closed (code ${code}${reason.length > 0 ? `: ${reason.toString()}` : ''})`)));
      };
      if (ws.readyState === WebSocket.CLOSED) closed(1006, Buffer.alloc(0));
      else ws.once('close', closed);
    },
    close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    },
  };
}
