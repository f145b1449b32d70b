/**
 * The request body's state as an error response sees it, and the JSON replies. A refusal must know
 * whether the body was read: if not, the connection cannot carry another request and has to close,
 * without the reset that would destroy the refusal on its way to the client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FskError } from './fsk-error.ts';
import { bodyTooLarge, declaredLength } from './request-body.ts';

/** After refusing a body mid-upload, how long the client gets to read the answer (and stop sending) before the socket is cut. */
const LINGER_MS = 1_000;
/** Bodies up to this size are read and discarded after an early refusal, keeping the connection. */
const DISCARDABLE_BODY_BYTES = 64 * 1024;

/**
 * Whether a request's body has been read, so an error response knows if the connection can be
 * kept (body consumed or small enough to discard) or must close (refused mid-upload).
 */
export class BodyState {
  private done = false;
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private readonly expectsContinue: boolean;

  constructor(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) {
    this.req = req;
    this.res = res;
    this.expectsContinue = expectsContinue;
  }

  /** For `Expect: 100-continue`: refuses a declared-too-large body unsent, or asks the client to send it. */
  allowContinue(limit: number, what: string): void {
    const declared = declaredLength(this.req);
    if (declared !== undefined && declared > limit) throw bodyTooLarge(what, limit, declared);
    if (this.expectsContinue) this.res.writeContinue();
  }

  /** Runs the body reader and remembers that the body was consumed. */
  async read<T>(reader: () => Promise<T>): Promise<T> {
    const value = await reader();
    this.done = true;
    return value;
  }

  /** Ends the connection after the response: at once if the client awaits 100-continue (it sent nothing), else with a lingering close. */
  closeAfter(res: ServerResponse): void {
    if (this.expectsContinue) { res.setHeader('connection', 'close'); return; }
    const socket = this.req.socket;
    this.req.removeAllListeners('data');
    this.req.on('data', () => {});
    this.req.resume();
    res.setHeader('connection', 'close');
    // Node ends such a connection with destroySoon(): FIN, then destroy as soon as the response is
    // flushed, which resets a connection that still has bytes arriving. Linger instead.
    socket.destroySoon = () => {
      socket.end();
      socket.once('end', () => socket.destroy());
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    };
  }

  /** True when the connection must close after the response, because unread body bytes remain. */
  get mustClose(): boolean {
    if (this.done) return false;
    if (this.expectsContinue) return true;
    const declared = declaredLength(this.req);
    // Node reads and drops a small unread body itself, keeping the connection; a paused read was stopped by us
    if (declared === undefined) return this.req.headers['transfer-encoding'] !== undefined;
    return declared > DISCARDABLE_BODY_BYTES || this.req.readableFlowing === false;
  }
}

/**
 * Sends an FskError as JSON. If the request body was left unread (refused mid-upload), the
 * connection ends with a lingering close, as nginx does: what the client still sends is read and
 * dropped, unbuffered, for LINGER_MS, then the socket is cut. Closing at once would leave unread
 * bytes in the receive buffer, so the kernel would answer with a reset that can destroy the 413
 * before the client reads it.
 */
export function fail(res: ServerResponse, err: FskError, body: BodyState): void {
  if (res.headersSent || res.destroyed) { res.destroy(); return; }
  if (body.mustClose) body.closeAfter(res);
  sendJson(res, err.status, err.toBody());
}

/** Sends `payload` as a JSON response. */
export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

