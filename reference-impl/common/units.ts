/**
 * Human units on a component's command line (`200ms`, `1KiB`). The harness has its own parsers in
 * harness/plan/units.ts; reference components may not import the harness (they are systems under
 * test, started as processes), so these small copies accept the same spellings.
 */
const DURATION_UNITS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `1m30s`, `250ms`, `1.5s` into milliseconds; a bare number is milliseconds; null when malformed. */
export function parseDuration(input: string): number | null {
  const s = input.trim();
  if (s === '') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    consumed = re.lastIndex;
  }
  return consumed === s.length ? total : null;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3,
};

/** Parses `512`, `64KiB`, `1Mi`, `1.5KB` into whole bytes; null when malformed. */
export function parseBytes(input: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
  if (!m) return null;
  const mult = BYTE_UNITS[m[2]!.toLowerCase()];
  return mult === undefined ? null : Math.round(Number(m[1]) * mult);
}
