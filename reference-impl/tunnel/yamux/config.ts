/**
 * Session settings. The defaults are hashicorp/yamux's DefaultConfig, so a JS peer and a Go peer
 * with default settings behave alike (same backlog, same windows, same timeouts).
 */
import { YamuxError } from './errors.ts';
import { INITIAL_STREAM_WINDOW } from './frame-header.ts';

export interface YamuxConfig {
  /** Inbound streams waiting for accept(); a SYN beyond this is answered with RST. Also caps our own un-ACKed opens. */
  acceptBacklog: number;
  /** Send a Ping every keepAliveIntervalMs and close the session if it is not answered. */
  enableKeepAlive: boolean;
  keepAliveIntervalMs: number;
  /** How long the transport may refuse writes (no 'drain'), and how long a ping waits for its reply. */
  connectionWriteTimeoutMs: number;
  /** Receive window per stream in bytes, advertised to the peer; at least 256 KiB. */
  maxStreamWindowSize: number;
  /** An opened stream not ACKed within this closes the session, as Go does; 0 disables. */
  streamOpenTimeoutMs: number;
  /** After our FIN, the peer has this long to send its FIN before the stream is reset; 0 disables. */
  streamCloseTimeoutMs: number;
}

export const DEFAULT_CONFIG: Readonly<YamuxConfig> = Object.freeze({
  acceptBacklog: 256,
  enableKeepAlive: true,
  keepAliveIntervalMs: 30_000,
  connectionWriteTimeoutMs: 10_000,
  maxStreamWindowSize: INITIAL_STREAM_WINDOW,
  streamOpenTimeoutMs: 75_000,
  streamCloseTimeoutMs: 5 * 60_000,
});

const MAX_U32 = 0xffff_ffff;

/** Defaults filled in and every problem reported at once; the result is frozen. */
export function resolveConfig(overrides: Partial<YamuxConfig> = {}): Readonly<YamuxConfig> {
  const cfg: YamuxConfig = { ...DEFAULT_CONFIG, ...overrides };
  const issues: string[] = [];
  const positiveInt = (name: keyof YamuxConfig, value: number, allowZero: boolean): void => {
    if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
      issues.push(`${name} must be ${allowZero ? 'a non-negative' : 'a positive'} integer, but is ${value}`);
    }
  };
  positiveInt('acceptBacklog', cfg.acceptBacklog, false);
  positiveInt('keepAliveIntervalMs', cfg.keepAliveIntervalMs, false);
  positiveInt('connectionWriteTimeoutMs', cfg.connectionWriteTimeoutMs, false);
  positiveInt('streamOpenTimeoutMs', cfg.streamOpenTimeoutMs, true);
  positiveInt('streamCloseTimeoutMs', cfg.streamCloseTimeoutMs, true);
  if (!Number.isInteger(cfg.maxStreamWindowSize) || cfg.maxStreamWindowSize < INITIAL_STREAM_WINDOW || cfg.maxStreamWindowSize > MAX_U32) {
    issues.push(`maxStreamWindowSize must be an integer from ${INITIAL_STREAM_WINDOW} (256 KiB) to ${MAX_U32}, but is ${cfg.maxStreamWindowSize}`);
  }
  if (typeof cfg.enableKeepAlive !== 'boolean') issues.push(`enableKeepAlive must be a boolean, but is ${String(cfg.enableKeepAlive)}`);
  if (issues.length > 0) throw new YamuxError('YAMUX_ERR_INVALID_CONFIG', issues.join('; '));
  return Object.freeze(cfg);
}
