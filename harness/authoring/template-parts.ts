/**
 * A validated `{{…}}` template split into literal text and expressions, for the exporters that
 * translate caplab templates into another tool's syntax (k6 JavaScript, Artillery's `{{ }}`).
 * The grammar is harness/drivers/template.ts's; the scenario was validated before this runs.
 */

/** One piece of a template: literal text, or an expression with its words (`['randInt', '1', '9']`). */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; words: string[] };

/** Splits `source` into parts; an unclosed `{{` is kept as text (validation has already refused it). */
export function templateParts(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (;;) {
    const open = source.indexOf('{{', at);
    const close = open < 0 ? -1 : source.indexOf('}}', open + 2);
    if (open < 0 || close < 0) break;
    if (open > at) parts.push({ kind: 'text', text: source.slice(at, open) });
    parts.push({ kind: 'expr', words: source.slice(open + 2, close).trim().split(/\s+/).filter((w) => w !== '') });
    at = close + 2;
  }
  if (at < source.length) parts.push({ kind: 'text', text: source.slice(at) });
  return parts;
}

/** Whether `source` holds any `{{…}}` expression. */
export function hasTemplate(source: string): boolean {
  return templateParts(source).some((p) => p.kind === 'expr');
}
