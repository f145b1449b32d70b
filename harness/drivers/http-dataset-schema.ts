/**
 * The top-level `datasets:` block: data a workload sends, made at plan time by the system itself
 * (e.g. WAV files from the FSK service's own /encode), before warm-up, and never checked in.
 * Each item is one setup request's response body plus the item's own `vars:`.
 */
import { z } from 'zod';
import { duration } from '../plan/zod-units.ts';
import { asRecord, requestRefs, stringRefs, type RefPath } from './http-request-refs.ts';
import { bodySchema, checkSchema, headersSchema, methodSchema, pathSchema, templateString, varName } from './http-template-schema.ts';

const datasetHttpSchema = z.strictObject({
  target: z.string().min(1).describe('a component name from `components:`, or an http:// URL'),
  method: methodSchema.default('GET').describe('HTTP method'),
  path: pathSchema('dataset').default('/').describe('request path and query; {{index}}, {{var NAME}} and the random templates allowed'),
  headers: headersSchema('dataset').default({}).describe('request headers; values may hold {{…}} templates'),
  body: bodySchema('dataset').optional().describe('request body, e.g. { json: { text: "{{var text}}" } }'),
  timeout: duration().default(30_000).describe('timeout of each setup request (default 30s)'),
  checks: z.array(checkSchema('dataset')).default([]).describe('checks each setup response must pass; with none, a status >= 400 fails it'),
});

export const datasetSchema = z
  .strictObject({
    count: z.number().int().min(1).max(100_000).describe('items to make, one setup request each'),
    vars: z.record(varName, templateString('dataset')).default({}).describe('each item\'s own values, evaluated in order per item ({{index}} is the item number); the request reads them as {{var NAME}}, workloads as {{item.NAME}}'),
    concurrency: z.number().int().min(1).max(64).default(4).describe('setup requests in flight at once (default 4)'),
    http: datasetHttpSchema.describe('the setup request; its response body becomes the item\'s body'),
  })
  .superRefine((d, ctx) => {
    // Runs even when other fields are invalid (every problem at once), so it reads defensively.
    const vars = asRecord(d.vars) ?? {};
    if ('body' in vars) ctx.addIssue({ code: 'custom', path: ['vars', 'body'], message: '`body` is the item\'s response body; give this var another name' });
    for (const issue of varIssues(vars, d.http)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }, { when: () => true })
  .describe('a dataset made before the run: `count` setup requests whose response bodies (and vars) become items that workloads send with { dataset: NAME }');

export const datasetsSchema = z.record(varName, datasetSchema);

export type DatasetConfig = z.output<typeof datasetSchema>;

function varIssues(vars: Record<string, unknown>, http: unknown): { path: RefPath; message: string }[] {
  const defined = new Set<string>();
  const out: { path: RefPath; message: string }[] = [];
  const check = (refs: ReturnType<typeof stringRefs>): void => {
    for (const r of refs) if (r.kind === 'var' && !defined.has(r.name)) out.push({ path: r.path, message: `var "${r.name}" is not defined before it is used; define it under this dataset's \`vars:\` (evaluated in order)` });
  };
  for (const [name, source] of Object.entries(vars)) {
    check(stringRefs(source, ['vars', name]));
    defined.add(name);
  }
  check(requestRefs(http, ['http']));
  return out;
}
