/**
 * Escaping for report.html. Everything that comes from a RunResult (scenario names, threshold keys,
 * error messages, hostnames) is text, never markup: it goes through `escapeHtml` into element
 * content or attribute values, or through `jsonForScript` into an inline `<script>` block.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON safe inside `<script type="application/json">`: `<` becomes `\u003c` so no string in the
 * data can close the script element (`</script>`) or open an HTML comment (`<!--`); U+2028/2029
 * are escaped too, so the text is also a valid JavaScript literal.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A script's source ready to inline. Minified library builds are trusted, but one that contained
 * `</script` or `<!--` would end or change the element; refuse it instead of emitting a broken page.
 */
export function inlineScriptSource(name: string, source: string): string {
  if (/<\/script|<!--/i.test(source)) throw new Error(`${name} contains "</script" or "<!--" and cannot be inlined into report.html`);
  return source;
}
