/**
 * Request bodies of the `http:` block. Static bodies (inline, file, json) are built once, as
 * bytes, so an engine can send the same Buffer for every request; random bodies are made fresh
 * for every request, because servers that cache or dedupe by content would otherwise flatter us.
 */
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CaplabError } from '../errors.ts';
import type { HttpBody } from './http-request-schema.ts';

export type RequestBody =
  | { kind: 'none' }
  | { kind: 'static'; bytes: Buffer; contentType: string | undefined }
  | { kind: 'random'; size: number; text: boolean };

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
// byte -> letter; the modulo bias (256 % 52) does not matter for load, only speed does.
const LETTER_OF_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => LETTERS.charCodeAt(i % LETTERS.length)));

/** The body forms that need no iteration to be built (templates in them are taken literally). */
export type PlainBody = Extract<HttpBody, string | { file: string } | { json?: unknown } | { randomBytes: number } | { randomText: number }>;

/** Resolves the configured body once: files read (relative to `baseDir`), JSON serialised. */
export function resolveBody(body: PlainBody | undefined, baseDir: string): RequestBody {
  if (body === undefined) return { kind: 'none' };
  if (typeof body === 'string') return { kind: 'static', bytes: Buffer.from(body, 'utf8'), contentType: undefined };
  if ('file' in body) return { kind: 'static', bytes: readBodyFile(body.file, baseDir), contentType: undefined };
  if ('json' in body) {
    return { kind: 'static', bytes: Buffer.from(JSON.stringify(body.json ?? null), 'utf8'), contentType: 'application/json' };
  }
  if ('randomBytes' in body) return { kind: 'random', size: body.randomBytes, text: false };
  return { kind: 'random', size: body.randomText, text: true };
}

/** A file's bytes, relative to `baseDir`; a scenario error names the file when it cannot be read. */
export function readBodyFile(file: string, baseDir: string): Buffer {
  const path = resolve(baseDir, file);
  try {
    return readFileSync(path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new CaplabError('CAPLAB_ERR_SCENARIO_INVALID', `http.body.file ${file} cannot be read (${path}: ${why})`, { cause: err });
  }
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
