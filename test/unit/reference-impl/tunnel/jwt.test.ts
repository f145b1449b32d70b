import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { peekJwtClaims, signJwt, verifyJwt } from '../../../../reference-impl/tunnel/jwt.ts';

const SECRET = 'a-secret-of-enough-length';
const NOW = 1_800_000_000;

/** Builds a token from raw parts, signed with HS256 over whatever header and payload text is given. */
function forge(header: unknown, payload: unknown, secret = SECRET): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const sig = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${sig}`;
}

describe('tunnel JWT (HS256)', () => {
  it('a signed token verifies and gives back its claims', () => {
    const token = signJwt({ sub: 'laptop', owner: 'alice', exp: NOW + 60 }, SECRET);
    assert.deepEqual(verifyJwt(token, SECRET, NOW), { ok: true, claims: { sub: 'laptop', owner: 'alice', exp: NOW + 60 } });
  });

  it('matches a token made independently with node:crypto byte for byte', () => {
    const claims = { sub: 'a1', owner: 'bob', exp: NOW };
    assert.equal(signJwt(claims, SECRET), forge({ alg: 'HS256', typ: 'JWT' }, claims));
  });

  it('refuses a token at and after its exp, and before its nbf', () => {
    const token = signJwt({ sub: 'a', owner: 'o', exp: NOW, nbf: NOW - 10 }, SECRET);
    assert.deepEqual(verifyJwt(token, SECRET, NOW - 1).ok, true);
    assert.deepEqual(verifyJwt(token, SECRET, NOW), { ok: false, reason: 'expired' });
    assert.deepEqual(verifyJwt(token, SECRET, NOW + 3600), { ok: false, reason: 'expired' });
    assert.deepEqual(verifyJwt(token, SECRET, NOW - 11), { ok: false, reason: 'not-yet-valid' });
  });

  it('refuses a token without exp: a bearer token must expire', () => {
    assert.deepEqual(verifyJwt(signJwt({ sub: 'a', owner: 'o' }, SECRET), SECRET, NOW), { ok: false, reason: 'no-expiry' });
  });

  it('refuses a token signed with another secret, or whose payload was changed after signing', () => {
    const token = signJwt({ sub: 'a', owner: 'o', exp: NOW + 60 }, 'another-secret-entirely');
    assert.deepEqual(verifyJwt(token, SECRET, NOW), { ok: false, reason: 'bad-signature' });
    const [h, , s] = signJwt({ sub: 'a', owner: 'o', exp: NOW + 60 }, SECRET).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'a', owner: 'mallory', exp: NOW + 60 })).toString('base64url')}.${s}`;
    assert.deepEqual(verifyJwt(tampered, SECRET, NOW), { ok: false, reason: 'bad-signature' });
    const truncated = `${h}.${tampered.split('.')[1]}.${s!.slice(0, 10)}`;
    assert.deepEqual(verifyJwt(truncated, SECRET, NOW), { ok: false, reason: 'bad-signature' });
  });

  it('refuses any algorithm but HS256, including none, even with a valid HS256 signature', () => {
    const claims = { sub: 'a', owner: 'o', exp: NOW + 60 };
    assert.deepEqual(verifyJwt(forge({ alg: 'none' }, claims), SECRET, NOW), { ok: false, reason: 'bad-alg' });
    assert.deepEqual(verifyJwt(forge({ alg: 'HS512' }, claims), SECRET, NOW), { ok: false, reason: 'bad-alg' });
    assert.deepEqual(verifyJwt(forge({ alg: 'RS256' }, claims), SECRET, NOW), { ok: false, reason: 'bad-alg' });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    assert.deepEqual(verifyJwt(unsigned, SECRET, NOW), { ok: false, reason: 'bad-alg' });
  });

  it('calls malformed: wrong part count, non-base64url characters, JSON that is not an object, non-numeric exp', () => {
    const good = signJwt({ sub: 'a', owner: 'o', exp: NOW + 60 }, SECRET);
    for (const bad of ['', 'abc', good.split('.').slice(0, 2).join('.'), `${good}.x`, good.replace('.', '.+'), `${good.split('.')[0]}.bm90IGpzb24.sig`]) {
      assert.deepEqual(verifyJwt(bad, SECRET, NOW), { ok: false, reason: 'malformed' }, bad);
    }
    assert.deepEqual(verifyJwt(forge({ alg: 'HS256' }, [1, 2]), SECRET, NOW), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifyJwt(forge({ alg: 'HS256' }, { exp: '2030' }), SECRET, NOW), { ok: false, reason: 'malformed' });
  });

  it('peekJwtClaims reads claims without checking anything, and gives null for an opaque token', () => {
    assert.equal(peekJwtClaims(signJwt({ sub: 'x', exp: 5 }, 'whatever'))?.exp, 5);
    assert.equal(peekJwtClaims('opaque-token'), null);
  });
});
