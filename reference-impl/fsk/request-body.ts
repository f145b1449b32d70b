/**
 * Reads a request body into memory with a byte cap. An over-long body is refused as soon as it is
 * known to be too long (from Content-Length before reading anything, or when the running count
 * passes the cap), and reading stops there: the stream is paused, not drained.
 */
import type { IncomingMessage } from 'node:http';
import { FskError } from './fsk-error.ts';

/** The 413 for a body over `limit` bytes; `what` names the body in the message. */
export function bodyTooLarge(what: string, limit: number, size?: number): FskError {
  const got = size === undefined ? 'more' : `${size} bytes`;
  return new FskError(413, 'body_too_large', `${what} is limited to ${limit} bytes; this one has ${got}`, { limit_bytes: limit });
}

/** The declared Content-Length, or undefined when the body is chunked or the header malformed. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const text = req.headers['content-length'];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * Reads the whole body, handing each chunk to `onChunk` (which may throw FskError to stop) or,
 * without one, collecting it. Rejects with 413 past `limit` bytes, 400 if the client aborts.
 */
export function readBody(req: IncomingMessage, limit: number, what: string, onChunk?: (chunk: Buffer) => void): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = declaredLength(req);
    if (declared !== undefined && declared > limit) { req.pause(); reject(bodyTooLarge(what, limit, declared)); return; }
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = (err: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) { stop(bodyTooLarge(what, limit)); return; }
      try {
        if (onChunk) onChunk(chunk);
        else chunks.push(chunk);
      } catch (err) {
        stop(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const onEnd = () => { req.off('error', onError); resolve(onChunk ? Buffer.alloc(0) : Buffer.concat(chunks, total)); };
    const onError = (err: Error) => stop(new FskError(400, 'body_unreadable', `the request body could not be read: ${err.message}`));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}
