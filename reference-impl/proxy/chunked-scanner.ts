/**
 * Finds where a chunked body ends without decoding it: the fast path passes chunked responses to
 * the client byte for byte and only needs to know when the upstream connection is free again.
 */

const enum S { Size, Ext, SizeLf, Data, DataCr, DataLf, TrailerStart, TrailerLine, EndLf, Done }

/** Scans a chunked body fed in pieces; `feed` says where in the piece the body ended, -1 if not yet, or throws on a malformed body. */
export class ChunkedScanner {
  private state = S.Size;
  private size = 0;
  private digits = 0;
  private remaining = 0;

  /** Index just past the body's last byte within `buf`, or -1 if the body goes on. */
  feed(buf: Buffer): number {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      const c = buf[i]!;
      switch (this.state) {
        case S.Size: {
          const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
          if (d >= 0) {
            if (++this.digits > 12) throw new Error('chunk size too large');
            this.size = this.size * 16 + d;
          } else if (this.digits === 0) throw new Error('bad chunk size');
          else if (c === 0x3b || c === 0x20 || c === 0x09) this.state = S.Ext;
          else if (c === 0x0d) this.state = S.SizeLf;
          else throw new Error('bad chunk size');
          i++;
          break;
        }
        case S.Ext:
          if (c === 0x0d) this.state = S.SizeLf;
          else if (c === 0x0a) throw new Error('bad chunk extension');
          i++;
          break;
        case S.SizeLf:
          if (c !== 0x0a) throw new Error('bad chunk line');
          i++;
          if (this.size === 0) this.state = S.TrailerStart;
          else { this.remaining = this.size; this.state = S.Data; }
          this.size = 0; this.digits = 0;
          break;
        case S.Data: {
          const take = Math.min(this.remaining, n - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = S.DataCr;
          break;
        }
        case S.DataCr:
          if (c !== 0x0d) throw new Error('bad chunk end');
          this.state = S.DataLf; i++;
          break;
        case S.DataLf:
          if (c !== 0x0a) throw new Error('bad chunk end');
          this.state = S.Size; i++;
          break;
        case S.TrailerStart:
          this.state = c === 0x0d ? S.EndLf : S.TrailerLine; i++;
          break;
        case S.TrailerLine:
          if (c === 0x0a) this.state = S.TrailerStart;
          i++;
          break;
        case S.EndLf:
          if (c !== 0x0a) throw new Error('bad chunked body end');
          this.state = S.Done;
          return i + 1;
        case S.Done:
          return i;
      }
    }
    return -1;
  }
}
