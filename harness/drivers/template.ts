/**
 * `{{…}}` templates in scenario strings (paths, header values, string bodies, JSON string leaves,
 * check values). Grammar, one expression between each `{{` and `}}`, spaces allowed around it:
 *
 *   expr := "iteration" | "vu" | "index" | "uuid"
 *         | "randInt" INT INT          (inclusive bounds)
 *         | "randString" INT           (letters and digits)
 *         | "var" NAME                 (an iteration variable: `vars:` or a step's `capture:`)
 *         | "item." NAME               (a field of the iteration's dataset item; `body` is its bytes)
 *
 * A template is compiled once into a list of parts, so rendering is string concatenation plus the
 * expressions' own work. Randomness comes from the scope's seeded generator (seeded-random.ts).
 * A string without `{{` is static: engines may build it once.
 */
import type { DatasetItem } from './dataset.ts';
import type { SeededRandom } from './seeded-random.ts';

/** What an expression can see while one iteration (or one dataset setup request) renders. */
export interface TemplateScope {
  /** iteration number within this thread's share of the workload (the item number in datasets) */
  readonly iteration: number;
  /** VU slot, 0-based */
  readonly vu: number;
  /** dataset item number, only meaningful in `datasets:` */
  readonly index: number;
  readonly rng: SeededRandom;
  /** iteration variables: `vars:` evaluated for this iteration, then each step's captures */
  readonly vars: Map<string, string | Buffer>;
  /** the iteration's dataset item, when the workload sends one */
  readonly item: DatasetItem | undefined;
}

export interface TemplateRefs {
  /** names used in `{{var NAME}}` */
  readonly vars: readonly string[];
  /** names used in `{{item.NAME}}` */
  readonly itemFields: readonly string[];
  readonly usesIndex: boolean;
}

export interface Template {
  readonly source: string;
  /** no expressions: `render` always returns `source` */
  readonly isStatic: boolean;
  readonly refs: TemplateRefs;
  render(scope: TemplateScope): string;
}

/** A template that does not parse; the message says what to write instead. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

type Part = string | ((scope: TemplateScope) => string);

const NAME = /^[A-Za-z_][\w-]*$/;
const INT = /^-?\d{1,15}$/;
const MAX_RAND_STRING = 1 << 20;
const EXPRESSIONS = 'iteration, vu, index, uuid, randInt MIN MAX, randString LENGTH, var NAME or item.FIELD';

/** Compiles `source`; throws TemplateError for an unclosed `{{`, an empty or unknown expression, or bad arguments. */
export function compileTemplate(source: string): Template {
  const parts: Part[] = [];
  const vars: string[] = [];
  const itemFields: string[] = [];
  let usesIndex = false;
  let at = 0;
  for (;;) {
    const open = source.indexOf('{{', at);
    if (open < 0) break;
    const close = source.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`unclosed "{{" at character ${open + 1}; close it with "}}"`);
    if (open > at) parts.push(source.slice(at, open));
    const words = source.slice(open + 2, close).trim().split(/\s+/).filter((w) => w !== '');
    const part = compileExpression(words, { vars, itemFields, index: () => { usesIndex = true; } });
    parts.push(part);
    at = close + 2;
  }
  if (at < source.length) parts.push(source.slice(at));
  const refs: TemplateRefs = { vars, itemFields, usesIndex };
  if (parts.every((p) => typeof p === 'string')) return { source, isStatic: true, refs, render: () => source };
  return { source, isStatic: false, refs, render: renderer(parts) };
}

/** The problem with `source` as a template, or null when it compiles. */
export function templateProblem(source: string): string | null {
  try {
    compileTemplate(source);
    return null;
  } catch (err) {
    if (err instanceof TemplateError) return err.message;
    throw err;
  }
}

/** The text of a var or item field: captured bytes are read as UTF-8. */
export function valueText(value: string | Buffer | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.toString('utf8');
}

interface Collect {
  vars: string[];
  itemFields: string[];
  index(): void;
}

function compileExpression(words: string[], into: Collect): Part {
  const [head, ...args] = words;
  if (head === undefined) throw new TemplateError(`empty "{{}}": write one of ${EXPRESSIONS}`);
  const arity = (n: number, usage: string): void => {
    if (args.length !== n) throw new TemplateError(`"${words.join(' ')}": write it as {{${usage}}}`);
  };
  switch (head) {
    case 'iteration':
      arity(0, 'iteration');
      return (s) => String(s.iteration);
    case 'vu':
      arity(0, 'vu');
      return (s) => String(s.vu);
    case 'index':
      arity(0, 'index');
      into.index();
      return (s) => String(s.index);
    case 'uuid':
      arity(0, 'uuid');
      return (s) => s.rng.uuid();
    case 'randInt': {
      arity(2, 'randInt MIN MAX');
      if (!INT.test(args[0]!) || !INT.test(args[1]!) || Number(args[0]) > Number(args[1])) {
        throw new TemplateError(`"${words.join(' ')}": randInt takes two integers MIN MAX with MIN <= MAX, like {{randInt 1000 9999}}`);
      }
      const min = Number(args[0]);
      const max = Number(args[1]);
      return (s) => String(s.rng.int(min, max));
    }
    case 'randString': {
      arity(1, 'randString LENGTH');
      const n = Number(args[0]);
      if (!/^\d+$/.test(args[0]!) || n < 1 || n > MAX_RAND_STRING) {
        throw new TemplateError(`"${words.join(' ')}": randString takes a length from 1 to ${MAX_RAND_STRING}, like {{randString 8}}`);
      }
      return (s) => s.rng.string(n);
    }
    case 'var': {
      arity(1, 'var NAME');
      const name = args[0]!;
      if (!NAME.test(name)) throw new TemplateError(`"${words.join(' ')}": a var name is letters, digits, _ and -, starting with a letter or _`);
      into.vars.push(name);
      return (s) => valueText(s.vars.get(name));
    }
    default: {
      if (head.startsWith('item.') && args.length === 0) {
        const field = head.slice('item.'.length);
        if (!NAME.test(field)) throw new TemplateError(`"${head}": write a dataset field as {{item.NAME}}`);
        into.itemFields.push(field);
        if (field === 'body') return (s) => valueText(s.item?.body);
        return (s) => s.item?.fields[field] ?? '';
      }
      throw new TemplateError(`unknown expression "${words.join(' ')}": write one of ${EXPRESSIONS}`);
    }
  }
}

function renderer(parts: Part[]): (scope: TemplateScope) => string {
  if (parts.length === 1) return parts[0] as (scope: TemplateScope) => string;
  return (scope) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(scope);
    return out;
  };
}
