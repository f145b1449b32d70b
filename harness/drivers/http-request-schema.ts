/** The `http:` block of a workload: one request per iteration, with checks. */
import { z } from 'zod';
import { bytes, duration } from '../plan/zod-units.ts';

export const httpCheckSchema = z.union([
  z.strictObject({ status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).describe('expected status code(s)') }),
  z.strictObject({ bodyContains: z.string().describe('response body must contain this text') }),
  z.strictObject({ bodyEquals: z.string().describe('response body must equal this text') }),
  z.strictObject({
    jsonPath: z.string().regex(/^\$(\.[A-Za-z_][\w-]*|\[\d+\])*$/, 'write a path like $.text or $.items[0].id').describe('JSONPath into the response body ($.a.b[0])'),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().describe('value the path must hold'),
    exists: z.boolean().optional().describe('the path must (true) or must not (false) exist'),
  }),
]).describe('a per-request check; a failed check counts the request as failed');

export const httpBodySchema = z.union([
  z.string().describe('inline body'),
  z.strictObject({ file: z.string().describe('path to a file, relative to the scenario') }),
  z.strictObject({ json: z.unknown().describe('a value sent as JSON (content-type set for you)') }),
  z.strictObject({ randomBytes: bytes().describe('that many random bytes, new for every request') }),
  z.strictObject({ randomText: bytes().describe('that many random letters, new for every request') }),
]);

export const httpRequestSchema = z.strictObject({
  target: z.string().min(1).describe('a component name from `components:`, or an http:// URL'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).default('GET').describe('HTTP method'),
  path: z.string().startsWith('/', 'a path starts with /').default('/').describe('request path and query, appended to the target URL'),
  headers: z.record(z.string(), z.string()).default({}).describe('request headers'),
  body: httpBodySchema.optional().describe('request body'),
  timeout: duration().default(10_000).describe('request timeout; a timed-out request counts as failed'),
  name: z.string().optional().describe('tag `name` on every sample (default: the workload name), for thresholds like http_req_duration{name:encode}'),
  checks: z.array(httpCheckSchema).default([]).describe('per-request checks; with none, a status >= 400 fails the request'),
  connections: z.number().int().min(1).max(19_000).optional().describe('most TCP connections to the target (default: one per VU). Fewer connections than VUs makes iterations queue for a connection, as wrk2 does: latency from the intended time includes that wait, raw latency does not'),
  engine: z.enum(['auto', 'fast', 'undici']).default('auto').describe('auto: the lean HTTP/1.1 path for static plain-http requests, undici otherwise'),
});

export type HttpRequestConfig = z.output<typeof httpRequestSchema>;
export type HttpCheck = z.output<typeof httpCheckSchema>;
