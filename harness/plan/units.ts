/**
 * Human units in scenario files: durations (`30s`, `1m30s`, `250ms`), rates (`1000/s`, `60/m`),
 * byte sizes (`64KiB`, `256Mi`) and percentages (`70%`). Each parser returns null on bad input so
 * the schema can report the field with its position instead of throwing.
 */
const DURATION_UNITS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `1h2m3s`, `250ms`, `1.5s` into milliseconds; a bare number is milliseconds. */
export function parseDuration(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : null;
  const s = input.trim();
  if (s === '') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    consumed = re.lastIndex;
  }
  return consumed === s.length ? total : null;
}

const RATE_UNITS: Record<string, number> = { ms: 1000, s: 1, m: 1 / 60, h: 1 / 3600 };

/** Parses `1000/s`, `60/m`, `5/100ms` into events per second; a bare number is per second. */
export function parseRate(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|h))?\s*$/.exec(input);
  if (!m) return null;
  const per = m[2] ? Number(m[2]) : 1;
  if (per === 0) return null;
  return (Number(m[1]) * RATE_UNITS[m[3] ?? 's']!) / per;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3,
};

/** Parses `512`, `64KiB`, `256Mi`, `1.5GB` into bytes (Kubernetes and IEC suffixes). */
export function parseBytes(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
  if (!m) return null;
  const mult = BYTE_UNITS[m[2]!.toLowerCase()];
  return mult === undefined ? null : Math.round(Number(m[1]) * mult);
}

/** Parses `70%` into 70, and a bare number as percent. */
export function parsePercent(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(input);
  return m ? Number(m[1]) : null;
}

/** Parses Kubernetes CPU quantities: `500m` = 0.5 cores, `2` = 2 cores. */
export function parseCpu(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : null;
  const m = /^\s*(\d+(?:\.\d+)?)(m?)\s*$/.exec(input);
  if (!m) return null;
  return m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
}
