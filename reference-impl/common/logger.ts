/**
 * Component logs: JSON lines on stderr (stdout carries only the machine-readable `listening`
 * line), at LOG_LEVEL, default info. Hot paths must not log at info: these are load-test targets.
 */
import { pino, type Logger } from 'pino';
import { UsageError } from './usage-error.ts';

export type { Logger } from 'pino';

// The seeds configure services the Python way (LOG_LEVEL=WARNING, DEBUG, CRITICAL); pino knows
// only its own lower-case names and throws on anything else.
const LEVELS: Readonly<Record<string, string>> = {
  trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error',
  fatal: 'fatal', critical: 'fatal', silent: 'silent', off: 'silent',
};

/** Maps a LOG_LEVEL value (pino's or Python's names, any case) to pino's; throws a usage error otherwise. */
export function logLevel(value: string): string {
  const level = LEVELS[value.trim().toLowerCase()];
  if (!level) throw new UsageError('bad-flag', `LOG_LEVEL ${JSON.stringify(value)} is not a log level; use one of debug, info, warning, error, critical`);
  return level;
}

/** A pino logger writing synchronously to stderr, tagged with the component name. */
export function createLogger(component: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level: logLevel(level), base: { component, pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}
