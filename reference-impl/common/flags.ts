/**
 * Command-line flags of a reference component: `--name value`, `--name=value`, bare `--name` for
 * booleans. Every mistake (unknown flag, missing or malformed value, stray argument) is reported
 * with the flag's name and what it expects, because these processes are usually started by a
 * harness whose user only sees the error text.
 */
import { parseBytes, parseDuration } from './units.ts';
import { UsageError } from './usage-error.ts';

export type FlagKind = 'string' | 'integer' | 'duration' | 'bytes' | 'boolean';

export interface FlagSpec {
  kind: FlagKind;
  help: string;
  /** written as a user would type it, so `--help` shows it verbatim; absent = optional, undefined */
  default?: string;
}

/** Flag specs keyed by camelCase option name; the flag on the command line is its kebab-case form. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<K extends FlagKind> = K extends 'string' ? string : K extends 'boolean' ? boolean : number;

/** The typed options a FlagSpecs parses into; flags without a default may be undefined. */
export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]: S[K] extends { default: string } ? ValueOf<S[K]['kind']> : ValueOf<S[K]['kind']> | undefined;
};

/** Flags every component takes; components are started with `--port 0` so the OS picks a free port. */
export const COMMON_FLAGS = {
  port: { kind: 'integer', default: '8080', help: 'TCP port to listen on (0 = any free port)' },
  host: { kind: 'string', default: '127.0.0.1', help: 'address to listen on' },
  drainTimeout: { kind: 'duration', default: '10s', help: 'on SIGTERM/SIGINT, how long in-flight requests may take to finish' },
} as const satisfies FlagSpecs;

/** `responseSize` -> `response-size`. */
export function flagName(optionName: string): string {
  return optionName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Parses argv against the specs; `context` (e.g. "component echo") prefixes every error message. */
export function parseFlags<S extends FlagSpecs>(specs: S, argv: readonly string[], context: string): ParsedFlags<S> {
  const byFlag = new Map<string, string>();
  for (const key of Object.keys(specs)) byFlag.set(flagName(key), key);
  const known = () => [...byFlag.keys()].map((f) => `--${f}`).join(', ');
  const raw = new Map<string, string>();

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError('bad-flag', `${context}: unexpected argument '${arg}'; flags look like --name value (known flags: ${known()})`);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const key = byFlag.get(name);
    if (key === undefined) throw new UsageError('bad-flag', `${context}: unknown flag --${name} (known flags: ${known()})`);
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else if (specs[key]!.kind === 'boolean') {
      value = 'true';
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError('bad-flag', `${context}: flag --${name} needs a value (${describeKind(specs[key]!.kind)})`);
      value = next;
      i++;
    }
    // the last occurrence wins, as in most CLIs, so a launcher can append overrides such as --port 0
    raw.set(key, value);
  }

  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const text = raw.get(key) ?? spec.default;
    out[key] = text === undefined ? undefined : convert(spec.kind, text, `${context}: flag --${flagName(key)}`);
  }
  return out as ParsedFlags<S>;
}

/** One line per flag, for `--help` output. */
export function describeFlags(specs: FlagSpecs): string[] {
  return Object.entries(specs).map(([key, spec]) => {
    const left = `--${flagName(key)}${spec.kind === 'boolean' ? '' : ` <${spec.kind}>`}`;
    const def = spec.default === undefined ? '' : ` (default ${spec.default})`;
    return `  ${left.padEnd(26)} ${spec.help}${def}`;
  });
}

function describeKind(kind: FlagKind): string {
  switch (kind) {
    case 'string': return 'a string';
    case 'integer': return 'a whole number';
    case 'duration': return 'a duration like 200ms or 1.5s';
    case 'bytes': return 'a size like 64, 1KiB or 2Mi';
    case 'boolean': return 'true or false';
  }
}

function convert(kind: FlagKind, text: string, where: string): string | number | boolean {
  let value: string | number | boolean | null;
  switch (kind) {
    case 'string': value = text; break;
    case 'integer': value = /^\s*\d+\s*$/.test(text) ? Number(text) : null; break;
    case 'duration': value = parseDuration(text); break;
    case 'bytes': value = parseBytes(text); break;
    case 'boolean': value = text === 'true' ? true : text === 'false' ? false : null; break;
  }
  if (value === null) throw new UsageError('bad-flag', `${where} expects ${describeKind(kind)}, got '${text}'`);
  return value;
}
