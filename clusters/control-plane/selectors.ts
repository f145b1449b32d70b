/**
 * Label and field selectors as the `labelSelector` and `fieldSelector` query parameters carry
 * them: `a=b,c!=d,e in (f,g),h notin (i),j,!k` for labels; `metadata.name=x,status.phase!=Running`
 * for fields. Field selectors accept any dotted path to a scalar (the apiserver allows only a
 * per-kind list; metadata.name and metadata.namespace work for every kind there and here).
 */
import { ApiError } from './status-errors.ts';

type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

/** A parsed selector: a predicate over an object. */
export type Selector = (obj: { metadata: { labels?: Record<string, string> } } & Record<string, unknown>) => boolean;

/** Parses a label selector; empty or undefined matches everything. Throws 400 BadRequest on bad syntax. */
export function parseLabelSelector(text: string | null | undefined): Selector {
  const reqs = splitTerms(text ?? '').map(parseLabelTerm);
  return (obj) => reqs.every((r) => matchesLabel(r, obj.metadata.labels ?? {}));
}

/** Parses a field selector (`=`, `==`, `!=` on dotted paths). Throws 400 BadRequest on bad syntax. */
export function parseFieldSelector(text: string | null | undefined): Selector {
  const reqs = splitTerms(text ?? '').map((term) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new ApiError('BadRequest', `invalid field selector term "${term}": use path=value or path!=value`);
    return { path: m[1]!.split('.'), negate: m[2] === '!=', value: m[3]! };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.negate);
}

/** Whether labels satisfy a LabelSelector object (matchLabels + matchExpressions), as Deployments and Services carry. */
export function matchesLabelSelectorObject(selector: unknown, labels: Record<string, string>): boolean {
  if (typeof selector !== 'object' || selector === null) return false;
  const s = selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    const req: LabelRequirement = op === 'exists' ? { key: e.key, op: 'exists' } : op === 'doesnotexist' ? { key: e.key, op: '!exists' }
      : { key: e.key, op: op === 'in' ? 'in' : 'notin', values: e.values ?? [] };
    if (!matchesLabel(req, labels)) return false;
  }
  return true;
}

/** Whether labels include every key=value of a plain map selector (a Service's spec.selector). */
export function matchesMapSelector(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function matchesLabel(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case 'exists': return has;
    case '!exists': return !has;
    case 'in': return has && r.values.includes(labels[r.key]!);
    case 'notin': return !has || !r.values.includes(labels[r.key]!);
  }
}

/** Splits on commas outside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) { terms.push(current); current = ''; } else current += c;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = '[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?';

function parseLabelTerm(term: string): LabelRequirement {
  let m = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\((.*)\\)$`).exec(term);
  if (m) return { key: m[1]!, op: m[3] as 'in' | 'notin', values: m[4]!.split(',').map((v) => v.trim()).filter((v) => v !== '') };
  m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*([-A-Za-z0-9_.]*)$`).exec(term);
  if (m) return m[3] === '!=' ? { key: m[1]!, op: 'notin', values: [m[4]!] } : { key: m[1]!, op: 'in', values: [m[4]!] };
  m = new RegExp(`^(!?)\\s*(${KEY})$`).exec(term);
  if (m) return { key: m[2]!, op: m[1] === '!' ? '!exists' : 'exists' };
  throw new ApiError('BadRequest', `unable to parse requirement "${term}" in label selector: use key=value, key!=value, key in (a,b), key notin (a), key or !key`);
}

function fieldValue(obj: unknown, path: string[]): string {
  let v: unknown = obj;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
