import assert from 'node:assert/strict';
import { FormData, Response } from 'undici';
import { MultipartEncoder, multipartContentType, newBoundary } from '../../../harness/drivers/multipart.ts';

/** What undici's FormData encodes, with its boundary, as the known-good reference. */
async function undiciEncoding(fill: (fd: FormData) => void): Promise<{ bytes: Buffer; boundary: string; contentType: string }> {
  const fd = new FormData();
  fill(fd);
  const res = new Response(fd);
  const contentType = res.headers.get('content-type')!;
  const boundary = /boundary=(.*)$/.exec(contentType)![1]!;
  return { bytes: Buffer.from(await res.arrayBuffer()), boundary, contentType };
}

describe('multipart/form-data bodies', () => {
  const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 1, 2, 13, 10, 255, 0x2d, 0x2d]), Buffer.alloc(300, 7)]);

  it('encodes a file part byte for byte as undici FormData does (curl -F "file=@test.wav")', async () => {
    const ref = await undiciEncoding((fd) => fd.append('file', new Blob([wav], { type: 'audio/wav' }), 'test.wav'));
    const ours = new MultipartEncoder([{ name: 'file', file: { filename: 'test.wav', contentType: 'audio/wav' } }], ref.boundary).encode([wav]);
    assert.deepEqual(ours, ref.bytes);
    assert.equal(multipartContentType(ref.boundary), ref.contentType);
  });

  it('encodes text fields and file parts together, with CRLF line ends and escaped names, as undici does', async () => {
    const ref = await undiciEncoding((fd) => {
      fd.append('text', 'line one\nline two');
      fd.append('na"me', 'héllo');
      fd.append('file', new Blob([wav], { type: 'application/octet-stream' }), 'a "quoted" name.wav');
    });
    const encoder = new MultipartEncoder([
      { name: 'text' },
      { name: 'na"me' },
      { name: 'file', file: { filename: 'a "quoted" name.wav', contentType: 'application/octet-stream' } },
    ], ref.boundary);
    assert.deepEqual(encoder.encode(['line one\nline two', 'héllo', wav]), ref.bytes);
  });

  it('keeps file bytes as they are, line ends included', () => {
    const bytes = Buffer.from('a\nb\r\nc');
    const body = new MultipartEncoder([{ name: 'f', file: { filename: 'f', contentType: 'x/y' } }], 'B').encode([bytes]);
    assert.ok(body.includes(Buffer.concat([Buffer.from('\r\n\r\n'), bytes, Buffer.from('\r\n--B--\r\n')])));
  });

  it('makes a new random boundary for each driver', () => {
    const a = newBoundary();
    assert.match(a, /^----caplab-formdata-[0-9a-f]{24}$/);
    assert.notEqual(a, newBoundary());
  });
});
