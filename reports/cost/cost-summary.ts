/**
 * The cost section of a CapacityReport: OpenCost's allocation method (cost = max(request, usage)
 * × hours × rate, 730 hours a month), with idle capacity shown apart from what was allocated.
 */
import type { PricingProfile } from './pricing-profile.ts';

/** What a cost summary says of its pricing profile: everything but the rate tables. */
export type PricedProfile = Omit<PricingProfile, 'rates' | 'instances'>;

/** OpenCost's month. */
export const HOURS_PER_MONTH = 730;

/**
 * - `per-resource`: allocation × the profile's CPU core-hour and RAM GiB-hour rates, no nodes;
 * - `instance-bin-pack`: replicas packed onto the cheapest fitting instance type; a node's price is split
 *   into CPU and RAM rates by OpenCost's default CPU:RAM ratio, allocation charged at those, the rest is idle.
 */
export type CostMethod = 'per-resource' | 'instance-bin-pack';

/** Dollars per unit of load, for comparing tiers and against the seed 004 bar. */
export interface UnitCosts {
  /** connection services: dollars per connection per month */
  perConnectionMonth: number | null;
  /** connection services: dollars per 1,000 connections per month */
  per1kConnectionsMonth: number | null;
  /** request services: dollars per million requests at the tier's load held all month */
  perMillionRequests: number | null;
}

export interface TierCost {
  tier: string;
  method: CostMethod;
  replicas: number;
  /** Σ max(request, usage) over replicas */
  allocatedCpuCores: number;
  allocatedMemoryBytes: number;
  /** dollars per month */
  cpuMonth: number;
  memoryMonth: number;
  /** cpuMonth + memoryMonth */
  allocationMonth: number;
  /** instance method: nodes' price minus allocation; per-resource: requested but unused (request − usage) */
  idleMonth: number;
  /** what idleMonth means for this method, one sentence */
  idleMeaning: string;
  /** what the tier costs a month: allocation + idle for instances (you pay the nodes), allocation for per-resource */
  totalMonth: number;
  /** instance method: the nodes */
  nodes: { instanceType: string; count: number; hourly: number; replicasPerNode: number } | null;
  unit: UnitCosts;
}

/** The seed 004 bar (< $0.02 per connection per month), judged on the worst tier. */
export interface ConnectionCostBar {
  /** dollars per connection per month */
  bar: number;
  /** the highest per-connection cost among the tiers (and the target); null when none has connections */
  worst: number | null;
  worstTier: string | null;
  level: 'good' | 'critical' | 'no-data';
  source: string;
}

export interface CostSummary {
  /** the profile as priced with, without its rate tables */
  profile: PricedProfile;
  method: CostMethod;
  /** the formula in words, for the report */
  methodDescription: string;
  hoursPerMonth: number;
  tiers: TierCost[];
  target: TierCost | null;
  /** present for connection services */
  connectionBar: ConnectionCostBar | null;
}
