/**
 * The agents connected now, by id. An id belongs to one owner at a time: while an agent of owner A
 * is connected as `x`, owner B cannot connect as `x` (409). The same agent connecting again (a
 * reconnect, a token refresh) replaces its old link, which is then retired by the caller.
 */
import type { AgentLink } from './agent-link.ts';
import type { Identity } from './agent-names.ts';

export type Admission = 'ok' | 'full' | 'conflict';

export class AgentRegistry {
  private readonly links = new Map<string, AgentLink>();

  constructor(private readonly maxAgents: number) {}

  /** Whether `identity` may connect now; asked before the WebSocket upgrade completes. */
  admit(identity: Identity): Admission {
    const current = this.links.get(identity.id);
    if (current !== undefined) return current.identity.owner === identity.owner ? 'ok' : 'conflict';
    return this.links.size >= this.maxAgents ? 'full' : 'ok';
  }

  /** Registers a link; returns the link it replaced, if any, for the caller to retire. */
  add(link: AgentLink): AgentLink | undefined {
    const previous = this.links.get(link.identity.id);
    this.links.set(link.identity.id, link);
    return previous;
  }

  /** Forgets `link` if it is still the current one for its id. */
  remove(link: AgentLink): void {
    if (this.links.get(link.identity.id) === link) this.links.delete(link.identity.id);
  }

  /** The current link of an agent id. */
  get(id: string): AgentLink | undefined {
    return this.links.get(id);
  }

  get size(): number {
    return this.links.size;
  }

  all(): AgentLink[] {
    return [...this.links.values()];
  }
}
