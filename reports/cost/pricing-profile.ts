/**
 * Pricing profiles: dated data files in reports/cost/pricing/, each naming where its prices
 * came from. `<name>-spot` selects a file's spot prices. Validated with zod, so a hand-edited
 * file fails with every problem listed instead of a NaN in a cost table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export type PricingKind = 'per-resource' | 'instance';

const rates = z.object({
  /** dollars per vCPU core-hour */
  cpuCoreHour: z.number().positive(),
  /** dollars per GiB-hour of RAM */
  ramGiBHour: z.number().positive(),
}).strict();

const instance = z.object({
  type: z.string().min(1),
  vcpu: z.number().positive(),
  memoryGiB: z.number().positive(),
  /** on-demand dollars per hour */
  hourly: z.number().positive(),
  /** spot/preemptible dollars per hour, when the file has them */
  spotHourly: z.number().positive().optional(),
}).strict();

export const pricingFileSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  currency: z.literal('USD'),
  /** where the prices come from (URL) */
  source: z.string().url(),
  /** the date the prices were read, YYYY-MM-DD */
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** caveats: figures not confirmed, what spot means here */
  note: z.string().optional(),
  kind: z.enum(['per-resource', 'instance']),
  /** per-resource profiles: the rates; instance profiles: the CPU:RAM ratio that splits a node's price (OpenCost's defaults) */
  rates,
  spotRates: rates.optional(),
  instances: z.array(instance).optional(),
}).strict().superRefine((f, ctx) => {
  if (f.kind === 'instance' && (f.instances === undefined || f.instances.length === 0)) {
    ctx.addIssue({ code: 'custom', path: ['instances'], message: 'an instance profile needs at least one instance type' });
  }
});

export type PricingFile = z.infer<typeof pricingFileSchema>;

/** A profile ready to price with: on-demand or spot resolved. */
export interface PricingProfile {
  name: string;
  description: string;
  kind: PricingKind;
  spot: boolean;
  source: string;
  asOf: string;
  note: string | null;
  /** per-resource rates, or the CPU:RAM split ratio for instance profiles */
  rates: { cpuCoreHour: number; ramGiBHour: number };
  instances: { type: string; vcpu: number; memoryGiB: number; hourly: number }[];
}

/** Thrown for an unknown profile name or an invalid pricing file; the CLI maps it to a usage error. */
export class PricingProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PricingProfileError';
  }
}

export const PRICING_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pricing');
export const DEFAULT_PRICING = 'opencost-default';

/** Profile names available in `dir`: each file's name, plus `<name>-spot` when it has spot prices. */
export function knownPricingProfiles(dir: string = PRICING_DIR): string[] {
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const f = readPricingFile(path.join(dir, file));
    names.push(f.name);
    if (hasSpot(f)) names.push(`${f.name}-spot`);
  }
  return names;
}

/** Loads a profile by name (`aws-us-east-1`, `aws-us-east-1-spot`, ...). */
export function loadPricingProfile(name: string, dir: string = PRICING_DIR): PricingProfile {
  const spot = name.endsWith('-spot');
  const base = spot ? name.slice(0, -'-spot'.length) : name;
  const unknown = (): PricingProfileError => new PricingProfileError(`unknown pricing profile "${name}"; known profiles: ${knownPricingProfiles(dir).join(', ')}`);
  // A name is a file name in dir, never a path.
  if (!/^[a-z0-9-]+$/.test(base)) throw unknown();
  const file = path.join(dir, `${base}.json`);
  let f: PricingFile;
  try {
    f = readPricingFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw unknown();
    throw err;
  }
  if (f.name !== base) throw new PricingProfileError(`${file} declares name "${f.name}", expected "${base}" (the file name)`);
  if (spot && !hasSpot(f)) {
    throw new PricingProfileError(`pricing profile "${base}" has no spot prices; known profiles: ${knownPricingProfiles(dir).join(', ')}`);
  }
  return {
    name,
    description: spot ? `${f.description} (spot)` : f.description,
    kind: f.kind,
    spot,
    source: f.source,
    asOf: f.asOf,
    note: f.note ?? null,
    rates: spot && f.kind === 'per-resource' && f.spotRates ? f.spotRates : f.rates,
    instances: (f.instances ?? []).map((i) => ({ type: i.type, vcpu: i.vcpu, memoryGiB: i.memoryGiB, hourly: spot ? i.spotHourly ?? i.hourly : i.hourly })),
  };
}

function hasSpot(f: PricingFile): boolean {
  return f.kind === 'per-resource' ? f.spotRates !== undefined : (f.instances ?? []).every((i) => i.spotHourly !== undefined);
}

/** Reads and validates one pricing file; an invalid file lists every problem. */
export function readPricingFile(file: string): PricingFile {
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PricingProfileError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = pricingFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new PricingProfileError(`${file} is not a valid pricing profile:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
