/**
 * The API tier's view of the bridge tier: which bridges exist, which are draining, and which
 * bridge holds each agent's tunnel, fed by the bridges' reports. It is the API's only state, kept in
 * memory: one API replica, and a restarted API forgets it (bridges do not re-register). Seed 003
 * keeps it in Redis so several API replicas share it and survive restarts.
 */

export interface BridgeInfo {
  id: string; url: string; draining: boolean; agents: number;
  /** agents sent here whose tunnel is not up yet, so a burst of connecting agents spreads out */
  pending: number;
}

export class BridgeRegistry {
  private readonly bridges = new Map<string, BridgeInfo>();
  /** agent id -> bridge id holding its newest tunnel */
  private readonly agents = new Map<string, string>();
  migrated = 0;
  /** tunnels still on a bridge when it went for good (a drain that did not move them all) */
  lost = 0;

  register(id: string, url: string): void {
    const old = this.bridges.get(id);
    this.bridges.set(id, { id, url, draining: false, agents: old?.agents ?? 0, pending: 0 });
  }

  /** A bridge says it is draining: no agent is sent to it from now on. */
  drain(id: string): boolean {
    const b = this.bridges.get(id);
    if (!b) return false;
    b.draining = true;
    return true;
  }

  /** A bridge gone for good; the tunnels it still held are lost. */
  remove(id: string): void {
    this.bridges.delete(id);
    for (const [agent, bridge] of this.agents) if (bridge === id) { this.agents.delete(agent); this.lost++; }
  }

  /** An agent's tunnel is up on `bridgeId`; a tunnel moving off a draining bridge counts as migrated. */
  agentUp(agent: string, bridgeId: string): void {
    const previous = this.agents.get(agent);
    if (previous === bridgeId) return;
    if (previous !== undefined) {
      const p = this.bridges.get(previous);
      if (p) { p.agents--; if (p.draining) this.migrated++; }
    }
    this.agents.set(agent, bridgeId);
    const b = this.bridges.get(bridgeId);
    if (b) { b.agents++; b.pending = Math.max(0, b.pending - 1); }
  }

  /** An agent's tunnel on `bridgeId` closed; ignored if the agent has moved on already. */
  agentDown(agent: string, bridgeId: string): void {
    if (this.agents.get(agent) !== bridgeId) return;
    this.agents.delete(agent);
    const b = this.bridges.get(bridgeId);
    if (b) b.agents--;
  }

  /** The bridge holding the agent's tunnel, if any. */
  bridgeOf(agent: string): BridgeInfo | undefined {
    const id = this.agents.get(agent);
    return id === undefined ? undefined : this.bridges.get(id);
  }

  /** The least loaded bridge that is not draining (and not `exclude`). */
  assign(exclude?: string): BridgeInfo | undefined {
    let best: BridgeInfo | undefined;
    for (const b of this.bridges.values()) {
      if (b.draining || b.id === exclude) continue;
      if (!best || b.agents + b.pending < best.agents + best.pending) best = b;
    }
    if (best) best.pending++;
    return best;
  }

  list(): BridgeInfo[] { return [...this.bridges.values()]; }

  get agentCount(): number { return this.agents.size; }
}
