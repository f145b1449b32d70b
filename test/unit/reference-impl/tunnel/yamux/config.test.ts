import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, resolveConfig } from '../../../../../reference-impl/tunnel/yamux/config.ts';
import { YamuxError } from '../../../../../reference-impl/tunnel/yamux/errors.ts';

describe('yamux config', () => {
  it('defaults to hashicorp/yamux DefaultConfig (plus its newer open/close timeouts)', () => {
    assert.deepEqual({ ...DEFAULT_CONFIG }, {
      acceptBacklog: 256,
      enableKeepAlive: true,
      keepAliveIntervalMs: 30_000,
      connectionWriteTimeoutMs: 10_000,
      maxStreamWindowSize: 256 * 1024,
      streamOpenTimeoutMs: 75_000,
      streamCloseTimeoutMs: 300_000,
    });
  });

  it('fills in defaults around overrides and freezes the result', () => {
    const cfg = resolveConfig({ maxStreamWindowSize: 16 * 1024 * 1024 });
    assert.equal(cfg.maxStreamWindowSize, 16 * 1024 * 1024);
    assert.equal(cfg.acceptBacklog, 256);
    assert.ok(Object.isFrozen(cfg));
  });

  it('reports every invalid setting at once with a coded error', () => {
    try {
      resolveConfig({ acceptBacklog: 0, keepAliveIntervalMs: -1, maxStreamWindowSize: 1024, streamOpenTimeoutMs: 1.5 });
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof YamuxError);
      assert.equal(err.code, 'YAMUX_ERR_INVALID_CONFIG');
      for (const name of ['acceptBacklog', 'keepAliveIntervalMs', 'maxStreamWindowSize', 'streamOpenTimeoutMs']) assert.match(err.message, new RegExp(name));
    }
  });
});
