import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signJwt, verifyJwt } from '../../../../reference-impl/tunnel/jwt.ts';
import { loadAuthenticator } from '../../../../reference-impl/tunnel/server-credentials.ts';
import { commandToken, fileToken, mintedToken, staticToken, tokenExpiresAtMs, tokenSubject } from '../../../../reference-impl/tunnel/token-source.ts';

describe('tunnel credentials: agent token sources and server credential loading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunnel-tokens-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a minted token is a fresh HS256 JWT at every call, with sub, owner and exp = now + ttl', async () => {
    let now = 1_800_000_000_000;
    const source = mintedToken('minting-secret-0123', 'a1', 'alice', 60_000, () => now);
    const first = await source.get();
    assert.deepEqual(verifyJwt(first, 'minting-secret-0123', now / 1000), { ok: true, claims: { sub: 'a1', owner: 'alice', iat: now / 1000, exp: now / 1000 + 60 } });
    now += 30_000;
    assert.equal(tokenExpiresAtMs(await source.get()), now + 60_000);
    assert.equal(tokenSubject(first), 'a1');
    assert.equal(source.refreshable, true);
  });

  it('a token file is re-read at every call, so a rotated token is picked up; an empty file is an error', async () => {
    const path = join(dir, 'token');
    writeFileSync(path, 'first-token\n');
    const source = fileToken(path);
    assert.equal(await source.get(), 'first-token');
    writeFileSync(path, 'second-token');
    assert.equal(await source.get(), 'second-token');
    writeFileSync(path, '\n');
    await assert.rejects(source.get(), /is empty/);
  });

  it("a token command's stdout is the token; a failing command is an error", async () => {
    assert.equal(await commandToken('printf "tok-%s\\n" 42').get(), 'tok-42');
    await assert.rejects(commandToken('exit 3').get(), /token command failed/);
  });

  it('a static token is not refreshable and an opaque one has no expiry', async () => {
    const source = staticToken('opaque');
    assert.equal(await source.get(), 'opaque');
    assert.equal(source.refreshable, false);
    assert.equal(tokenExpiresAtMs('opaque'), undefined);
  });

  it('the server refuses to start without credentials, with a short secret, or with a bad token file', () => {
    const none = { tokenSecret: undefined, tokenSecretFile: undefined, tokenFile: undefined };
    assert.throws(() => loadAuthenticator(none, {}), { name: 'UsageError', message: /without credentials every agent would be refused/ });
    assert.throws(() => loadAuthenticator({ ...none, tokenSecret: 'short' }, {}), /at least 16 characters/);
    const bad = join(dir, 'tokens');
    writeFileSync(bad, 'a1 alice\n');
    assert.throws(() => loadAuthenticator({ ...none, tokenFile: bad }, {}), /--token-file: .*line 1/);
    assert.throws(() => loadAuthenticator({ ...none, tokenSecretFile: join(dir, 'missing') }, {}), /cannot read/);
  });

  it('the server takes its secret from TUNNEL_TOKEN_SECRET or a file, and a token file alongside', () => {
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 'file-secret-0123456789\n');
    const tokens = join(dir, 'good-tokens');
    writeFileSync(tokens, 'a1 alice dev-token\n');
    const none = { tokenSecret: undefined, tokenSecretFile: undefined, tokenFile: undefined };
    const fromEnv = loadAuthenticator(none, { TUNNEL_TOKEN_SECRET: 'env-secret-0123456789' });
    const fromFile = loadAuthenticator({ ...none, tokenSecretFile: secretFile, tokenFile: tokens }, {});
    const claims = { sub: 'a1', owner: 'alice', exp: Math.floor(Date.now() / 1000) + 60 };
    assert.equal(fromEnv.authenticate(`Bearer ${signJwt(claims, 'env-secret-0123456789')}`).ok, true);
    assert.equal(fromFile.authenticate(`Bearer ${signJwt(claims, 'file-secret-0123456789')}`).ok, true);
    assert.equal(fromFile.authenticate('Bearer dev-token').ok, true);
  });
});
