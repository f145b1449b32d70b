/**
 * A streaming multipart/form-data parser (RFC 7578) for what /decode needs: one file field, plus
 * small text fields. Bytes go in as they arrive, split anywhere; the delimiter is searched for
 * across chunk edges by keeping its length minus one byte unconsumed. Every malformation is a 400
 * that says what was expected.
 */
import { FskError } from './fsk-error.ts';

export interface MultipartFile { data: Buffer; filename: string | undefined; contentType: string | undefined }

export interface MultipartResult {
  /** the part named by `fileField`, if present */
  file: MultipartFile | undefined;
  /** other parts, as UTF-8 text */
  fields: Record<string, string>;
}

/** Header block of one part, at most: generous for real clients, small enough to bound memory. */
const MAX_PART_HEADER_BYTES = 8 * 1024;
/** A text field bigger than this is not one of ours. */
const MAX_TEXT_FIELD_BYTES = 1024;
const MAX_PARTS = 32;

const malformed = (message: string) => new FskError(400, 'bad_multipart', `malformed multipart/form-data body: ${message}`);

/** The boundary parameter of a multipart/form-data content type, or null if there is none (or it is invalid). */
export function multipartBoundary(contentType: string): string | null {
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;"]*))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2])! : '';
  // RFC 2046: 1-70 characters, not ending in a space
  return boundary.length >= 1 && boundary.length <= 70 && !boundary.endsWith(' ') ? boundary : null;
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';

export class MultipartParser {
  private readonly delimiter: Buffer;
  private readonly fileField: string;
  private state: State = 'preamble';
  // a virtual CRLF before the first byte, so the opening boundary matches the same delimiter as the others
  private pending: Buffer = Buffer.from('\r\n');
  private part: { name: string; filename: string | undefined; contentType: string | undefined; chunks: Buffer[]; bytes: number } | undefined;
  private parts = 0;
  private file: MultipartFile | undefined;
  private readonly fields: Record<string, string> = {};

  constructor(boundary: string, fileField = 'file') {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.fileField = fileField;
  }

  /** Feeds the next bytes of the body. */
  write(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    // each pass either consumes bytes and changes state, or returns to wait for more
    for (;;) {
      if (this.state === 'done') { this.pending = Buffer.alloc(0); return; } // the epilogue is ignored
      if (!this.step()) return;
    }
  }

  /** Ends the body; throws if the closing boundary never came. */
  end(): MultipartResult {
    if (this.state !== 'done') {
      throw malformed(this.state === 'preamble' ? 'no boundary line found; was the body sent with the boundary its Content-Type names?' : 'the body ended before the closing boundary');
    }
    return { file: this.file, fields: this.fields };
  }

  /** One parsing step; false when more input is needed. */
  private step(): boolean {
    switch (this.state) {
      case 'preamble': {
        const at = this.pending.indexOf(this.delimiter);
        if (at === -1) { this.keepTail(); return false; }
        this.pending = this.pending.subarray(at + this.delimiter.length);
        this.state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (this.pending.length < 2) return false;
        if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) { this.state = 'done'; return true; }
        const eol = this.pending.indexOf('\r\n');
        if (eol === -1) {
          if (this.pending.length > 64) throw malformed('a boundary line is not followed by CRLF');
          return false;
        }
        // only transport padding (spaces, tabs) may follow a boundary on its line
        if (!/^[ \t]*$/.test(this.pending.subarray(0, eol).toString('latin1'))) throw malformed('unexpected bytes after a boundary');
        this.pending = this.pending.subarray(eol + 2);
        this.state = 'headers';
        return true;
      }
      case 'headers': {
        const end = this.pending.subarray(0, 2).toString('latin1') === '\r\n' ? 0 : this.pending.indexOf('\r\n\r\n');
        if (end === -1) {
          if (this.pending.length > MAX_PART_HEADER_BYTES) throw malformed(`part headers longer than ${MAX_PART_HEADER_BYTES} bytes`);
          return false;
        }
        this.startPart(this.pending.subarray(0, end).toString('utf8'));
        this.pending = this.pending.subarray(end === 0 ? 2 : end + 4);
        this.state = 'body';
        return true;
      }
      case 'body': {
        const at = this.pending.indexOf(this.delimiter);
        if (at === -1) {
          const keep = this.delimiter.length - 1;
          if (this.pending.length > keep) this.appendToPart(this.pending.subarray(0, this.pending.length - keep));
          this.keepTail();
          return false;
        }
        this.appendToPart(this.pending.subarray(0, at));
        this.pending = this.pending.subarray(at + this.delimiter.length);
        this.finishPart();
        this.state = 'after-delimiter';
        return true;
      }
      default:
        return false;
    }
  }

  private keepTail(): void {
    const keep = this.delimiter.length - 1;
    // copy, so a kept tail does not pin a large chunk in memory
    if (this.pending.length > keep) this.pending = Buffer.from(this.pending.subarray(this.pending.length - keep));
  }

  private startPart(headerBlock: string): void {
    if (++this.parts > MAX_PARTS) throw malformed(`more than ${MAX_PARTS} parts`);
    let disposition: string | undefined;
    let contentType: string | undefined;
    for (const line of headerBlock === '' ? [] : headerBlock.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw malformed(`part header line '${line.slice(0, 60)}' has no name`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-disposition') disposition = value;
      else if (name === 'content-type') contentType = value;
    }
    if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) throw malformed('a part has no Content-Disposition: form-data header');
    const params = dispositionParams(disposition);
    const fieldName = params.get('name');
    if (fieldName === undefined) throw malformed('a part\'s Content-Disposition has no name parameter');
    if (fieldName === this.fileField && this.file !== undefined) throw malformed(`more than one '${this.fileField}' field`);
    this.part = { name: fieldName, filename: params.get('filename'), contentType, chunks: [], bytes: 0 };
  }

  private appendToPart(bytes: Buffer): void {
    const part = this.part!;
    if (bytes.length === 0) return;
    part.bytes += bytes.length;
    if (part.name !== this.fileField && part.bytes > MAX_TEXT_FIELD_BYTES) throw malformed(`field '${part.name}' is over ${MAX_TEXT_FIELD_BYTES} bytes; only '${this.fileField}' may be large`);
    part.chunks.push(Buffer.from(bytes)); // copy: the input chunk may be reused by the caller
  }

  private finishPart(): void {
    const part = this.part;
    this.part = undefined;
    if (part === undefined) return;
    const data = Buffer.concat(part.chunks, part.bytes);
    if (part.name === this.fileField) this.file = { data, filename: part.filename, contentType: part.contentType };
    else this.fields[part.name] = data.toString('utf8');
  }
}

/** Parameters of a Content-Disposition value: `form-data; name="file"; filename="a.wav"`. */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
    params.set(m[1]!.toLowerCase(), raw);
  }
  return params;
}
