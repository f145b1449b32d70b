/** The numbers every renderer shows for one component's resources, in the same order. */
import type { ComponentResources } from '../run-result.ts';
import { formatMiB, formatPercent } from './format.ts';

/** CPU avg, p95, max (% of one core) and RSS p95, max (MiB); `-` where nothing was sampled. */
export function resourceCells(c: ComponentResources): string[] {
  const cpu = c.cpu && c.cpu.count > 0 ? c.cpu : null;
  const mem = c.memory && c.memory.count > 0 ? c.memory : null;
  return [
    cpu ? formatPercent(cpu.mean) : '-',
    cpu ? formatPercent(cpu.p95) : '-',
    cpu ? formatPercent(cpu.max) : '-',
    mem ? formatMiB(mem.p95) : '-',
    mem ? formatMiB(mem.max) : '-',
  ];
}
