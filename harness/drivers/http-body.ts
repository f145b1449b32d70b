/**
 * Request bodies of the `http:` block. Static bodies (inline, file, json) are built once, as
 * bytes, so an engine can send the same Buffer for every request; random bodies are made fresh
 * for every request, because servers that cache or dedupe by content would otherwise flatter us.
 */
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CaplabError } from '../errors.ts';
import type { HttpRequestConfig } from './http-request-schema.ts';

export type RequestBody =
  | { kind: 'none' }
  | { kind: 'static'; bytes: Buffer; contentType: string | undefined }
  | { kind: 'random'; size: number; text: boolean };

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
// byte -> letter; the modulo bias (256 % 52) does not matter for load, only speed does.
const LETTER_OF_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => LETTERS.charCodeAt(i % LETTERS.length)));

/** Resolves the configured body once: files read (relative to `baseDir`), JSON serialised. */
export function resolveBody(body: HttpRequestConfig['body'], baseDir: string): RequestBody {
  if (body === undefined) return { kind: 'none' };
  if (typeof body === 'string') return { kind: 'static', bytes: Buffer.from(body, 'utf8'), contentType: undefined };
  if ('file' in body) {
    const path = resolve(baseDir, body.file);
    try {
      return { kind: 'static', bytes: readFileSync(path), contentType: undefined };
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `http.body.file ${body.file} cannot be read (${path}: ${why})`, { cause: err });
    }
  }
  if ('json' in body) {
    return { kind: 'static', bytes: Buffer.from(JSON.stringify(body.json ?? null), 'utf8'), contentType: 'application/json' };
  }
  if ('randomBytes' in body) return { kind: 'random', size: body.randomBytes, text: false };
  return { kind: 'random', size: body.randomText, text: true };
}

/** A new random body for one request: `size` random bytes, or random ASCII letters when `text`. */
export function randomBody(size: number, text: boolean): Buffer {
  const buf = Buffer.allocUnsafe(size);
  randomFillSync(buf);
  if (text) for (let i = 0; i < size; i++) buf[i] = LETTER_OF_BYTE[buf[i]!]!;
  return buf;
}

/** The body's bytes for one request (fresh for random bodies), or null when there is none. */
export function bodyBytes(body: RequestBody): Buffer | null {
  if (body.kind === 'none') return null;
  if (body.kind === 'static') return body.bytes;
  return randomBody(body.size, body.text);
}
