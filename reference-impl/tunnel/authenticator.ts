/**
 * Turns an `Authorization: Bearer <token>` header into an Identity, or the reason it cannot. A
 * token is accepted if it is an HS256 JWT signed with the server's secret (claims `sub` = agent
 * id, `owner`, `exp`) or is listed in the token file. Runs before any WebSocket upgrade completes.
 */
import { isValidAgentId, isValidOwner, type Identity } from './agent-names.ts';
import { verifyJwt, type JwtFailure } from './jwt.ts';
import type { TokenFile } from './token-file.ts';

/** The `reason` label of tunnel_auth_failures_total. */
export type AuthFailure = JwtFailure | 'missing' | 'unknown-token' | 'bad-claims';

export type AuthResult = { ok: true; identity: Identity } | { ok: false; reason: AuthFailure };

export interface AuthenticatorOptions {
  /** HS256 secret for JWTs; absent = JWTs are not accepted */
  secret?: string | undefined;
  tokenFile?: TokenFile | undefined;
  /** injected by tests; ms since the epoch */
  now?: () => number;
}

export class Authenticator {
  private readonly secret: string | undefined;
  private readonly tokenFile: TokenFile | undefined;
  private readonly now: () => number;

  constructor(options: AuthenticatorOptions) {
    this.secret = options.secret;
    this.tokenFile = options.tokenFile;
    this.now = options.now ?? Date.now;
  }

  /** Checks an Authorization header value. */
  authenticate(authorization: string | undefined): AuthResult {
    const match = authorization === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match === null) return { ok: false, reason: 'missing' };
    const token = match[1]!;
    const listed = this.tokenFile?.lookup(token);
    if (listed !== undefined) return { ok: true, identity: listed };
    if (this.secret === undefined || token.split('.').length !== 3) return { ok: false, reason: 'unknown-token' };
    const verified = verifyJwt(token, this.secret, this.now() / 1000);
    if (!verified.ok) return verified;
    const { sub, owner, exp } = verified.claims;
    if (typeof sub !== 'string' || typeof owner !== 'string' || !isValidOwner(owner) || !isValidAgentId(sub, owner)) {
      return { ok: false, reason: 'bad-claims' };
    }
    return { ok: true, identity: { id: sub, owner, expiresAtMs: exp! * 1000 } };
  }
}
