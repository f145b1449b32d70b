/** Parses a response body as JSON once for every check or capture that reads it. */
export type JsonBody = { ok: true; value: unknown } | { ok: false };

/** `{ ok: false }` for a missing or non-JSON body, never a throw. */
export function parseJsonBody(body: Buffer | null): JsonBody {
  if (body === null) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** What a reader sees when no check or capture needs the body as JSON. */
export const NOT_JSON: JsonBody = Object.freeze({ ok: false });
