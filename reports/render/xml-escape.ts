/**
 * Escaping for XML 1.0. Characters XML 1.0 cannot carry at all (C0 controls other than tab,
 * newline and carriage return, lone surrogates, U+FFFE/U+FFFF) are not even allowed as
 * character references, so they become visible `\u0001` text instead of breaking the parser.
 */

// Lone surrogates are matched pairwise-aware: a high not followed by a low, or a low not preceded by a high.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Escapes text content of an element. */
export function xmlText(s: string): string {
  return s.replace(FORBIDDEN, visible).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (double-quoted); tab, newline and CR become references so attribute normalisation keeps them. */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
