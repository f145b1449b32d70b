/**
 * Incremental frame parser. A byte transport cuts frames anywhere: a header or payload may span
 * input chunks at any byte, and one chunk may hold many frames (yamux-js dropped the partial
 * bytes; see feasibility.md section 2). Payloads are delivered as views into the input chunks,
 * never copied; only a header cut across chunks is copied (12 bytes).
 *
 * Memory stays bounded: a header is validated as soon as its 12 bytes are in, before any payload
 * is collected, so a bad version/type or a length over `maxDataLength` fails at once.
 */
import { YamuxError } from './errors.ts';
import { decodeHeader, FrameType, HEADER_SIZE, isKnownType, PROTOCOL_VERSION, type FrameHeader } from './frame-header.ts';

/** Called once per complete frame; `payload` is empty except for Data frames with a length. */
export type FrameHandler = (header: FrameHeader, payload: readonly Buffer[]) => void;

const NO_PAYLOAD: readonly Buffer[] = Object.freeze([]);

export class FrameReader {
  private readonly partialHeader = Buffer.alloc(HEADER_SIZE);
  private partialFill = 0;
  private current: FrameHeader | null = null;
  private payload: Buffer[] = [];
  private remaining = 0;
  private stopped = false;

  /** `maxDataLength` is the largest Data payload accepted: no legal frame exceeds the receive window. */
  constructor(private readonly maxDataLength: number, private readonly onFrame: FrameHandler) {}

  /** Parses `chunk`, calling the handler for each frame it completes. Throws a protocol YamuxError on a bad header, after which input is ignored. */
  push(chunk: Buffer): void {
    const end = chunk.length;
    let off = 0;
    while (off < end && !this.stopped) {
      if (this.current === null) {
        let header: FrameHeader;
        if (this.partialFill === 0 && end - off >= HEADER_SIZE) {
          header = decodeHeader(chunk, off);
          off += HEADER_SIZE;
        } else {
          const n = Math.min(HEADER_SIZE - this.partialFill, end - off);
          chunk.copy(this.partialHeader, this.partialFill, off, off + n);
          this.partialFill += n;
          off += n;
          if (this.partialFill < HEADER_SIZE) return;
          this.partialFill = 0;
          header = decodeHeader(this.partialHeader);
        }
        this.validate(header);
        if (header.type !== FrameType.Data || header.length === 0) {
          this.onFrame(header, NO_PAYLOAD);
          continue;
        }
        this.current = header;
        this.remaining = header.length;
      }
      const n = Math.min(this.remaining, end - off);
      this.payload.push(off === 0 && n === end ? chunk : chunk.subarray(off, off + n));
      off += n;
      this.remaining -= n;
      if (this.remaining === 0) {
        const header = this.current;
        const payload = this.payload;
        this.current = null;
        this.payload = [];
        this.onFrame(header, payload);
      }
    }
  }

  /** Ignore all further input (the session is closing). */
  stop(): void {
    this.stopped = true;
    this.payload = [];
  }

  /** Bytes of an unfinished frame held right now (header bytes plus payload views). */
  get bufferedBytes(): number {
    return this.current === null ? this.partialFill : HEADER_SIZE + this.current.length - this.remaining;
  }

  private validate(header: FrameHeader): void {
    let err: YamuxError | null = null;
    if (header.version !== PROTOCOL_VERSION) err = new YamuxError('YAMUX_ERR_INVALID_VERSION', `${header.version}`);
    else if (!isKnownType(header.type)) err = new YamuxError('YAMUX_ERR_INVALID_MSG_TYPE', `${header.type}`);
    else if (header.type === FrameType.Data && header.length > this.maxDataLength) {
      err = new YamuxError('YAMUX_ERR_FRAME_TOO_LARGE', `${header.length} bytes on stream ${header.streamId}, limit ${this.maxDataLength}`);
    }
    if (err) {
      this.stop();
      throw err;
    }
  }
}
