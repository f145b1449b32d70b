/** The cost section of a capacity report: every tier (and the target) priced under one profile, and the seed 004 bar for connection services. */
import { HOURS_PER_MONTH, type ConnectionCostBar, type CostMethod, type CostSummary, type TierCost } from './cost-summary.ts';
import type { PricingProfile } from './pricing-profile.ts';
import { tierCost, type TierCostInput } from './tier-cost.ts';

/** Seed 004: "Cost per Connection: < $0.02/month". */
export const DEFAULT_CONNECTION_BAR = 0.02;
const BAR_SOURCE = 'seed 004 (scaling to 100k connections): cost per connection < $0.02/month';

export interface PricedTiers { summary: CostSummary; costs: Map<string, TierCost | null>; notes: string[] }

/** Prices tiers and the target; a tier no instance type can hold gets a null cost and a note. */
export function priceTiers(tiers: readonly TierCostInput[], target: TierCostInput | null, profile: PricingProfile, bar = DEFAULT_CONNECTION_BAR): PricedTiers {
  const notes: string[] = [];
  const costs = new Map<string, TierCost | null>();
  const price = (t: TierCostInput): TierCost | null => {
    const c = tierCost(t, profile);
    if (c === null) notes.push(`${t.tier}: no instance type of ${profile.name} holds one replica's requests; not priced`);
    costs.set(t.tier, c);
    return c;
  };
  const tierCosts = tiers.map(price).filter((c): c is TierCost => c !== null);
  const targetCost = target === null ? null : price(target);
  const method: CostMethod = profile.kind === 'per-resource' ? 'per-resource' : 'instance-bin-pack';
  const connections = [...tiers, ...(target ? [target] : [])].some((t) => t.unit === 'connections');
  const summary: CostSummary = {
    profile: { name: profile.name, description: profile.description, kind: profile.kind, spot: profile.spot, source: profile.source, asOf: profile.asOf, note: profile.note },
    method,
    methodDescription: describe(method),
    hoursPerMonth: HOURS_PER_MONTH,
    tiers: tierCosts,
    target: targetCost,
    connectionBar: connections ? connectionBar([...tierCosts, ...(targetCost ? [targetCost] : [])], bar) : null,
  };
  return { summary, costs, notes };
}

function describe(method: CostMethod): string {
  const formula = `OpenCost allocation: max(request, usage) × ${HOURS_PER_MONTH} h × rate`;
  return method === 'per-resource'
    ? `${formula}, at the profile's CPU core-hour and RAM GiB-hour rates`
    : `replicas packed by requests onto the cheapest instance type that fits; ${formula}, at the node price split by OpenCost's CPU:RAM ratio; the rest of the nodes is idle`;
}

/** Judges the worst per-connection cost against the bar. */
export function connectionBar(costs: readonly TierCost[], bar: number): ConnectionCostBar {
  let worst: number | null = null;
  let worstTier: string | null = null;
  for (const c of costs) {
    const v = c.unit.perConnectionMonth;
    if (v !== null && (worst === null || v > worst)) {
      worst = v;
      worstTier = c.tier;
    }
  }
  return { bar, worst, worstTier, level: worst === null ? 'no-data' : worst < bar ? 'good' : 'critical', source: BAR_SOURCE };
}
