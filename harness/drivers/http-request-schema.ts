/**
 * The `http:` block of a workload, in one of three forms:
 * - a single request (`method`, `path`, `headers`, `body`, `checks`, `name`), one per iteration;
 * - `requests:`, a weighted mix: each iteration sends one entry, picked by weight (seeded);
 * - `steps:`, a sequence each iteration runs in order, where a step may capture values for later ones.
 * The connection settings (`target`, `timeout`, `connections`, `engine`), default `headers` and
 * the per-iteration `vars` belong to the block in every form.
 */
import { z } from 'zod';
import { duration } from '../plan/zod-units.ts';
import { asRecord, requestRefs, stringRefs, type HttpRef, type RefPath } from './http-request-refs.ts';
import { bodySchema, checkSchema, headersSchema, methodSchema, pathSchema, templateString, varName } from './http-template-schema.ts';

export const httpCheckSchema = checkSchema('workload');
export const httpBodySchema = bodySchema('workload');

/** Tag values (`name`) of mix entries and steps. */
const requestName = z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'a request name is letters, digits and _ . : -, like `encode`');

const captureSpec = z
  .string()
  .regex(/^(body|\$(\.[A-Za-z_][\w-]*|\[\d+\])*|header:[!#$%&'*+.^_`|~0-9A-Za-z-]+)$/, 'capture `body`, a JSONPath like `$.text`, or `header:NAME`')
  .describe('what to keep: `body` (the response bytes), a JSONPath like `$.id` (the value, as text), or `header:NAME`');

/** Fields every request has, in whichever form. */
const requestFields = {
  method: methodSchema.default('GET').describe('HTTP method'),
  path: pathSchema('workload').default('/').describe('request path and query, appended to the target URL; {{…}} templates allowed'),
  headers: headersSchema('workload').default({}).describe('request headers (over the block\'s default headers); values may hold {{…}} templates'),
  body: httpBodySchema.optional().describe('request body'),
  checks: z.array(httpCheckSchema).default([]).describe('per-request checks; with none, a status >= 400 fails the request'),
};

const mixEntrySchema = z.strictObject({
  name: requestName.describe('tag `name` on this request\'s samples, e.g. http_req_duration{name:encode}'),
  weight: z.number().positive().finite().default(1).describe('relative share of iterations that send this request (default 1)'),
  ...requestFields,
});

const stepSchema = z.strictObject({
  name: requestName.describe('tag `name` on this step\'s samples, e.g. http_req_duration{name:decode}'),
  ...requestFields,
  capture: z.record(varName, captureSpec).default({}).describe('iteration variables this step sets from its response, for later steps: NAME: body | $.json.path | header:NAME'),
});

/** Fields of the single-request form, which must not sit beside `requests:` or `steps:`. */
export const SINGLE_REQUEST_KEYS = ['method', 'path', 'body', 'checks', 'name'] as const;

const blockSchema = z.strictObject({
  target: z.string().min(1).describe('a component name from `components:`, or an http:// URL'),
  ...requestFields,
  headers: headersSchema('workload').default({}).describe('request headers; with `requests:` or `steps:`, the default headers of every request (an entry\'s own headers win)'),
  timeout: duration().default(10_000).describe('request timeout; a timed-out request counts as failed'),
  name: z.string().optional().describe('tag `name` on every sample (default: the workload name), for thresholds like http_req_duration{name:encode}'),
  connections: z.number().int().min(1).max(19_000).optional().describe('most TCP connections to the target (default: one per VU). Fewer connections than VUs makes iterations queue for a connection, as wrk2 does: latency from the intended time includes that wait, raw latency does not'),
  engine: z.enum(['auto', 'fast', 'undici']).default('auto').describe('auto: the lean HTTP/1.1 path for static plain-http single requests, undici otherwise (templates, mixes, steps, https)'),
  vars: z.record(varName, templateString('workload')).default({}).describe('iteration variables evaluated once at the start of every iteration, in order, e.g. text: "Test message {{randInt 1000 9999}}"; read with {{var text}}'),
  requests: z.array(mixEntrySchema).min(1).optional().describe('a weighted mix instead of the single request: each iteration sends one entry, picked by weight (seeded, reproducible)'),
  steps: z.array(stepSchema).min(1).optional().describe('a sequence instead of the single request: each iteration sends every step in order; a failed step ends the iteration (counted in iterations_failed)'),
});

export const httpRequestSchema = blockSchema
  .superRefine((block, ctx) => {
    // Runs even when other fields of the block are invalid, so every problem is reported at once:
    // hence the defensive reading (the value may be partly unparsed).
    if (block.requests !== undefined && block.steps !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'give either `requests:` (a weighted mix) or `steps:` (a sequence per iteration), not both' });
    }
    uniqueNames(block.requests, 'requests', ctx);
    uniqueNames(block.steps, 'steps', ctx);
    for (const issue of varIssues(block)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }, { when: () => true })
  .describe('drive HTTP requests: one request, a weighted mix (`requests:`) or a sequence (`steps:`) per iteration');

export type HttpRequestConfig = z.output<typeof httpRequestSchema>;
export type HttpCheck = z.output<typeof httpCheckSchema>;
export type HttpBody = z.output<typeof httpBodySchema>;
export type HttpMixEntry = z.output<typeof mixEntrySchema>;
export type HttpStep = z.output<typeof stepSchema>;

function uniqueNames(list: unknown, key: string, ctx: z.RefinementCtx): void {
  if (!Array.isArray(list)) return;
  const seen = new Set<string>();
  list.forEach((entry: unknown, i) => {
    const name = asRecord(entry)?.['name'];
    if (typeof name !== 'string') return;
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `name "${name}" is used twice in \`${key}:\`; each ${key === 'steps' ? 'step' : 'request'} needs its own, to tag its samples` });
    seen.add(name);
  });
}

/** Every var used where it is not yet defined: vars are evaluated in order, captures set after their step. */
function varIssues(raw: unknown): { path: RefPath; message: string }[] {
  const block = asRecord(raw) ?? {};
  const out: { path: RefPath; message: string }[] = [];
  const defined = new Set<string>();
  const steps = Array.isArray(block['steps']) ? block['steps'] : null;
  const requests = Array.isArray(block['requests']) ? block['requests'] : null;
  const check = (refs: HttpRef[], where: string): void => {
    for (const r of refs) {
      if (r.kind !== 'var' || defined.has(r.name)) continue;
      out.push({ path: r.path, message: `var "${r.name}" is not defined ${where}; define it under \`vars:\`${steps ? ' or capture it in an earlier step' : ''}` });
    }
  };
  for (const [name, source] of Object.entries(asRecord(block['vars']) ?? {})) {
    check(stringRefs(source, ['vars', name]), 'before this one (vars are evaluated in order)');
    defined.add(name);
  }
  for (const [name, value] of Object.entries(asRecord(block['headers']) ?? {})) check(stringRefs(value, ['headers', name]), 'for the block\'s default headers');
  if (steps) {
    steps.forEach((step: unknown, i) => {
      check(requestRefs(step, ['steps', i]), 'by this step');
      for (const name of Object.keys(asRecord(asRecord(step)?.['capture']) ?? {})) defined.add(name);
    });
  } else if (requests) {
    requests.forEach((entry: unknown, i) => check(requestRefs(entry, ['requests', i]), 'for this request'));
  } else {
    check(requestRefs({ ...block, headers: undefined }, []), 'for this request');
  }
  return out;
}
