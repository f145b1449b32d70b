/**
 * multipart/form-data bodies (RFC 7578), encoded byte for byte as undici's FormData does (and so
 * as browsers and `curl -F` do): text fields without a Content-Type, file fields with a filename
 * and a Content-Type, CRLF line ends, and a CRLF after the closing boundary. Each part's head is
 * encoded once; a request only joins the heads with that request's values.
 */
import { randomBytes } from 'node:crypto';

export interface MultipartField {
  name: string;
  /** a file part (with filename and Content-Type); absent for a text field */
  file?: { filename: string; contentType: string };
}

/** A boundary for one driver's bodies: 24 random hex digits make a collision with content negligible. */
export function newBoundary(): string {
  return `----caplab-formdata-${randomBytes(12).toString('hex')}`;
}

/** The Content-Type header value of a body encoded with `boundary`. */
export function multipartContentType(boundary: string): string {
  return `multipart/form-data; boundary=${boundary}`;
}

/** The encoding of a fixed list of fields: heads made once, values given per request. */
export class MultipartEncoder {
  private readonly heads: Buffer[];
  private readonly tail: Buffer;
  private static readonly CRLF = Buffer.from('\r\n', 'latin1');

  constructor(private readonly fields: readonly MultipartField[], readonly boundary: string) {
    this.heads = fields.map((f) => {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escape(normalizeLinefeeds(f.name))}"`;
      if (f.file) head += `; filename="${escape(f.file.filename)}"\r\nContent-Type: ${f.file.contentType}`;
      return Buffer.from(`${head}\r\n\r\n`, 'utf8');
    });
    this.tail = Buffer.from(`--${boundary}--\r\n`, 'latin1');
  }

  /** The whole body; `values[i]` is field i's value (text fields: their line ends become CRLF). */
  encode(values: readonly (string | Buffer)[]): Buffer {
    const chunks: Buffer[] = [];
    for (let i = 0; i < this.fields.length; i++) {
      chunks.push(this.heads[i]!);
      const v = values[i]!;
      chunks.push(typeof v === 'string' ? Buffer.from(this.fields[i]!.file ? v : normalizeLinefeeds(v), 'utf8') : v);
      chunks.push(MultipartEncoder.CRLF);
    }
    chunks.push(this.tail);
    return Buffer.concat(chunks);
  }
}

// The WHATWG escaping of names and filenames: the quotes around them must survive.
function escape(s: string): string {
  return s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

function normalizeLinefeeds(s: string): string {
  return s.replace(/\r?\n|\r/g, '\r\n');
}
