import assert from 'node:assert/strict';
import { parseAgentHost, parseAgentPath } from '../../../../reference-impl/tunnel/host-route.ts';

describe('tunnel host and path routing', () => {
  it('reads owner and agent from user-<owner>-<agent>.<domain>, ignoring port and letter case', () => {
    const cases: Array<[string, { owner: string; agentId: string } | null]> = [
      ['user-alice-laptop.tunnel.example', { owner: 'alice', agentId: 'laptop' }],
      ['USER-Alice-Laptop.Tunnel.Example:8080', { owner: 'alice', agentId: 'laptop' }],
      ['user-loadtest-load-test-001.tunnel.example', { owner: 'loadtest', agentId: 'load-test-001' }],
      ['user-alice-laptop.tunnel.example.', { owner: 'alice', agentId: 'laptop' }],
    ];
    for (const [host, expected] of cases) assert.deepEqual(parseAgentHost(host, 'tunnel.example'), expected, host);
  });

  it('is not an agent host: other domains, the bare domain, suffix tricks, missing parts, bad characters', () => {
    for (const host of [
      undefined, '', 'tunnel.example', 'user-alice-laptop.other.example', 'user-alice-laptop.tunnel.example.evil.com',
      'user-alice-laptopxtunnel.example', 'user-alice.tunnel.example', 'user--laptop.tunnel.example', 'alice-laptop.tunnel.example',
      'user-alice-laptop-.tunnel.example', 'user-alice-lap_top.tunnel.example', 'a.user-alice-laptop.tunnel.example',
      `user-alice-${'x'.repeat(60)}.tunnel.example`,
    ]) {
      assert.equal(parseAgentHost(host, 'tunnel.example'), null, String(host));
    }
  });

  it('reads /agents/<id>/rest and strips the prefix, keeping the query', () => {
    const cases: Array<[string, { agentId: string; path: string } | null]> = [
      ['/agents/laptop/api/v1?x=1', { agentId: 'laptop', path: '/api/v1?x=1' }],
      ['/agents/laptop', { agentId: 'laptop', path: '/' }],
      ['/agents/laptop/', { agentId: 'laptop', path: '/' }],
      ['/agents/laptop?x=1', { agentId: 'laptop', path: '/?x=1' }],
      ['/agents/', null],
      ['/agents/Bad!/x', null],
      ['/agentsx/laptop', null],
      ['/metrics', null],
    ];
    for (const [url, expected] of cases) assert.deepEqual(parseAgentPath(url), expected, url);
  });
});
