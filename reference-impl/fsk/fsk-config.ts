/**
 * The fsk service's limits, configured as the seed's FSK HTTP service is (environment variables,
 * for containers) or by the mirroring command-line flags. A flag given on the command line wins
 * over the environment variable, which wins over the default: the explicit, per-process setting
 * beats the ambient one, so a harness can override a container's env by appending a flag.
 * Every problem is reported at once, naming the variable or flag and what it expects.
 */
import { availableParallelism } from 'node:os';
import { parseBytes, parseDuration } from '../common/units.ts';
import { UsageError } from '../common/usage-error.ts';
import { GGWAVE_MAX_PAYLOAD_BYTES } from './protocols.ts';

export interface FskConfig {
  /** worker threads, each with its own ggwave module */
  maxWorkers: number;
  /** /encode and /decode requests admitted at once; beyond it, 503 with Retry-After */
  maxConcurrentRequests: number;
  /** per job, queue wait included; beyond it, 504 */
  requestTimeoutMs: number;
  /** longest /encode text in UTF-8 bytes (ggwave carries at most 140) */
  maxTextBytes: number;
  /** largest /decode body; beyond it, 413 before the rest is read */
  maxUploadBytes: number;
}

/** The command-line options that mirror the environment variables; undefined = not given. */
export interface FskConfigFlags {
  maxWorkers?: number | undefined;
  maxConcurrentRequests?: number | undefined;
  requestTimeout?: number | undefined;
  maxTextBytes?: number | undefined;
  maxUploadBytes?: number | undefined;
}

export const FSK_ENV_VARS = {
  maxWorkers: 'MAX_WORKERS',
  maxConcurrentRequests: 'MAX_CONCURRENT_REQUESTS',
  requestTimeout: 'REQUEST_TIMEOUT',
  maxTextBytes: 'MAX_TEXT_BYTES',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
} as const;

export const DEFAULT_MAX_CONCURRENT_REQUESTS = 50;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_UPLOAD_BYTES = 16 * 1024 * 1024;
const MAX_WORKERS_LIMIT = 256;

/** Resolves flags over env over defaults; throws one UsageError listing every problem. */
export function resolveFskConfig(flags: FskConfigFlags, env: NodeJS.ProcessEnv = process.env, cores: number = availableParallelism()): FskConfig {
  const problems: string[] = [];
  const pick = (key: keyof FskConfigFlags, parseEnv: (text: string) => number | null, envExpects: string): number | undefined => {
    if (flags[key] !== undefined) return flags[key];
    const text = env[FSK_ENV_VARS[key]];
    if (text === undefined || text.trim() === '') return undefined;
    const value = parseEnv(text);
    if (value === null) problems.push(`${FSK_ENV_VARS[key]}=${text}: expects ${envExpects}`);
    return value ?? undefined;
  };
  const wholeNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);
  // the seed's REQUEST_TIMEOUT is in seconds (REQUEST_TIMEOUT=60); a unit (500ms) is accepted too
  const seconds = (text: string) => (/^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) * 1000 : parseDuration(text));

  const config: FskConfig = {
    // CPU-bound wasm work: one worker per core (the seed's cpu+4 suits threads that wait on a subprocess)
    maxWorkers: pick('maxWorkers', wholeNumber, 'a whole number of worker threads') ?? cores,
    maxConcurrentRequests: pick('maxConcurrentRequests', wholeNumber, 'a whole number of requests') ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
    requestTimeoutMs: pick('requestTimeout', seconds, 'seconds (60) or a duration (500ms, 1.5s)') ?? DEFAULT_REQUEST_TIMEOUT_MS,
    maxTextBytes: pick('maxTextBytes', wholeNumber, 'a whole number of bytes') ?? GGWAVE_MAX_PAYLOAD_BYTES,
    maxUploadBytes: pick('maxUploadBytes', parseBytes, 'a size such as 16777216, 16MiB or 512KiB') ?? DEFAULT_MAX_UPLOAD_BYTES,
  };

  const name = (key: keyof FskConfigFlags) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} / ${FSK_ENV_VARS[key]}`;
  if (config.maxWorkers < 1 || config.maxWorkers > MAX_WORKERS_LIMIT) problems.push(`${name('maxWorkers')} must be 1-${MAX_WORKERS_LIMIT}, got ${config.maxWorkers}`);
  if (config.maxConcurrentRequests < 1) problems.push(`${name('maxConcurrentRequests')} must be at least 1, got ${config.maxConcurrentRequests}`);
  if (!(config.requestTimeoutMs > 0)) problems.push(`${name('requestTimeout')} must be more than 0, got ${config.requestTimeoutMs} ms`);
  if (config.maxTextBytes < 1 || config.maxTextBytes > GGWAVE_MAX_PAYLOAD_BYTES) {
    problems.push(`${name('maxTextBytes')} must be 1-${GGWAVE_MAX_PAYLOAD_BYTES} (ggwave silently cuts longer messages), got ${config.maxTextBytes}`);
  }
  if (config.maxUploadBytes < 44) problems.push(`${name('maxUploadBytes')} must be at least 44 bytes (a WAV header), got ${config.maxUploadBytes}`);
  if (problems.length > 0) throw new UsageError('bad-flag', `component fsk: ${problems.join('; ')}`);
  return Object.freeze(config);
}
