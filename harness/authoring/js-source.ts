/**
 * Small helpers for writing JavaScript/TypeScript source: literals, identifiers, durations in k6's
 * notation, and caplab templates as JS expressions (for the k6 exporter).
 */
import { templateParts } from './template-parts.ts';

/** A string literal. */
export function str(text: string): string {
  return JSON.stringify(text);
}

/** A name usable as a JS identifier: `echo-main` -> `echo_main`. */
export function ident(name: string): string {
  const out = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** Milliseconds as a Go-style duration string k6 reads: `30s`, `1500ms`. */
export function goDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}

/** Helper functions an expression may need; the script writer emits each one used. */
export type JsHelper = 'randInt' | 'randString' | 'uuid' | 'exec';

export interface JsTemplateContext {
  helpers: Set<JsHelper>;
  /** notes for what cannot be expressed (dataset items) */
  unsupported(what: string): void;
}

/** A caplab template as a JS expression of type string: a literal when static, else a template literal. */
export function templateExpr(source: string, ctx: JsTemplateContext): string {
  const parts = templateParts(source);
  if (parts.every((p) => p.kind === 'text')) return str(source);
  let out = '`';
  for (const p of parts) {
    if (p.kind === 'text') out += p.text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
    else out += `\${${exprOf(p.words, ctx)}}`;
  }
  return `${out}\``;
}

function exprOf(words: string[], ctx: JsTemplateContext): string {
  const [head, ...args] = words;
  switch (head) {
    case 'iteration':
      ctx.helpers.add('exec');
      return 'exec.scenario.iterationInTest';
    case 'vu':
      ctx.helpers.add('exec');
      return '(exec.vu.idInTest - 1)';
    case 'uuid':
      ctx.helpers.add('uuid');
      return 'uuid()';
    case 'randInt':
      ctx.helpers.add('randInt');
      return `randInt(${Number(args[0])}, ${Number(args[1])})`;
    case 'randString':
      ctx.helpers.add('randString');
      return `randString(${Number(args[0])})`;
    case 'var':
      return `vars[${str(args[0] ?? '')}]`;
    default:
      ctx.unsupported(`{{${words.join(' ')}}} (dataset items and {{index}} have no k6 equivalent; written as an empty string)`);
      return "''";
  }
}

/** The source of each helper, in a fixed order. */
export function helperSource(helpers: ReadonlySet<JsHelper>): string[] {
  const out: string[] = [];
  if (helpers.has('randInt') || helpers.has('randString') || helpers.has('uuid')) {
    out.push('// caplab seeds its random choices; k6 scripts use Math.random, so values differ run to run.');
  }
  if (helpers.has('randInt')) out.push('function randInt(min: number, max: number): number {', '  return min + Math.floor(Math.random() * (max - min + 1));', '}');
  if (helpers.has('randString')) {
    out.push(
      'const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";',
      'function randString(length: number): string {',
      '  let s = "";',
      '  for (let i = 0; i < length; i++) s += LETTERS[Math.floor(Math.random() * LETTERS.length)];',
      '  return s;',
      '}',
    );
  }
  if (helpers.has('uuid')) {
    out.push(
      'function uuid(): string {',
      '  return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {',
      '    const r = Math.floor(Math.random() * 16);',
      '    return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);',
      '  });',
      '}',
    );
  }
  return out;
}
