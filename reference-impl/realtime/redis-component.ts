/**
 * The `redis` component: Debian's redis-server without persistence, for scenarios where several
 * realtime instances fan out through Redis (`redis: "redis://{{hostport redis}}"`). It speaks no
 * HTTP, so it answers with a tcp:// URL and the local provider takes listening as ready. The
 * resources sampled are this wrapper's, not redis-server's (a child process).
 */
import { defineComponent } from '../common/component.ts';
import { UsageError } from '../common/usage-error.ts';

export const redisComponent = defineComponent({
  describe: 'redis-server (Debian) without persistence, on loopback: the pub/sub bus between realtime instances',
  flags: {},
  async start(options, logger) {
    const { startRedisProcess, redisServerMissing } = await import('./redis-process.ts');
    const missing = redisServerMissing();
    if (missing !== null) throw new UsageError('bad-flag', `component redis: ${missing}`);
    const redis = await startRedisProcess(options.host, options.port);
    logger.info({ url: redis.url, pid: redis.pid }, 'redis-server started');
    return {
      component: 'redis',
      url: `tcp://${redis.host}:${redis.port}`,
      close: async () => {
        await redis.stop();
        return { abandoned: 0 };
      },
    };
  },
});
