/**
 * The `realtime` component: seed 004's WebSocket service. Clients connect to /ws?token=...,
 * join rooms and publish; messages fan out to every subscriber of the room on every instance,
 * through Redis pub/sub when --redis is given (in-process otherwise). Its server code loads only
 * when it is started.
 */
import { defineComponent } from '../common/component.ts';

export const realtimeFlags = {
  tokens: { kind: 'string', default: 'caplab-dev', help: 'comma-separated tokens a client may give as ?token= or Authorization: Bearer; or env REALTIME_TOKENS' },
  maxConnections: { kind: 'integer', help: 'connections per instance; more are refused with 503 before the upgrade (default: env WS_MAX_CONNECTIONS_PER_INSTANCE, else 10000)' },
  redis: { kind: 'string', help: 'redis://host:port for fan-out across instances (or env REDIS_URL); absent = in-process broker, one instance' },
  redisPrefix: { kind: 'string', default: 'caplab:realtime:', help: 'Redis channel prefix (room r is channel <prefix>r)' },
  heartbeat: { kind: 'duration', default: '30s', help: 'ping every connection this often; one that has not answered the previous ping is cut (0 = off)' },
  idleTimeout: { kind: 'duration', default: '0s', help: 'close a connection that sent no frame for this long (0 = never)' },
  maxBuffered: { kind: 'bytes', default: '1MiB', help: 'send bytes a connection may have waiting; a slower consumer is disconnected and its messages counted as dropped' },
  maxMessage: { kind: 'bytes', default: '64KiB', help: 'largest frame a client may send' },
  batchWindow: { kind: 'duration', default: '0ms', help: 'collect publishes per room this long into one broker message (0 = one broker message each)' },
  maxBatch: { kind: 'integer', default: '100', help: 'a batch is sent early once it holds this many messages' },
  reconnectJitter: { kind: 'duration', default: '5s', help: 'on drain, each client is told to reconnect after a random delay up to this' },
} as const;

export const realtimeComponent = defineComponent({
  describe: 'realtime WebSocket service (seed 004): rooms, fan-out across instances over Redis pub/sub, heartbeats, backpressure, connection limit, graceful drain',
  flags: realtimeFlags,
  async start(options, logger) {
    const { startRealtimeServer } = await import('./realtime-server.ts');
    return startRealtimeServer(options, logger);
  },
});
