import assert from 'node:assert/strict';
import { UsageError } from '../../../../reference-impl/common/usage-error.ts';
import { tokenSourceOf } from '../../../../reference-impl/tunnel/tunnel-agent-process.ts';

type Options = Parameters<typeof tokenSourceOf>[0];
const options = (over: Record<string, unknown>): Options => ({ tokenTtl: 3_600_000, ...over }) as unknown as Options;
const fail = (message: string): never => { throw new UsageError('bad-flag', message); };

describe('tunnel-agent token from TUNNEL_AGENT_TOKEN (the operator passes the RDEAgent authSecret this way)', () => {
  it('with no token flag, the variable is the static token', async () => {
    const source = tokenSourceOf(options({}), fail, { TUNNEL_AGENT_TOKEN: 'from-the-secret\n' });
    assert.equal(source.kind, 'static');
    assert.equal(await source.get(), 'from-the-secret');
  });

  it('a token flag wins over the variable', async () => {
    const source = tokenSourceOf(options({ token: 'from-the-flag' }), fail, { TUNNEL_AGENT_TOKEN: 'from-the-secret' });
    assert.equal(await source.get(), 'from-the-flag');
    assert.equal(tokenSourceOf(options({ tokenSecret: 'minting-secret-0123', agentId: 'a', owner: 'o' }), fail, { TUNNEL_AGENT_TOKEN: 'x' }).kind, 'minted');
  });

  it('neither a flag nor a non-empty variable is a usage error naming the variable', () => {
    for (const env of [{}, { TUNNEL_AGENT_TOKEN: '  ' }]) {
      assert.throws(() => tokenSourceOf(options({}), fail, env), (err: unknown) => err instanceof UsageError && /TUNNEL_AGENT_TOKEN/.test(err.message));
    }
  });
});
