/**
 * Deployment tiers in the seeds' shape (seed 000: small / medium / large, each with per-replica
 * requests and limits, replicas, and cluster totals; seed 004: connections, instances, CPU and
 * memory per instance, cost per month). The default loads follow seed 004's stages for connection
 * services (1k, 10k, 100k connections) and the same decades for request services (100, 1,000 and
 * 10,000 requests/s: seed 000 gives agent counts, not rates, so the decades are our reading).
 */
import type { ComponentFit, LoadUnit, ReplicaCapacity, ResourceRecommendation, TierSizing, TierSpec } from './capacity-report.ts';
import { CapacityOptionError } from './capacity-option-error.ts';
import { predict } from './linear-fit.ts';

export const DEFAULT_TIERS: Record<LoadUnit, readonly TierSpec[]> = {
  connections: [{ name: 'small', load: 1_000 }, { name: 'medium', load: 10_000 }, { name: 'large', load: 100_000 }],
  'requests/s': [{ name: 'small', load: 100 }, { name: 'medium', load: 1_000 }, { name: 'large', load: 10_000 }],
};

/** `--tiers seed-004`: the connection counts of seed 004's benchmark table. */
export const SEED_004_TIERS: readonly TierSpec[] = [
  { name: '1k', load: 1_000 }, { name: '10k', load: 10_000 }, { name: '50k', load: 50_000 }, { name: '100k', load: 100_000 },
];

/** The default tiers for a unit. */
export function defaultTiers(unit: LoadUnit): TierSpec[] {
  return DEFAULT_TIERS[unit].map((t) => ({ ...t }));
}

/**
 * Parses `--tiers`: comma-separated names of default tiers (`small,large`) or `name=load` pairs
 * (`edge=500,core=20k`, load in the report's unit; `k`/`m` suffixes and a trailing `/s` allowed),
 * or `seed-004` for connections: seed 004's 1k, 10k, 50k and 100k rows.
 * Throws a CapacityOptionError whose message names the bad part and the choices.
 */
export function parseTiers(spec: string, unit: LoadUnit): TierSpec[] {
  if (spec.trim() === 'seed-004') {
    if (unit !== 'connections') throw new CapacityOptionError('--tiers seed-004 is seed 004\'s connection counts (1k, 10k, 50k, 100k): it sizes a connection sweep, and this one is in requests/s');
    return SEED_004_TIERS.map((t) => ({ ...t }));
  }
  const defaults = defaultTiers(unit);
  const parts = spec.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw new CapacityOptionError('--tiers is empty: give tier names (small,medium,large) or name=load pairs (edge=500)');
  const tiers = parts.map((part) => {
    const eq = part.indexOf('=');
    if (eq === -1) {
      const t = defaults.find((d) => d.name === part);
      if (!t) throw new CapacityOptionError(`unknown tier "${part}": the default tiers are ${defaults.map((d) => d.name).join(', ')}${unit === 'connections' ? ' (or seed-004 alone)' : ''}; or write name=load, e.g. ${part}=5000`);
      return t;
    }
    const name = part.slice(0, eq).trim();
    const load = parseLoad(part.slice(eq + 1));
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new CapacityOptionError(`tier name "${name}" must be letters, digits, '-', '_' or '.'`);
    if (load === null) throw new CapacityOptionError(`tier "${part}": the load must be a positive number, e.g. ${name}=5000 or ${name}=10k`);
    return { name, load };
  });
  const names = new Set<string>();
  for (const t of tiers) {
    if (names.has(t.name)) throw new CapacityOptionError(`tier "${t.name}" is given twice in --tiers`);
    names.add(t.name);
  }
  return tiers;
}

/** A load such as `10000`, `10k`, `1.5m`, `10000/s`; null when not a positive finite number. */
export function parseLoad(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([kKmM]?)\s*(?:\/s|\/?conn(?:ections)?)?\s*$/.exec(text);
  if (!m) return null;
  const v = Number(m[1]) * (m[2] === 'k' || m[2] === 'K' ? 1e3 : m[2] === 'm' || m[2] === 'M' ? 1e6 : 1);
  return Number.isFinite(v) && v > 0 ? v : null;
}

export interface TierInputs {
  capacity: ReplicaCapacity;
  /** requests and limits for a replica carrying the given load (per replica) */
  recommendAt: (loadPerReplica: number) => ResourceRecommendation | null;
  fit: ComponentFit;
  headroom: number;
  /** the most load per replica measured in a Good step */
  measuredMaxPerReplica: number;
}

/** Replicas a load needs: ceil(load / per-replica capacity), at least 1, plus the headroom (N+1 adds 1). */
export function replicasFor(load: number, perReplica: number, headroom: number): { needed: number; replicas: number } {
  const needed = Math.max(1, Math.ceil(load / perReplica - 1e-9));
  return { needed, replicas: needed + headroom };
}

/**
 * Sizes one tier; null when capacity is unknown. Requests are set for the load a replica carries
 * once the spare replicas are gone (load / replicas needed), so a tier survives losing its headroom,
 * and a small tier does not reserve what only a full replica uses.
 */
export function sizeTier(spec: TierSpec, i: TierInputs): Omit<TierSizing, 'cost'> | null {
  const per = i.capacity.load;
  if (per === null || per <= 0) return null;
  const { needed, replicas } = replicasFor(spec.load, per, i.headroom);
  const loadPerReplica = spec.load / replicas;
  const r = i.recommendAt(Math.min(per, spec.load / needed));
  if (r === null) return null;
  const cpu = predict(i.fit.cpuCores, loadPerReplica);
  const mem = predict(i.fit.memoryBytes, loadPerReplica);
  return {
    name: spec.name,
    load: spec.load,
    replicas,
    replicasNeeded: needed,
    loadPerReplica,
    requests: { cpuCores: r.cpuRequestCores, memoryBytes: r.memoryRequestBytes },
    limits: { cpuCores: r.cpuLimitCores, memoryBytes: r.memoryLimitBytes },
    totals: { cpuCores: r.cpuRequestCores * replicas, memoryBytes: r.memoryRequestBytes * replicas },
    predictedUsage: { cpuCores: cpu === null ? null : Math.max(0, cpu), memoryBytes: mem === null ? null : Math.max(0, mem) },
    extrapolated: i.capacity.extrapolated || loadPerReplica > i.measuredMaxPerReplica * 1.0001,
  };
}
