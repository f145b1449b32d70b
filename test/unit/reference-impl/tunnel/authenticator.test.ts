import assert from 'node:assert/strict';
import { Authenticator } from '../../../../reference-impl/tunnel/authenticator.ts';
import { signJwt } from '../../../../reference-impl/tunnel/jwt.ts';
import { TokenFile } from '../../../../reference-impl/tunnel/token-file.ts';

const SECRET = 'server-secret-0123456789';
const NOW_MS = 1_800_000_000_000;
const exp = NOW_MS / 1000 + 600;

describe('tunnel authenticator', () => {
  const tokenFile = new TokenFile('# dev agents\nlaptop alice tok-alice-1\n\nbuild-01 bob   tok-bob-1  # CI\n');
  const auth = new Authenticator({ secret: SECRET, tokenFile, now: () => NOW_MS });

  it('accepts a JWT with sub and owner, and reports its expiry in ms', () => {
    const result = auth.authenticate(`Bearer ${signJwt({ sub: 'laptop', owner: 'alice', exp }, SECRET)}`);
    assert.deepEqual(result, { ok: true, identity: { id: 'laptop', owner: 'alice', expiresAtMs: exp * 1000 } });
  });

  it('accepts a token-file token (scheme case-insensitive), which never expires', () => {
    assert.deepEqual(auth.authenticate('bearer tok-bob-1'), { ok: true, identity: { id: 'build-01', owner: 'bob', expiresAtMs: undefined } });
  });

  it('names the reason for each refusal', () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'missing'],
      ['Basic dXNlcjpwYXNz', 'missing'],
      ['Bearer', 'missing'],
      ['Bearer tok-nobody', 'unknown-token'],
      [`Bearer ${signJwt({ sub: 'laptop', owner: 'alice', exp: NOW_MS / 1000 - 1 }, SECRET)}`, 'expired'],
      [`Bearer ${signJwt({ sub: 'laptop', owner: 'alice', exp }, 'not-the-server-secret')}`, 'bad-signature'],
      [`Bearer ${signJwt({ sub: 'laptop', owner: 'al-ice', exp }, SECRET)}`, 'bad-claims'],
      [`Bearer ${signJwt({ sub: 'Laptop!', owner: 'alice', exp }, SECRET)}`, 'bad-claims'],
      [`Bearer ${signJwt({ owner: 'alice', exp }, SECRET)}`, 'bad-claims'],
    ];
    for (const [header, reason] of cases) assert.deepEqual(auth.authenticate(header), { ok: false, reason }, String(header));
  });

  it('without a secret, JWTs are unknown tokens', () => {
    const fileOnly = new Authenticator({ tokenFile, now: () => NOW_MS });
    assert.deepEqual(fileOnly.authenticate(`Bearer ${signJwt({ sub: 'laptop', owner: 'alice', exp }, SECRET)}`), { ok: false, reason: 'unknown-token' });
  });

  it('a token file with a malformed line is refused with its line number', () => {
    assert.throws(() => new TokenFile('a alice t1\nb bob\n'), /line 2: expected 'agent owner token', got 2 fields/);
    assert.throws(() => new TokenFile('a Alice t1\n'), /line 1: owner 'Alice'/);
    assert.throws(() => new TokenFile('-a alice t1\n'), /line 1: agent id '-a'/);
    assert.throws(() => new TokenFile('a alice t1\nb bob t1\n'), /line 2: this token is already listed/);
  });
});
