/**
 * The `ws:` driver block: WebSocket clients of a realtime service (reference-impl/realtime's
 * protocol). With hold-connections each held connection is a subscriber of one room; with an
 * arrival-rate or VU executor each iteration publishes one message (or sends one ping).
 */
import { z } from 'zod';
import { bytes, duration } from '../plan/zod-units.ts';

export const wsDriverSchema = z.strictObject({
  target: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('a component name from `components:` (its http:// endpoint becomes ws://), a ws:// URL, or a list of them: connections are spread over the list in turn (client-side balancing over instances)'),
  path: z.string().startsWith('/').default('/ws').describe('WebSocket path (default /ws)'),
  token: z.string().default('caplab-dev').describe('sent as ?token= (default caplab-dev, the realtime component\'s default)'),
  rooms: z.number().int().min(1).max(1_000_000).default(1).describe('rooms room-0 .. room-(N-1): held connection n subscribes to room n mod N; publishes go to the rooms in turn'),
  subscribe: z.boolean().default(true).describe('held connections subscribe to a room (false: they are held idle)'),
  send: z.enum(['publish', 'ping']).default('publish').describe('what one iteration does: publish one message (ack awaited; latency measured at subscribers) or a ping/pong round trip over the VU\'s own connection (message_latency{kind:ping})'),
  payloadSize: bytes().refine((n) => n <= 1024 * 1024, 'payloadSize must be at most 1MiB').default(64).describe('padding added to each published payload (default 64 bytes)'),
  publishers: z.number().int().min(1).max(1024).default(4).describe('connections per generating thread that publish, used in turn (default 4)'),
  timeout: duration().refine((ms) => ms > 0, 'timeout must be longer than 0s').default(10_000).describe('handshake, subscribe, publish ack and pong must each arrive within this (default 10s)'),
  sourceAddresses: z.number().int().min(1).max(254).default(1).describe('bind connections to 127.0.0.1 .. 127.0.0.N in turn (loopback targets): each source address has its own ~28k ephemeral ports, so N > 1 passes the one-address port limit'),
}).describe('drive a WebSocket realtime service: hold subscribers, publish, ping');

export type WsDriverConfig = z.output<typeof wsDriverSchema>;
