import assert from 'node:assert/strict';
import { FskError } from '../../../../reference-impl/fsk/fsk-error.ts';
import { MultipartParser, multipartBoundary, type MultipartResult } from '../../../../reference-impl/fsk/multipart.ts';

const BOUNDARY = '----caplabBoundary7MA4YWxkTrZu0gW';

/** A body as curl -F writes it: each part's headers, a blank line, the data, CRLF, then the next boundary. */
function body(parts: Array<{ headers: string[]; data: Buffer }>, options: { preamble?: string; epilogue?: string; boundary?: string } = {}): Buffer {
  const b = options.boundary ?? BOUNDARY;
  const chunks: Buffer[] = [Buffer.from(options.preamble ?? '')];
  for (const p of parts) chunks.push(Buffer.from(`--${b}\r\n${p.headers.join('\r\n')}\r\n\r\n`), p.data, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${b}--\r\n${options.epilogue ?? ''}`));
  return Buffer.concat(chunks);
}

const filePart = (data: Buffer, name = 'file') => ({ headers: [`Content-Disposition: form-data; name="${name}"; filename="test.wav"`, 'Content-Type: audio/wav'], data });
const textPart = (name: string, value: string) => ({ headers: [`Content-Disposition: form-data; name="${name}"`], data: Buffer.from(value) });

function parse(chunks: Buffer[], boundary = BOUNDARY): MultipartResult {
  const parser = new MultipartParser(boundary);
  for (const c of chunks) parser.write(c);
  return parser.end();
}

function refused(chunks: Buffer[], pattern: RegExp): void {
  assert.throws(() => parse(chunks), (err: unknown) => err instanceof FskError && err.status === 400 && err.code === 'bad_multipart' && pattern.test(err.message));
}

/** Bytes that look like the delimiter without being it (RFC 2046: the real one never occurs in data), plus every byte value. */
const tricky = Buffer.concat([
  Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}X\r\n-${BOUNDARY}\n--${BOUNDARY}`), Buffer.from(`--${BOUNDARY}`), Buffer.from('\r\n-'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n\r\n'), Buffer.from(`\r\n--${BOUNDARY.slice(0, 10)}`),
]);

describe('multipart/form-data parser', () => {
  it('extracts the file field with its filename and content type, and text fields beside it', () => {
    const result = parse([body([textPart('protocol', 'audible-fast'), filePart(tricky)])]);
    assert.deepEqual(result.file?.data, tricky);
    assert.equal(result.file?.filename, 'test.wav');
    assert.equal(result.file?.contentType, 'audio/wav');
    assert.deepEqual(result.fields, { protocol: 'audible-fast' });
  });

  it('gives the same result however the body is split into two chunks, at every byte boundary', () => {
    const whole = body([textPart('note', 'hi'), filePart(tricky)], { preamble: 'ignored preamble\r\n', epilogue: 'ignored epilogue' });
    for (let cut = 0; cut <= whole.length; cut++) {
      const r = parse([whole.subarray(0, cut), whole.subarray(cut)]);
      assert.deepEqual(r.file?.data, tricky, `split at ${cut}`);
      assert.deepEqual(r.fields, { note: 'hi' }, `split at ${cut}`);
    }
  });

  it('gives the same result when fed one byte at a time', () => {
    const whole = body([filePart(tricky)]);
    const r = parse([...whole].map((b) => Buffer.of(b)));
    assert.deepEqual(r.file?.data, tricky);
  });

  it('keeps data that contains the boundary text without the CRLF-- before it', () => {
    const data = Buffer.from(`${BOUNDARY}\n--${BOUNDARY}\r--${BOUNDARY}`);
    assert.deepEqual(parse([body([filePart(data)])]).file?.data, data);
  });

  it('accepts an empty file part, and transport padding after a boundary', () => {
    const padded = Buffer.from(body([filePart(Buffer.alloc(0))]).toString('latin1').replace(`--${BOUNDARY}\r\n`, `--${BOUNDARY} \t\r\n`), 'latin1');
    assert.equal(parse([padded]).file?.data.length, 0);
  });

  it('reports no file when the form has only other fields', () => {
    const r = parse([body([textPart('text', 'x')])]);
    assert.equal(r.file, undefined);
    assert.deepEqual(r.fields, { text: 'x' });
  });

  it('reads quoted names with escapes and unquoted names', () => {
    const r = parse([body([{ headers: ['content-disposition: form-data; name=file; filename="a \\"b\\".wav"'], data: Buffer.from('x') }])]);
    assert.equal(r.file?.filename, 'a "b".wav');
  });

  describe('refuses malformed bodies with 400', () => {
    const whole = body([filePart(Buffer.from('abc'))]);
    const cases: Array<[string, Buffer[], RegExp]> = [
      ['a body with no boundary line', [Buffer.from('just some bytes')], /no boundary line found/],
      ['a body sent with another boundary', [body([filePart(Buffer.from('a'))], { boundary: 'other' })], /no boundary line found/],
      ['a body cut before the closing boundary', [whole.subarray(0, whole.length - 10)], /ended before the closing boundary/],
      ['a part without Content-Disposition', [body([{ headers: ['Content-Type: audio/wav'], data: Buffer.from('a') }])], /no Content-Disposition: form-data/],
      ['a part without a name', [body([{ headers: ['Content-Disposition: form-data; filename="a.wav"'], data: Buffer.from('a') }])], /no name parameter/],
      ['a header line without a colon', [body([{ headers: ['Content-Disposition: form-data; name="file"', 'garbage'], data: Buffer.from('a') }])], /has no name/],
      ['two file fields', [body([filePart(Buffer.from('a')), filePart(Buffer.from('b'))])], /more than one 'file' field/],
      ['a text field over 1 KiB', [body([textPart('protocol', 'x'.repeat(1025))])], /field 'protocol' is over 1024 bytes/],
      ['bytes after a boundary on its line', [Buffer.from(`--${BOUNDARY}garbage\r\n`)], /unexpected bytes after a boundary/],
      ['part headers over 8 KiB', [Buffer.from(`--${BOUNDARY}\r\nX-Long: ${'a'.repeat(9000)}`)], /part headers longer than 8192 bytes/],
      ['more than 32 parts', [body(Array.from({ length: 33 }, (_, i) => textPart(`f${i}`, 'v')))], /more than 32 parts/],
    ];
    for (const [name, chunks, pattern] of cases) it(name, () => refused(chunks, pattern));
  });

  it('finds the boundary in a Content-Type, quoted or not, and rejects missing or over-long ones', () => {
    assert.equal(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`), BOUNDARY);
    assert.equal(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"'), 'a b:c');
    assert.equal(multipartBoundary('multipart/form-data'), null);
    assert.equal(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`), null);
    assert.equal(multipartBoundary('multipart/form-data; boundary="ends with space "'), null);
  });
});
