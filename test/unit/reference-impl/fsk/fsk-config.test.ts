import assert from 'node:assert/strict';
import { UsageError } from '../../../../reference-impl/common/usage-error.ts';
import { resolveFskConfig } from '../../../../reference-impl/fsk/fsk-config.ts';

describe('fsk configuration', () => {
  it('defaults to one worker per core, 50 concurrent requests, 30 s, 140 bytes of text and 16 MiB uploads', () => {
    assert.deepEqual(resolveFskConfig({}, {}, 6), {
      maxWorkers: 6, maxConcurrentRequests: 50, requestTimeoutMs: 30_000, maxTextBytes: 140, maxUploadBytes: 16 * 1024 * 1024,
    });
  });

  it('reads the seed\'s environment variables, with REQUEST_TIMEOUT in seconds or with a unit', () => {
    const env = { MAX_WORKERS: '8', MAX_CONCURRENT_REQUESTS: '25', REQUEST_TIMEOUT: '60', MAX_TEXT_BYTES: '64', MAX_UPLOAD_BYTES: '2MiB' };
    assert.deepEqual(resolveFskConfig({}, env, 2), { maxWorkers: 8, maxConcurrentRequests: 25, requestTimeoutMs: 60_000, maxTextBytes: 64, maxUploadBytes: 2 * 1024 * 1024 });
    assert.equal(resolveFskConfig({}, { REQUEST_TIMEOUT: '250ms' }, 2).requestTimeoutMs, 250);
    assert.equal(resolveFskConfig({}, { REQUEST_TIMEOUT: '1.5' }, 2).requestTimeoutMs, 1_500);
  });

  it('lets a command-line flag win over the environment variable', () => {
    const config = resolveFskConfig({ maxWorkers: 1, requestTimeout: 500 }, { MAX_WORKERS: '8', REQUEST_TIMEOUT: '60' }, 2);
    assert.equal(config.maxWorkers, 1);
    assert.equal(config.requestTimeoutMs, 500);
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(resolveFskConfig({}, { MAX_WORKERS: '' }, 3).maxWorkers, 3);
  });

  it('reports every bad value at once, naming the variable or flag and what it expects', () => {
    const env = { MAX_WORKERS: 'many', REQUEST_TIMEOUT: 'soon', MAX_UPLOAD_BYTES: 'huge' };
    assert.throws(() => resolveFskConfig({ maxTextBytes: 141, maxConcurrentRequests: 0 }, env, 2), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.kind, 'bad-flag');
      for (const part of [
        /MAX_WORKERS=many: expects a whole number of worker threads/,
        /REQUEST_TIMEOUT=soon: expects seconds \(60\) or a duration/,
        /MAX_UPLOAD_BYTES=huge: expects a size/,
        /--max-text-bytes \/ MAX_TEXT_BYTES must be 1-140 \(ggwave silently cuts longer messages\), got 141/,
        /--max-concurrent-requests \/ MAX_CONCURRENT_REQUESTS must be at least 1, got 0/,
      ]) assert.match(err.message, part);
      return true;
    });
  });

  it('refuses zero workers, a zero timeout and an upload limit smaller than a WAV header', () => {
    assert.throws(() => resolveFskConfig({ maxWorkers: 0 }, {}, 2), /--max-workers \/ MAX_WORKERS must be 1-256, got 0/);
    assert.throws(() => resolveFskConfig({}, { REQUEST_TIMEOUT: '0' }, 2), /must be more than 0/);
    assert.throws(() => resolveFskConfig({ maxUploadBytes: 43 }, {}, 2), /at least 44 bytes/);
  });

  it('returns a frozen object', () => {
    assert.ok(Object.isFrozen(resolveFskConfig({}, {}, 1)));
  });
});
