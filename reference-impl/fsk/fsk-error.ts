/**
 * A request the fsk service refuses: an HTTP status, a stable code clients can branch on, and a
 * sentence saying what was wrong and what to send instead. Thrown in the HTTP thread and in the
 * workers alike; it crosses the thread boundary as plain data (see toWire/fromWire).
 */
export type FskErrorCode =
  | 'not_found' | 'method_not_allowed' | 'unsupported_media_type' | 'bad_json' | 'bad_field'
  | 'missing_text' | 'empty_text' | 'text_too_long' | 'body_too_large' | 'bad_multipart'
  | 'missing_file_field' | 'bad_wav' | 'unsupported_wav' | 'audio_too_long' | 'no_message'
  | 'body_unreadable' | 'overloaded' | 'timeout' | 'draining' | 'internal';

export class FskError extends Error {
  readonly status: number;
  readonly code: FskErrorCode;
  /** extra JSON fields for the error body, e.g. retry_after_seconds */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(status: number, code: FskErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'FskError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The JSON body of the error response. */
  toBody(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.details };
  }
}

export interface WireError { status: number; code: FskErrorCode; message: string; details: Record<string, unknown> }

/** Plain data for postMessage (class instances lose their prototype across threads). */
export function toWire(err: FskError): WireError {
  return { status: err.status, code: err.code, message: err.message, details: { ...err.details } };
}

/** The FskError a worker reported. */
export function fromWire(w: WireError): FskError {
  return new FskError(w.status, w.code, w.message, w.details);
}
