/**
 * A WebSocket as a byte stream, so a yamux session can run over it. Binary messages in both
 * directions; message boundaries mean nothing (yamux frames may span messages). Writes are held
 * back while the socket has more than `highWaterMark` bytes unsent (`bufferedAmount`), so a slow
 * peer backs the yamux write path up instead of growing memory. Small writes from one tick (yamux
 * headers, window updates) are coalesced into one message; large payloads go as they are.
 *
 * We use this rather than ws's createWebSocketStream because that one sends every write as its own
 * message and waits for each to reach the kernel before taking the next.
 */
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export interface WebSocketDuplexOptions {
  /** bytes queued in the WebSocket beyond which writes wait for the socket to drain; default 1 MiB */
  highWaterMark?: number;
}

/** Writes smaller than this are copied together with their neighbours into one message. */
const COALESCE_BELOW = 16 * 1024;
/** A coalesced message is sent once it reaches this size. */
const COALESCED_MESSAGE = 64 * 1024;
const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

export class WebSocketDuplex extends Duplex {
  /** payload bytes received from the peer */
  bytesIn = 0;
  /** payload bytes handed to the WebSocket for the peer */
  bytesOut = 0;
  private readonly ws: WebSocket;
  private readonly highWaterMark: number;

  /** `ws` must be OPEN. The duplex owns it from now on: destroying one closes the other. */
  constructor(ws: WebSocket, options: WebSocketDuplexOptions = {}) {
    super({ allowHalfOpen: false, decodeStrings: true, writableHighWaterMark: 64 * 1024 });
    this.ws = ws;
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    ws.binaryType = 'nodebuffer';
    ws.on('message', this.onMessage);
    ws.on('close', this.onClose);
    ws.on('error', this.onError);
  }

  /** The WebSocket's queued, unsent bytes. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.sendAll([chunk], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void): void {
    this.sendAll(chunks.map((c) => c.chunk), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    // WebSocket has no half-close: ending our side ends the connection, after what is queued.
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.ws.off('message', this.onMessage);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      if (err) this.ws.terminate();
      else this.ws.close(1000);
    }
    callback(err);
  }

  private sendAll(chunks: Buffer[], callback: (err?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      // The connection is going or gone; its end reaches the reader. Late frames (RST, GoAway) are moot.
      callback();
      return;
    }
    const messages: Buffer[] = [];
    let small: Buffer[] = [];
    let smallBytes = 0;
    const flushSmall = () => {
      if (smallBytes === 0) return;
      messages.push(small.length === 1 ? small[0]! : Buffer.concat(small, smallBytes));
      small = [];
      smallBytes = 0;
    };
    for (const chunk of chunks) {
      if (chunk.length < COALESCE_BELOW) {
        small.push(chunk);
        smallBytes += chunk.length;
        if (smallBytes >= COALESCED_MESSAGE) flushSmall();
      } else {
        flushSmall();
        messages.push(chunk);
      }
    }
    flushSmall();
    let done = false;
    const finish = (err?: Error | null) => {
      if (done) return;
      done = true;
      callback(err ?? null);
    };
    const lastIndex = messages.length - 1;
    messages.forEach((message, i) => {
      this.bytesOut += message.length;
      // The send callback of the last message fires once everything before it has left too.
      if (i === lastIndex) this.ws.send(message, { binary: true }, finish);
      else this.ws.send(message, { binary: true });
    });
    if (lastIndex === -1 || this.ws.bufferedAmount <= this.highWaterMark) finish();
  }

  private readonly onMessage = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    if (!isBinary) {
      this.destroy(new Error('text message on a binary tunnel WebSocket'));
      return;
    }
    const buf = data as Buffer; // binaryType 'nodebuffer'
    if (buf.length === 0) return;
    this.bytesIn += buf.length;
    if (!this.push(buf)) this.ws.pause();
  };

  private readonly onClose = (): void => {
    // Data already pushed is still read before 'end'; then both sides are done and the duplex closes.
    this.push(null);
    if (!this.writableEnded) this.end();
  };

  private readonly onError = (err: Error): void => {
    this.destroy(err);
  };
}
