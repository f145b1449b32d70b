/**
 * HS256 JSON Web Tokens (RFC 7519) with node:crypto: enough for the tunnel's bearer tokens, where
 * the server and whoever mints tokens share one secret. Only `alg: HS256` is accepted, so a token
 * cannot pick a weaker algorithm (`none`) or confuse a secret with a public key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims the tunnel reads; others are kept and ignored. Times are seconds since the epoch. */
export interface JwtClaims {
  sub?: string;
  owner?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** Why a token was refused; also the `reason` label of the auth-failure counter. */
export type JwtFailure = 'malformed' | 'bad-alg' | 'bad-signature' | 'expired' | 'not-yet-valid' | 'no-expiry';

export type JwtResult = { ok: true; claims: JwtClaims } | { ok: false; reason: JwtFailure };

const HEADER = base64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));

/** Signs `claims` with HS256. */
export function signJwt(claims: JwtClaims, secret: string | Buffer): string {
  const body = `${HEADER}.${base64url(Buffer.from(JSON.stringify(claims)))}`;
  return `${body}.${base64url(hmac(secret, body))}`;
}

/**
 * Verifies signature, algorithm and times. `exp` is required: a bearer token that never expires is
 * a leaked credential forever. `nowSec` is injected so expiry is testable without waiting.
 */
export function verifyJwt(token: string, secret: string | Buffer, nowSec: number = Date.now() / 1000): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return { ok: false, reason: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJsonObject(headerPart);
  const claims = parseJsonObject(payloadPart);
  if (header === null || claims === null) return { ok: false, reason: 'malformed' };
  if (header.alg !== 'HS256') return { ok: false, reason: 'bad-alg' };
  const expected = hmac(secret, `${headerPart}.${payloadPart}`);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  if (claims.exp === undefined) return { ok: false, reason: 'no-expiry' };
  if (typeof claims.exp !== 'number' || (claims.nbf !== undefined && typeof claims.nbf !== 'number')) return { ok: false, reason: 'malformed' };
  if (nowSec >= claims.exp) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && nowSec < claims.nbf) return { ok: false, reason: 'not-yet-valid' };
  return { ok: true, claims };
}

/** The claims of a token WITHOUT checking it: only for a holder planning its own refresh. */
export function peekJwtClaims(token: string): JwtClaims | null {
  const parts = token.split('.');
  return parts.length === 3 ? parseJsonObject(parts[1]!) : null;
}

function hmac(secret: string | Buffer, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function base64url(buf: Buffer): string {
  return buf.toString('base64url');
}

function parseJsonObject(part: string): JwtClaims | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as JwtClaims : null;
  } catch {
    return null;
  }
}
