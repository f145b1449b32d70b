/** Test helper: the first line of `text` that holds every needle, in order; fails the test if none does. */
import assert from 'node:assert/strict';

export function lineWith(text: string, ...needles: string[]): string {
  const found = text.split('\n').find((line) => {
    let from = 0;
    for (const n of needles) {
      const at = line.indexOf(n, from);
      if (at < 0) return false;
      from = at + n.length;
    }
    return true;
  });
  assert.ok(found !== undefined, `no line holds ${needles.map((n) => JSON.stringify(n)).join(' then ')} in:\n${text}`);
  return found;
}

/** Removes ANSI SGR sequences. */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
