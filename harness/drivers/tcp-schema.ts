/**
 * The `tcp:` driver block: one iteration is one bulk transfer over a fresh TCP connection (the
 * tunnel's connect mode, or any echo service), which is how throughput is measured rather than
 * request latency.
 */
import { z } from 'zod';
import { bytes, duration } from '../plan/zod-units.ts';

export const tcpDriverSchema = z.strictObject({
  target: z.string().min(1).describe('a component name from `components:` (its tcp:// or http:// endpoint, used as host:port), or a tcp://host:port URL'),
  send: bytes().refine((n) => n > 0, 'send must be above 0 bytes').default(64 * 1024 * 1024).describe('bytes written per iteration (default 64MiB)'),
  chunk: bytes().refine((n) => n > 0 && n <= 64 * 1024 * 1024, 'chunk must be between 1 byte and 64MiB').default(1024 * 1024).describe('size of each write; one prebuilt buffer is written again and again (default 1MiB)'),
  expect: z.enum(['echo', 'none']).default('echo').describe('echo: the iteration ends once as many bytes came back as were sent; none: it ends when the far side closes after our half-close'),
  idleTimeout: duration().refine((ms) => ms > 0, 'idleTimeout must be longer than 0s').default(30_000).describe('a transfer during which no byte moves either way for this long fails (default 30s)'),
}).describe('drive bulk TCP transfers: connect, write `send` bytes, half-close, read the echo');

export type TcpDriverConfig = z.output<typeof tcpDriverSchema>;
