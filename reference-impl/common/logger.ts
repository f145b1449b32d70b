/**
 * Component logs: JSON lines on stderr (stdout carries only the machine-readable `listening`
 * line), at LOG_LEVEL, default info. Hot paths must not log at info: these are load-test targets.
 */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** A pino logger writing synchronously to stderr, tagged with the component name. */
export function createLogger(component: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { component, pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}
