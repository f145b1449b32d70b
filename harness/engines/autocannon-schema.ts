/**
 * The `autocannon:` block of an `executor: engine` workload: autocannon's own closed model, a
 * fixed number of connections each sending its next request (or `pipelining` requests) as soon as
 * the last answered, for the workload's duration. The request is static: autocannon sends the same
 * bytes every time, so there are no {{…}} templates and checks can only look at the status.
 */
import { z } from 'zod';
import { methodSchema } from '../drivers/http-template-schema.ts';
import { duration } from '../plan/zod-units.ts';

const status = z.number().int().min(100).max(599);

export const autocannonSchema = z.strictObject({
  target: z.string().min(1).describe('a component name from `components:`, or an http:// URL'),
  connections: z.number().int().min(1).max(10_000).default(10).describe('concurrent connections (autocannon -c), each a closed-model VU'),
  pipelining: z.number().int().min(1).max(100).default(1).describe('requests in flight per connection (autocannon -p)'),
  method: methodSchema.default('GET').describe('HTTP method'),
  path: z.string().startsWith('/', 'a path starts with /').default('/').describe('request path and query, appended to the target URL (sent as written: no {{…}} templates)'),
  headers: z.record(z.string(), z.string()).default({}).describe('request headers, sent as written'),
  body: z.string().optional().describe('request body, sent as written with every request'),
  timeout: duration().default(10_000).describe('request timeout (whole seconds for autocannon, at least 1s); a timed-out request counts as failed'),
  name: z.string().optional().describe('tag `name` on every sample (default: the workload name)'),
  // Status only: autocannon does not hand over the body. `status` is optional in the shape so a
  // missing one gets this sentence rather than a type error.
  checks: z.array(z.strictObject({ status: z.union([status, z.array(status).min(1)]).optional().describe('expected status code(s)') })
    .refine((c) => c.status !== undefined, 'an autocannon check is { status: 200 } (or a list of codes): autocannon does not hand over the body; use the http driver for body checks'))
    .default([]).describe('status checks only (autocannon does not hand over the body); with none, a status >= 400 fails the request'),
}).describe('drive HTTP with autocannon (closed model, max throughput): latency from the actual send, no coordinated-omission correction');

export type AutocannonConfig = z.output<typeof autocannonSchema>;
