/**
 * zod types for the template-bearing parts of HTTP requests, for workloads and for datasets:
 * every `{{…}}` is compiled while the scenario is validated, so a bad template is a validation
 * error at its own file:line:col, never a surprise mid-run.
 */
import { z } from 'zod';
import { bytes } from '../plan/zod-units.ts';
import { compileTemplate, TemplateError } from './template.ts';

/** Where a template is used: `{{index}}` exists only in datasets, `{{item.…}}` only in workloads. */
export type TemplateContext = 'workload' | 'dataset';

/** Names of vars, captures and dataset fields. */
export const varName = z.string().regex(/^[A-Za-z_][\w-]*$/, 'a name is letters, digits, _ and -, starting with a letter or _');

/** A string with `{{…}}` expressions, compiled (and so checked) at validation time. */
export function templateString(context: TemplateContext, base = z.string()) {
  return base.superRefine((source, ctx) => {
    const problem = templateIssue(source, context);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** What is wrong with `source` in `context`, or null. */
export function templateIssue(source: string, context: TemplateContext): string | null {
  try {
    const t = compileTemplate(source);
    if (context === 'workload' && t.refs.usesIndex) return '{{index}} is the item number of a dataset being made and exists only under `datasets:`; use {{iteration}} here';
    if (context === 'dataset' && t.refs.itemFields.length > 0) return '{{item.…}} reads the dataset item a workload sends; while a dataset is made no item exists yet (use {{var NAME}} for its own vars)';
    return null;
  } catch (err) {
    if (err instanceof TemplateError) return `template: ${err.message}`;
    throw err;
  }
}

const multipartSource = z
  .strictObject({
    var: varName.optional().describe('send the bytes of this iteration variable (a step capture or a `vars:` value)'),
    file: z.string().optional().describe('send this file, relative to the scenario'),
    dataset: varName.optional().describe('send the body of this dataset\'s item for the iteration'),
    filename: z.string().optional().describe('filename of the part (default: the file\'s own name, else the field name)'),
    contentType: z.string().optional().describe('Content-Type of the part (default application/octet-stream)'),
  })
  .superRefine((f, ctx) => {
    const given = (['var', 'file', 'dataset'] as const).filter((k) => f[k] !== undefined);
    if (given.length !== 1) ctx.addIssue({ code: 'custom', message: `a file part needs exactly one of var, file or dataset; it has ${given.length === 0 ? 'none' : given.join(' and ')}` });
  });

/** A request body, as the `http:` block of a workload or a dataset writes it. */
export function bodySchema(context: TemplateContext) {
  return z.union([
    templateString(context).describe('inline body; {{…}} templates allowed'),
    z.strictObject({ file: z.string().describe('path to a file, relative to the scenario') }),
    z.strictObject({ json: z.unknown().superRefine((v, ctx) => jsonLeafIssues(v, context, [], ctx)).describe('a value sent as JSON (content-type set for you); its strings may hold {{…}} templates') }),
    z.strictObject({ randomBytes: bytes().describe('that many random bytes, new for every request') }),
    z.strictObject({ randomText: bytes().describe('that many random letters, new for every request') }),
    z.strictObject({ var: varName.describe('send this iteration variable as is (e.g. a body captured by an earlier step)') }),
    z.strictObject({ dataset: varName.describe('send the body of this dataset\'s item for the iteration (items rotate with the iteration number)') }),
    z.strictObject({
      multipart: z
        .record(z.string().min(1), z.union([templateString(context).describe('a text field; {{…}} templates allowed'), multipartSource]))
        .refine((m) => Object.keys(m).length > 0, 'a multipart body needs at least one field')
        .describe('multipart/form-data, like `curl -F "file=@test.wav"`: field name -> text, or { var | file | dataset, filename, contentType }'),
    }),
  ]);
}

function jsonLeafIssues(value: unknown, context: TemplateContext, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === 'string') {
    const problem = templateIssue(value, context);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => jsonLeafIssues(v, context, [...path, i], ctx));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) jsonLeafIssues(v, context, [...path, k], ctx);
  }
}

/** A per-request check; text to compare may hold templates. */
export function checkSchema(context: TemplateContext) {
  return z.union([
    z.strictObject({ status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).describe('expected status code(s)') }),
    z.strictObject({ bodyContains: templateString(context).describe('response body must contain this text ({{…}} templates allowed)') }),
    z.strictObject({ bodyEquals: templateString(context).describe('response body must equal this text ({{…}} templates allowed)') }),
    z.strictObject({
      jsonPath: z.string().regex(/^\$(\.[A-Za-z_][\w-]*|\[\d+\])*$/, 'write a path like $.text or $.items[0].id').describe('JSONPath into the response body ($.a.b[0])'),
      equals: z.union([templateString(context), z.number(), z.boolean(), z.null()]).optional().describe('value the path must hold (a string may hold {{…}} templates, e.g. "{{var text}}")'),
      exists: z.boolean().optional().describe('the path must (true) or must not (false) exist'),
    }),
  ]).describe('a per-request check; a failed check counts the request as failed');
}

/** A request path: starts with `/`, may hold templates. */
export function pathSchema(context: TemplateContext) {
  return templateString(context, z.string().startsWith('/', 'a path starts with /'));
}

/** Request headers; values may hold templates. */
export function headersSchema(context: TemplateContext) {
  return z.record(z.string(), templateString(context));
}

export const methodSchema = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
