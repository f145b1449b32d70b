/**
 * Which agent an ingress request is for. Two forms:
 *   Host `user-<owner>-<agent>.<domain>` (any path), the deployment form;
 *   path `/agents/<agent>/rest`, for loopback use, where the prefix is stripped (`/rest`).
 * Anything else is not tunnel traffic (the server's own routes, or 404).
 */
import { isValidAgentId, isValidOwner } from './agent-names.ts';

export interface HostRoute { owner: string; agentId: string }
export interface PathRoute { agentId: string; path: string }

/**
 * Parses a Host header against `domain`; the port and letter case are ignored. Null when the host
 * is not an agent host of this domain.
 */
export function parseAgentHost(host: string | undefined, domain: string): HostRoute | null {
  if (host === undefined) return null;
  let name = host.toLowerCase();
  const colon = name.lastIndexOf(':');
  if (colon !== -1 && !name.endsWith(']')) name = name.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  const suffix = `.${domain.toLowerCase()}`;
  if (!name.endsWith(suffix)) return null;
  const label = name.slice(0, -suffix.length);
  if (!label.startsWith('user-')) return null;
  const rest = label.slice('user-'.length);
  const dash = rest.indexOf('-');
  if (dash === -1) return null;
  const owner = rest.slice(0, dash);
  const agentId = rest.slice(dash + 1);
  return isValidOwner(owner) && isValidAgentId(agentId, owner) ? { owner, agentId } : null;
}

/**
 * Parses `/agents/<id>[/rest][?query]` into the agent id and the path the agent sees (`/rest?query`,
 * at least `/`). Null for any other path.
 */
export function parseAgentPath(url: string): PathRoute | null {
  if (!url.startsWith('/agents/')) return null;
  const afterPrefix = url.slice('/agents/'.length);
  const end = afterPrefix.search(/[/?]/);
  const agentId = end === -1 ? afterPrefix : afterPrefix.slice(0, end);
  if (!isValidAgentId(agentId)) return null;
  const rest = end === -1 ? '' : afterPrefix.slice(end);
  return { agentId, path: rest.startsWith('/') ? rest : `/${rest}` };
}
