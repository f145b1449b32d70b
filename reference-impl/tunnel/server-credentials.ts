/**
 * Where the server's credentials come from: an HS256 secret (flag, file, or TUNNEL_TOKEN_SECRET)
 * and/or a token file. At least one is required: a tunnel that lets anyone in is an open proxy.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../common/usage-error.ts';
import { Authenticator } from './authenticator.ts';
import { TokenFile } from './token-file.ts';

export const TOKEN_SECRET_ENV = 'TUNNEL_TOKEN_SECRET';

export interface CredentialFlags {
  tokenSecret: string | undefined;
  tokenSecretFile: string | undefined;
  tokenFile: string | undefined;
}

/** Builds the authenticator; throws UsageError for missing or unreadable credentials. */
export function loadAuthenticator(flags: CredentialFlags, env: NodeJS.ProcessEnv = process.env): Authenticator {
  let secret = flags.tokenSecret ?? env[TOKEN_SECRET_ENV];
  if (flags.tokenSecretFile !== undefined) secret = readOrFail(flags.tokenSecretFile, '--token-secret-file').replace(/\r?\n$/, '');
  if (secret !== undefined && secret.length < 16) {
    throw new UsageError('bad-flag', 'component tunnel-server: the token secret must be at least 16 characters');
  }
  let tokenFile: TokenFile | undefined;
  if (flags.tokenFile !== undefined) {
    try {
      tokenFile = new TokenFile(readOrFail(flags.tokenFile, '--token-file'), flags.tokenFile);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError('bad-flag', `component tunnel-server: flag --token-file: ${(err as Error).message}`);
    }
  }
  if (secret === undefined && tokenFile === undefined) {
    throw new UsageError('bad-flag', `component tunnel-server: give --token-secret, --token-secret-file, ${TOKEN_SECRET_ENV} or --token-file; without credentials every agent would be refused`);
  }
  return new Authenticator({ secret, tokenFile });
}

function readOrFail(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError('bad-flag', `component tunnel-server: flag ${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
}
