/**
 * Default base URLs for exported scripts. Another tool does not start caplab's components, so a
 * reference component gets a local address the user is told to serve it on; an external
 * component keeps its URL, and a URL target is itself.
 */
import type { Plan } from '../plan/plan.ts';

/** The base URL an exported script uses for `target` when no environment variable overrides it. */
export function targetDefaults(plan: Plan, target: string): string {
  const c = plan.components[target];
  if (c === undefined) return target;
  if (c.url !== undefined) return c.url.replace(/\/+$/, '');
  return 'http://127.0.0.1:8080';
}
