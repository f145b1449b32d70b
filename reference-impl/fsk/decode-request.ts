/**
 * Reads a POST /decode upload: multipart/form-data with the WAV in field `file` (as `curl -F
 * "file=@test.wav"` sends it, the seed's interface), or the WAV itself as the body (audio/wav).
 * An optional protocol hint (`?protocol=audible-fast`, or a `protocol` form field) restricts the
 * decoder to that protocol.
 */
import type { IncomingMessage } from 'node:http';
import { FskError } from './fsk-error.ts';
import { MultipartParser, multipartBoundary } from './multipart.ts';
import { EXPOSED_PROTOCOLS, protocolByName } from './protocols.ts';
import { readBody } from './request-body.ts';

export interface DecodeUpload { wav: Buffer; protocol: string | undefined }

const RAW_WAV_TYPES = new Set(['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'application/octet-stream']);

/** Checks the Content-Type before any body is read; returns the multipart boundary, or null for a raw WAV body. */
export function decodeBodyBoundary(contentType: string | undefined): string | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const boundary = multipartBoundary(contentType!);
    if (boundary === null) throw new FskError(400, 'bad_multipart', 'multipart/form-data needs a boundary parameter of 1-70 characters');
    return boundary;
  }
  if (RAW_WAV_TYPES.has(type)) return null;
  throw new FskError(415, 'unsupported_media_type', `POST /decode takes multipart/form-data with a 'file' field, or a WAV body (audio/wav), not '${type || '(no Content-Type)'}'`);
}

/** Reads the upload (at most `limit` bytes) and its protocol hint. */
export async function readDecodeUpload(req: IncomingMessage, boundary: string | null, query: URLSearchParams, limit: number): Promise<DecodeUpload> {
  let hint = query.get('protocol') ?? undefined;
  let wav: Buffer;
  if (boundary === null) {
    wav = await readBody(req, limit, 'a /decode upload');
  } else {
    const parser = new MultipartParser(boundary, 'file');
    await readBody(req, limit, 'a /decode upload', (chunk) => parser.write(chunk));
    const { file, fields } = parser.end();
    if (file === undefined) {
      const names = Object.keys(fields);
      throw new FskError(400, 'missing_file_field', `the form has no 'file' field${names.length ? ` (it has ${names.map((n) => `'${n}'`).join(', ')})` : ''}; send the WAV as -F "file=@audio.wav"`);
    }
    wav = file.data;
    hint ??= fields.protocol;
  }
  if (hint !== undefined && protocolByName(hint) === undefined) {
    throw new FskError(400, 'bad_field', `unknown protocol hint ${JSON.stringify(hint)}; use one of ${EXPOSED_PROTOCOLS.map((p) => p.name).join(', ')}, or none to detect it`);
  }
  if (wav.length === 0) throw new FskError(400, 'bad_wav', 'the uploaded file is empty');
  return { wav, protocol: hint };
}
