/**
 * caplab templates in Artillery's `{{ }}` syntax and back. Artillery has scenario variables
 * (`{{ name }}`, set by captures) and two random functions; it has no iteration or VU number
 * and no UUID, so those are written as the nearest thing and listed in the notes.
 */
import { templateParts } from './template-parts.ts';

/** A caplab template in Artillery syntax; `note` receives what had no exact counterpart. */
export function toArtilleryTemplate(source: string, note: (what: string) => void): string {
  return templateParts(source).map((p) => {
    if (p.kind === 'text') return p.text;
    const [head, ...args] = p.words;
    switch (head) {
      case 'randInt': return `{{ $randomNumber(${args[0]}, ${args[1]}) }}`;
      case 'randString': return `{{ $randomString(${args[0]}) }}`;
      case 'var': return `{{ ${args[0]} }}`;
      case 'uuid':
        note('{{uuid}}: Artillery has no UUID function; written as {{ $randomString(36) }}');
        return '{{ $randomString(36) }}';
      default:
        note(`{{${p.words.join(' ')}}}: no Artillery counterpart (iteration and VU numbers, dataset items); written as 0`);
        return '0';
    }
  }).join('');
}

/**
 * An Artillery template string in caplab syntax: `$randomNumber(a, b)`, `$randomString(n)` and
 * plain variables map; anything else (processor functions, `$env`) is noted and kept as text.
 */
export function fromArtilleryTemplate(source: string, note: (what: string) => void): string {
  return source.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, expr: string) => {
    let m = /^\$randomNumber\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/.exec(expr);
    if (m) return `{{randInt ${m[1]} ${m[2]}}}`;
    m = /^\$randomString\(\s*(\d+)?\s*\)$/.exec(expr);
    if (m) return `{{randString ${m[1] ?? 10}}}`;
    if (/^[A-Za-z_][\w-]*$/.test(expr)) return `{{var ${expr}}}`;
    note(`template ${whole}: no caplab counterpart; kept as literal text`);
    return whole.replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
  });
}
