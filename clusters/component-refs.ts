/**
 * Components that name each other: in a component's `flags` and `env` values, `{{endpoint NAME}}`
 * is NAME's base URL (`http://127.0.0.1:PORT`) and `{{hostport NAME}}` its `127.0.0.1:PORT`. Ports
 * are only known once NAME listens, so a provider deploys the referenced components first
 * (`deployOrder`) and fills the values in just before it starts the referencing one (`resolveRefs`).
 * The scenario loader uses `componentRefs` and `refCycle` on the raw document to report an unknown
 * name or a cycle at its position before anything starts.
 */

/** `{{endpoint NAME}}` or `{{hostport NAME}}`, with optional spaces inside the braces. */
const REF = /\{\{\s*(endpoint|hostport)\s+([^\s{}]+)\s*\}\}/g;

export type RefKind = 'endpoint' | 'hostport';

export interface ComponentRef {
  kind: RefKind;
  /** the component it names */
  name: string;
  /** where the reference sits in the component: `['flags', key]` or `['env', key]` */
  path: ['flags' | 'env', string];
}

type Values = Readonly<Record<string, unknown>> | null | undefined;

/** Every reference in a component's flags and env, in document order (non-string values hold none). */
export function componentRefs(flags: Values, env: Values): ComponentRef[] {
  const refs: ComponentRef[] = [];
  for (const [field, values] of [['flags', flags], ['env', env]] as const) {
    for (const [key, value] of Object.entries(values ?? {})) {
      if (typeof value !== 'string') continue;
      for (const m of value.matchAll(REF)) refs.push({ kind: m[1] as RefKind, name: m[2]!, path: [field, key] });
    }
  }
  return refs;
}

/**
 * A cycle among the components' references, as the names along it with the first repeated at the
 * end (`['a', 'b', 'a']`), or null. References to names outside `deps` are ignored here: they are
 * the unknown-name check's business.
 */
export function refCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      if (!deps.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of deps.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * The components in waves: every component's references are in earlier waves, and each wave's
 * members are independent of each other so they can start together. Throws on a cycle (callers
 * validate first; this is the backstop). Names outside `deps` count as already there.
 */
export function deployOrder(deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycle = refCycle(deps);
  if (cycle) throw new Error(`components reference each other in a cycle: ${cycle.join(' -> ')}`);
  const placed = new Set<string>();
  const waves: string[][] = [];
  while (placed.size < deps.size) {
    const wave = [...deps.keys()].filter((n) => !placed.has(n) && (deps.get(n) ?? []).every((d) => placed.has(d) || !deps.has(d)));
    wave.forEach((n) => placed.add(n));
    waves.push(wave);
  }
  return waves;
}

/** `http://127.0.0.1:8080/` -> `127.0.0.1:8080` (the default port filled in, so it is always there). */
export function hostPortOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.hostname}:${port}`;
}

/**
 * Fills every reference in `value` from `endpoints` (name -> base URL). The endpoint form has no
 * trailing slash, so `{{endpoint x}}/path` reads naturally. Throws on a name it does not know.
 */
export function resolveRefs(value: string, endpoints: Readonly<Record<string, string>>): string {
  return value.replace(REF, (_all, kind: RefKind, name: string) => {
    const url = endpoints[name];
    if (url === undefined) throw new Error(`{{${kind} ${name}}}: no component named '${name}' is deployed`);
    return kind === 'hostport' ? hostPortOf(url) : url.replace(/\/+$/, '');
  });
}

/** A flags or env record with every string value resolved; other values pass through. */
export function resolveAll<V extends string | number | boolean>(values: Readonly<Record<string, V>>, endpoints: Readonly<Record<string, string>>): Record<string, V> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? resolveRefs(v, endpoints) as V : v]));
}
