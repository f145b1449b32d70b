/**
 * The dev credential store: a text file of `agent owner token` lines (`#` starts a comment). Tokens
 * are compared as SHA-256 digests, so lookup time does not depend on how much of a guess matched.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isValidAgentId, isValidOwner, type Identity } from './agent-names.ts';

export class TokenFile {
  private readonly byDigest = new Map<string, Identity>();

  /** Parses the text; throws an Error naming the line for a malformed entry. */
  constructor(text: string, source = 'token file') {
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') return;
      const fields = line.split(/\s+/);
      if (fields.length !== 3) throw new Error(`${source} line ${i + 1}: expected 'agent owner token', got ${fields.length} fields`);
      const [id, owner, token] = fields as [string, string, string];
      if (!isValidOwner(owner)) throw new Error(`${source} line ${i + 1}: owner '${owner}' must be 1-32 lower-case letters or digits`);
      if (!isValidAgentId(id, owner)) throw new Error(`${source} line ${i + 1}: agent id '${id}' must be lower-case letters, digits and inner dashes, fitting a 63-byte host label`);
      const key = digest(token);
      if (this.byDigest.has(key)) throw new Error(`${source} line ${i + 1}: this token is already listed`);
      this.byDigest.set(key, { id, owner, expiresAtMs: undefined });
    });
  }

  /** Reads and parses a token file. */
  static read(path: string): TokenFile {
    return new TokenFile(readFileSync(path, 'utf8'), path);
  }

  /** The identity a token stands for, or undefined. */
  lookup(token: string): Identity | undefined {
    return this.byDigest.get(digest(token));
  }

  get size(): number {
    return this.byDigest.size;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}
