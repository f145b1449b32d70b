/**
 * Where an agent gets the bearer token it presents. Supported:
 *   static   --token T                 used as is; if it expires, the agent cannot refresh it
 *   file     --token-file PATH         re-read before every dial (a sidecar may rotate it)
 *   command  --token-command CMD       run with /bin/sh before every dial; its stdout is the token
 *   minted   --token-secret S --agent-id ID --owner O [--token-ttl 1h]
 *                                       the agent signs its own HS256 JWT (dev and load tests)
 * A refreshable source is asked again before the current token expires (see tunnel-agent.ts).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { peekJwtClaims, signJwt } from './jwt.ts';

/** The environment variable a tunnel agent reads its token from when no token flag is given (set by the RDEAgent operator from spec.authSecret). */
export const AGENT_TOKEN_ENV = 'TUNNEL_AGENT_TOKEN';

export interface TokenSource {
  /** 'static' | 'file' | 'command' | 'minted', for logs */
  readonly kind: string;
  /** true when asking again can give a newer token */
  readonly refreshable: boolean;
  /** A token to present now. */
  get(): Promise<string>;
}

const COMMAND_TIMEOUT_MS = 10_000;

export function staticToken(token: string): TokenSource {
  return { kind: 'static', refreshable: false, get: () => Promise.resolve(token) };
}

export function fileToken(path: string): TokenSource {
  return { kind: 'file', refreshable: true, get: async () => nonEmpty((await readFile(path, 'utf8')).trim(), `token file ${path}`) };
}

export function commandToken(command: string): TokenSource {
  return {
    kind: 'command',
    refreshable: true,
    get: () => new Promise((resolve, reject) => {
      execFile('/bin/sh', ['-c', command], { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 }, (err, stdout) => {
        if (err) reject(new Error(`token command failed: ${err.message}`));
        else {
          try { resolve(nonEmpty(stdout.trim(), 'token command output')); } catch (e) { reject(e as Error); }
        }
      });
    }),
  };
}

/** Signs `{sub, owner, iat, exp}` with the shared secret at every call; `now` in ms is injectable. */
export function mintedToken(secret: string, agentId: string, owner: string, ttlMs: number, now: () => number = Date.now): TokenSource {
  return {
    kind: 'minted',
    refreshable: true,
    get: () => {
      const iat = Math.floor(now() / 1000);
      return Promise.resolve(signJwt({ sub: agentId, owner, iat, exp: iat + Math.max(1, Math.round(ttlMs / 1000)) }, secret));
    },
  };
}

/** The `exp` of a JWT in ms since the epoch, unverified; undefined for an opaque token. */
export function tokenExpiresAtMs(token: string): number | undefined {
  const exp = peekJwtClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/** The `sub` of a JWT, unverified, for logs; undefined for an opaque token. */
export function tokenSubject(token: string): string | undefined {
  const sub = peekJwtClaims(token)?.sub;
  return typeof sub === 'string' ? sub : undefined;
}

function nonEmpty(token: string, what: string): string {
  if (token === '') throw new Error(`${what} is empty`);
  return token;
}
