/** Plan components -> the provider's ComponentSpec list. */
import type { ComponentSpec } from '../../clusters/cluster.ts';
import type { Plan } from '../plan/plan.ts';

export function componentSpecs(plan: Plan): ComponentSpec[] {
  return Object.entries(plan.components).map(([name, c]) => {
    const spec: ComponentSpec = {
      name,
      flags: { ...c.flags },
      env: { ...c.env },
      replicas: c.replicas,
      readiness: { path: c.readiness.path, timeoutMs: c.readiness.timeout },
    };
    if (c.component !== undefined) spec.component = c.component;
    if (c.url !== undefined) spec.url = c.url;
    if (plan.faults.some((f) => f.component === name && (f.action === 'delay' || f.action === 'blackhole'))) spec.interpose = true;
    if (c.limits) {
      spec.limits = {};
      if (c.limits.cpu !== undefined) spec.limits.cpuCores = c.limits.cpu;
      if (c.limits.memory !== undefined) spec.limits.memoryBytes = c.limits.memory;
    }
    return spec;
  });
}
