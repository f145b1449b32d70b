/**
 * An incremental HTTP/1.1 response parser over Buffers, for the fast engine. It accepts input cut
 * at any byte and several responses in one chunk, copies only what it must (a head split across
 * reads; the body when checks need it), and rejects what is not HTTP/1.x with an error at once,
 * or after a bounded number of bytes, so a confused peer can never make it wait forever.
 *
 * Bodies are framed as RFC 9112 section 6.3 says: none for HEAD, 1xx, 204 and 304; chunked when
 * the last transfer coding is chunked; Content-Length; otherwise everything until the peer closes.
 */

/** Receives each complete response; `body` (kept only when asked) is valid only during the call. */
export interface ResponseSink {
  onResponse(status: number, keepAlive: boolean, body: Buffer | null): void;
}

/** Malformed or unsupported input; the connection it came from cannot be trusted any more. */
export class HttpParseError extends Error {
  readonly code = 'EPROTO';
  constructor(message: string) {
    super(`malformed HTTP response: ${message}`);
    this.name = 'HttpParseError';
  }
}

export interface ResponseParserOptions {
  /** keep the body bytes for the sink (checks that read the body) */
  keepBody: boolean;
  /** the most bytes a response head (or a chunked trailer) may take; default 64 KiB */
  maxHeadBytes?: number;
}

const enum State {
  Head,
  BodyLength,
  BodyUntilClose,
  ChunkSize,
  ChunkExtension,
  ChunkSizeLf,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  TrailerLineStart,
  TrailerLine,
  TrailerLineLf,
  TrailerEndLf,
  Dead,
}

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;
const COLON = 58;
const SEMICOLON = 59;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_PREFIX = Buffer.from('HTTP/1.', 'latin1');
const CONTENT_LENGTH = Buffer.from('content-length', 'latin1');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding', 'latin1');
const CONNECTION = Buffer.from('connection', 'latin1');
const CHUNKED = Buffer.from('chunked', 'latin1');
const CLOSE = Buffer.from('close', 'latin1');
const KEEP_ALIVE = Buffer.from('keep-alive', 'latin1');
// 13 hex digits stay below 2^53, so the size never loses precision.
const MAX_CHUNK_SIZE_DIGITS = 13;
const MAX_CHUNK_EXTENSION_BYTES = 4096;
const MAX_CONTENT_LENGTH_DIGITS = 15;

// tchar of RFC 9110: what a header name may hold.
const IS_TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") IS_TOKEN[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) IS_TOKEN[c] = 1;
for (let c = 65; c <= 90; c++) IS_TOKEN[c] = 1;
for (let c = 97; c <= 122; c++) IS_TOKEN[c] = 1;

// hex digit value + 1, 0 for anything else.
const HEX = new Uint8Array(256);
for (let i = 0; i < 10; i++) HEX[48 + i] = i + 1;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 11 + i;
  HEX[97 + i] = 11 + i;
}

export class ResponseParser {
  /** Set before each request: a response to HEAD has no body, whatever its headers announce. */
  noBody = false;

  private state = State.Head;
  private halted = false;
  private readonly keepBody: boolean;
  private readonly maxHead: number;

  // A head split across reads is gathered here; allocated on first need and reused.
  private headBuf: Buffer | null = null;
  private headLen = 0;

  // The response being parsed.
  private status = 0;
  private keepAlive = true;
  private remaining = 0;
  private chunkSize = 0;
  private chunkDigits = 0;
  private framingBytes = 0;

  // The body, when kept: one growing buffer reused for every response.
  private bodyBuf: Buffer | null = null;
  private bodyLen = 0;

  constructor(private readonly sink: ResponseSink, options: ResponseParserOptions) {
    this.keepBody = options.keepBody;
    this.maxHead = options.maxHeadBytes ?? 64 * 1024;
  }

  /** Whether part of a response has arrived but not all of it. */
  get midResponse(): boolean {
    return this.state !== State.Head || this.headLen > 0;
  }

  /**
   * Parses `b[start, end)`, calling the sink once per response completed in it. Throws
   * HttpParseError on malformed input; after that the parser stays dead until `reset()`.
   */
  execute(b: Buffer, start = 0, end = b.length): void {
    if (this.state === State.Dead) throw new HttpParseError('data after a previous parse error');
    this.halted = false;
    let pos = start;
    try {
      while (pos < end && !this.halted) {
        switch (this.state) {
          case State.Head:
            pos = this.executeHead(b, pos, end);
            break;
          case State.BodyLength:
          case State.ChunkData: {
            const n = Math.min(this.remaining, end - pos);
            if (this.keepBody) this.appendBody(b, pos, pos + n);
            this.remaining -= n;
            pos += n;
            if (this.remaining === 0) {
              if (this.state === State.BodyLength) this.complete();
              else this.state = State.ChunkDataCr;
            }
            break;
          }
          case State.BodyUntilClose:
            if (this.keepBody) this.appendBody(b, pos, end);
            pos = end;
            break;
          default:
            pos = this.executeFraming(b, pos, end);
        }
      }
    } catch (err) {
      this.state = State.Dead;
      throw err;
    }
  }

  /** The peer closed the connection: completes a body that runs until close; throws if a response was cut short. */
  finish(): void {
    if (this.state === State.BodyUntilClose) {
      this.complete();
      return;
    }
    if (this.midResponse && this.state !== State.Dead) {
      this.state = State.Dead;
      throw new HttpParseError('connection closed in the middle of a response');
    }
  }

  /** Stops the current `execute` after the response being delivered; the sink calls it to ignore the rest of a read. */
  halt(): void {
    this.halted = true;
  }

  /** Forgets any partial response, for a fresh connection. */
  reset(): void {
    this.state = State.Head;
    this.headLen = 0;
    this.bodyLen = 0;
    this.halted = true;
  }

  private executeHead(b: Buffer, pos: number, end: number): number {
    if (this.headLen === 0) {
      checkStatusPrefix(b, pos, end);
      const headEnd = this.parseHead(b, pos, end);
      if (headEnd !== -1) return headEnd;
      if (end - pos > this.maxHead) throw new HttpParseError(`response head larger than ${this.maxHead} bytes`);
      this.appendHead(b, pos, end);
      return end;
    }
    // The rare split head: gather it, and parse it once its terminator has arrived.
    const old = this.headLen;
    const take = Math.min(end - pos, this.maxHead - old);
    this.appendHead(b, pos, pos + take);
    const head = this.headBuf!;
    checkStatusPrefix(head, 0, this.headLen);
    // The terminator may straddle the previous read, so look back 3 bytes.
    const i = head.indexOf(HEAD_END, Math.max(0, old - 3));
    if (i !== -1 && i + 4 <= this.headLen) {
      const headEnd = this.parseHead(head, 0, i + 4);
      if (headEnd !== i + 4) throw new HttpParseError('bad response head');
      this.headLen = 0;
      return pos + (headEnd - old);
    }
    if (this.headLen >= this.maxHead) throw new HttpParseError(`response head larger than ${this.maxHead} bytes`);
    return pos + take;
  }

  /**
   * Parses the head starting at `b[s]` in one pass and sets up the body; returns the index just
   * after the head, or -1 when the head does not end before `end` (nothing is changed then).
   * Plain loops rather than Buffer.indexOf: for heads of a few hundred bytes, the native calls
   * cost more than the scanning.
   */
  private parseHead(b: Buffer, s: number, end: number): number {
    if (end - s < 13) return -1;
    // "HTTP/1.x SSS" then SP reason or CRLF; the prefix was checked already.
    const minor = b[s + 7]!;
    if ((minor !== 48 && minor !== 49) || b[s + 8] !== SP) throw new HttpParseError('bad status line');
    const d1 = b[s + 9]! - 48;
    const d2 = b[s + 10]! - 48;
    const d3 = b[s + 11]! - 48;
    if (!(d1 >= 1 && d1 <= 5 && d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9)) throw new HttpParseError('bad status code');
    const after = b[s + 12];
    if (after !== SP && after !== CR) throw new HttpParseError('bad status line');
    const status = d1 * 100 + d2 * 10 + d3;

    let pos = s + 12;
    while (pos < end && b[pos] !== CR) pos++;
    if (pos + 1 >= end) return -1;
    if (b[pos + 1] !== LF) throw new HttpParseError('status line not ended by CRLF');
    pos += 2;

    let contentLength = -1;
    let chunked = false;
    let otherCoding = false;
    let close = minor === 48;
    for (;;) {
      if (pos + 1 >= end) return -1;
      if (b[pos] === CR) {
        if (b[pos + 1] !== LF) throw new HttpParseError('head not ended by CRLF');
        pos += 2;
        break;
      }
      let colon = pos;
      while (colon < end && IS_TOKEN[b[colon]!] === 1) colon++;
      if (colon >= end) return -1;
      if (colon === pos || b[colon] !== COLON) throw new HttpParseError('bad header line');
      const nameLen = colon - pos;
      let v = colon + 1;
      while (v < end && (b[v] === SP || b[v] === HTAB)) v++;
      let lineEnd = v;
      while (lineEnd < end && b[lineEnd] !== CR) lineEnd++;
      if (lineEnd + 1 >= end) return -1;
      if (b[lineEnd + 1] !== LF) throw new HttpParseError('header line not ended by CRLF');
      let ve = lineEnd;
      while (ve > v && (b[ve - 1] === SP || b[ve - 1] === HTAB)) ve--;
      if (nameLen === 14 && equalsLower(b, pos, CONTENT_LENGTH)) {
        const n = parseDecimal(b, v, ve);
        if (contentLength !== -1 && contentLength !== n) throw new HttpParseError('conflicting content-length headers');
        contentLength = n;
      } else if (nameLen === 17 && equalsLower(b, pos, TRANSFER_ENCODING)) {
        // Only the last coding decides the framing; an earlier header saying chunked is overridden.
        chunked = endsWithLower(b, v, ve, CHUNKED);
        otherCoding = !chunked;
      } else if (nameLen === 10 && equalsLower(b, pos, CONNECTION)) {
        if (hasTokenLower(b, v, ve, CLOSE)) close = true;
        else if (minor === 48 && hasTokenLower(b, v, ve, KEEP_ALIVE)) close = false;
      }
      pos = lineEnd + 2;
    }

    if (status < 200) {
      // 100 Continue and other interim responses precede the real one; 101 would switch protocols.
      if (status === 101) throw new HttpParseError('101 Switching Protocols is not supported');
      return pos;
    }
    this.status = status;
    this.keepAlive = !close;
    this.bodyLen = 0;
    if (this.noBody || status === 204 || status === 304) {
      this.complete();
    } else if (chunked) {
      // Both framings at once is how requests get smuggled; trust chunked, then drop the connection.
      if (contentLength !== -1) this.keepAlive = false;
      this.state = State.ChunkSize;
      this.chunkSize = 0;
      this.chunkDigits = 0;
      this.framingBytes = 0;
    } else if (otherCoding || contentLength === -1) {
      this.keepAlive = false;
      this.state = State.BodyUntilClose;
    } else if (contentLength === 0) {
      this.complete();
    } else {
      this.remaining = contentLength;
      this.state = State.BodyLength;
    }
    return pos;
  }

  /** The byte-at-a-time states of chunked framing: sizes, extensions, CRLFs and trailers. */
  private executeFraming(b: Buffer, pos: number, end: number): number {
    while (pos < end) {
      const c = b[pos++]!;
      switch (this.state) {
        case State.ChunkSize: {
          const h = HEX[c]!;
          if (h !== 0) {
            if (++this.chunkDigits > MAX_CHUNK_SIZE_DIGITS) throw new HttpParseError('chunk size too large');
            this.chunkSize = this.chunkSize * 16 + (h - 1);
          } else if (this.chunkDigits === 0) {
            throw new HttpParseError('bad chunk size');
          } else if (c === CR) {
            this.state = State.ChunkSizeLf;
          } else if (c === SEMICOLON || c === SP || c === HTAB) {
            this.state = State.ChunkExtension;
          } else {
            throw new HttpParseError('bad chunk size');
          }
          break;
        }
        case State.ChunkExtension:
          if (c === CR) this.state = State.ChunkSizeLf;
          else if (c === LF || ++this.framingBytes > MAX_CHUNK_EXTENSION_BYTES) throw new HttpParseError('bad chunk extension');
          break;
        case State.ChunkSizeLf:
          if (c !== LF) throw new HttpParseError('chunk size not ended by CRLF');
          this.framingBytes = 0;
          if (this.chunkSize === 0) {
            this.state = State.TrailerLineStart;
            break;
          }
          this.remaining = this.chunkSize;
          this.state = State.ChunkData;
          return pos;
        case State.ChunkDataCr:
          if (c !== CR) throw new HttpParseError('chunk data not followed by CRLF');
          this.state = State.ChunkDataLf;
          break;
        case State.ChunkDataLf:
          if (c !== LF) throw new HttpParseError('chunk data not followed by CRLF');
          this.state = State.ChunkSize;
          this.chunkSize = 0;
          this.chunkDigits = 0;
          break;
        case State.TrailerLineStart:
          if (c === CR) this.state = State.TrailerEndLf;
          else if (c === LF || ++this.framingBytes > this.maxHead) throw new HttpParseError('bad chunked trailer');
          else this.state = State.TrailerLine;
          break;
        case State.TrailerLine:
          if (c === CR) this.state = State.TrailerLineLf;
          else if (c === LF || ++this.framingBytes > this.maxHead) throw new HttpParseError('bad chunked trailer');
          break;
        case State.TrailerLineLf:
          if (c !== LF) throw new HttpParseError('trailer line not ended by CRLF');
          this.state = State.TrailerLineStart;
          break;
        case State.TrailerEndLf:
          if (c !== LF) throw new HttpParseError('chunked body not ended by CRLF');
          this.complete();
          return pos;
        default:
          throw new HttpParseError(`parser reached framing with state ${this.state}`);
      }
    }
    return pos;
  }

  private complete(): void {
    this.state = State.Head;
    const body = this.keepBody ? this.bodyBuf?.subarray(0, this.bodyLen) ?? EMPTY : null;
    this.sink.onResponse(this.status, this.keepAlive, body);
  }

  private appendHead(b: Buffer, from: number, to: number): void {
    const need = this.headLen + (to - from);
    if (this.headBuf === null || this.headBuf.length < need) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxHead, Math.max(need, 2 * (this.headBuf?.length ?? 2048))));
      this.headBuf?.copy(grown, 0, 0, this.headLen);
      this.headBuf = grown;
    }
    b.copy(this.headBuf, this.headLen, from, to);
    this.headLen = need;
  }

  private appendBody(b: Buffer, from: number, to: number): void {
    const need = this.bodyLen + (to - from);
    if (this.bodyBuf === null || this.bodyBuf.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * (this.bodyBuf?.length ?? 512)));
      this.bodyBuf?.copy(grown, 0, 0, this.bodyLen);
      this.bodyBuf = grown;
    }
    b.copy(this.bodyBuf, this.bodyLen, from, to);
    this.bodyLen = need;
  }
}

const EMPTY = Buffer.alloc(0);

/** Rejects a response that does not start like `HTTP/1.` as soon as its first bytes are in. */
function checkStatusPrefix(b: Buffer, s: number, end: number): void {
  const n = Math.min(STATUS_PREFIX.length, end - s);
  for (let i = 0; i < n; i++) {
    if (b[s + i] !== STATUS_PREFIX[i]) throw new HttpParseError('response does not start with HTTP/1.');
  }
}

/** Whether `b` at `pos` equals the lower-case ASCII `lower`, ignoring case (token bytes only). */
function equalsLower(b: Buffer, pos: number, lower: Buffer): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((b[pos + i]! | 0x20) !== lower[i]) return false;
  }
  return true;
}

function endsWithLower(b: Buffer, v: number, ve: number, lower: Buffer): boolean {
  const start = ve - lower.length;
  if (start < v) return false;
  if (!equalsLower(b, start, lower)) return false;
  // The coding must be a whole token: `chunked`, or `gzip, chunked`, not `xchunked`.
  return start === v || b[start - 1] === 44 || b[start - 1] === SP || b[start - 1] === HTAB;
}

/** Whether the comma-separated list `b[v, ve)` holds the token `lower`, ignoring case. */
function hasTokenLower(b: Buffer, v: number, ve: number, lower: Buffer): boolean {
  let i = v;
  while (i < ve) {
    while (i < ve && (b[i] === SP || b[i] === HTAB || b[i] === 44)) i++;
    let j = i;
    while (j < ve && b[j] !== 44 && b[j] !== SP && b[j] !== HTAB) j++;
    if (j - i === lower.length && equalsLower(b, i, lower)) return true;
    i = j;
  }
  return false;
}

function parseDecimal(b: Buffer, v: number, ve: number): number {
  if (v === ve || ve - v > MAX_CONTENT_LENGTH_DIGITS) throw new HttpParseError('bad content-length');
  let n = 0;
  for (let i = v; i < ve; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) throw new HttpParseError('bad content-length');
    n = n * 10 + d;
  }
  return n;
}
