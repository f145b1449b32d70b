/**
 * Validates a POST /encode body, JSON (`{"text": "...", "protocol": "audible-fast", "volume": 50,
 * "sampleRate": 48000}`) or form-encoded (`text=...`, as the seed's Flask service and `curl -d`
 * send it). Only `text` is required; the defaults are ggwave-to-file's. Unknown fields are refused,
 * so a typo such as `protocl` does not silently fall back to the default.
 */
import { FskError } from './fsk-error.ts';
import type { EncodeJob } from './fsk-jobs.ts';
import { DEFAULT_PROTOCOL, EXPOSED_PROTOCOLS, minSampleRate, protocolByName } from './protocols.ts';
import { MAX_SAMPLE_RATE } from './wav-reader.ts';

/** An /encode body is a few hundred bytes; this bounds what is read before refusing. */
export const MAX_ENCODE_BODY_BYTES = 16 * 1024;
const DEFAULT_VOLUME = 50;
/** Quieter than this, ggwave failed about 1 in 200 ultrasound round trips (16-bit quantization); from 5 up none failed. */
const MIN_VOLUME = 5;
const DEFAULT_SAMPLE_RATE = 48_000;
const FIELDS = ['text', 'protocol', 'volume', 'sampleRate'];

export type EncodeBodyType = 'json' | 'form';

/** Which body syntax a Content-Type announces, or a 415 naming the accepted ones. */
export function encodeBodyType(contentType: string | undefined): EncodeBodyType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  throw new FskError(415, 'unsupported_media_type', `POST /encode takes application/json or application/x-www-form-urlencoded, not '${type || '(no Content-Type)'}'`);
}

/** The encode job a body asks for; throws FskError 400/413 naming the field at fault. */
export function parseEncodeRequest(body: Buffer, type: EncodeBodyType, maxTextBytes: number): EncodeJob {
  const fields = type === 'json' ? jsonFields(body) : formFields(body);
  const unknown = Object.keys(fields).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) throw new FskError(400, 'bad_field', `unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; the fields are ${FIELDS.join(', ')}`);

  const text = fields.text;
  if (text === undefined || text === null) throw new FskError(400, 'missing_text', "the 'text' field is required");
  if (typeof text !== 'string') throw new FskError(400, 'bad_field', `'text' must be a string, got ${describe(text)}`);
  if (text.length === 0) throw new FskError(400, 'empty_text', "'text' is empty; there is nothing to encode");
  const payload = new TextEncoder().encode(text);
  if (payload.length > maxTextBytes) {
    throw new FskError(413, 'text_too_long', `'text' is ${payload.length} bytes in UTF-8; the limit is ${maxTextBytes} (ggwave carries at most 140 bytes per message and would silently cut the rest)`, { max_text_bytes: maxTextBytes });
  }

  const protocolName = fields.protocol ?? DEFAULT_PROTOCOL;
  const protocol = typeof protocolName === 'string' ? protocolByName(protocolName) : undefined;
  if (protocol === undefined) {
    throw new FskError(400, 'bad_field', `unknown 'protocol' ${JSON.stringify(protocolName)}; use one of ${EXPOSED_PROTOCOLS.map((p) => p.name).join(', ')}`);
  }
  const volume = integerField(fields.volume, 'volume', DEFAULT_VOLUME, MIN_VOLUME, 100);
  const minRate = minSampleRate(protocol);
  const sampleRate = integerField(fields.sampleRate, 'sampleRate', DEFAULT_SAMPLE_RATE, minRate, MAX_SAMPLE_RATE, `${protocol.name} needs at least ${minRate} Hz to carry its top tone`);
  return { kind: 'encode', payload, protocol: protocol.name, volume, sampleRate };
}

function jsonFields(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new FskError(400, 'bad_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FskError(400, 'bad_json', `the body must be a JSON object such as {"text":"hello"}, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function formFields(body: Buffer): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    if (key in fields) throw new FskError(400, 'bad_field', `field '${key}' is given more than once`);
    fields[key] = value;
  }
  return fields;
}

/** A whole number in [min, max] from JSON (number) or a form (digits); `fallback` when absent. */
function integerField(raw: unknown, name: string, fallback: number, min: number, max: number, why = ''): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FskError(400, 'bad_field', `'${name}' must be a whole number from ${min} to ${max}${why ? ` (${why})` : ''}, got ${describe(raw)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
