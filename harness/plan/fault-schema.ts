/**
 * The scenario's `faults:` list (issue 11): what to do to which component, and when.
 *
 *   faults:
 *     - { at: 10s, action: restart, component: tunnel, downFor: 2s,
 *         observe: { metric: tunnel_agents_connected, as: agents } }
 *
 * `at` is measured from the start of the measured run (after warm-up) and scaled by --time-scale
 * like `startTime`. Actions: `kill` (SIGKILL, stays down), `restart` (stop, stay down `downFor`,
 * start again on the same address), `drain` (SIGTERM: it drains and stays down), `sighup` (only for
 * components that handle it: Node's default action would kill the others), `delay` (`latency` added
 * on the replica's listener for `duration`) and `blackhole` (no answers for `duration`). Fields that
 * belong to one action are checked in `actionIssues`.
 */
import { z } from 'zod';
import { getExecutor } from '../executors/index.ts';
import type { Scenario } from './scenario-schema.ts';
import { duration } from './zod-units.ts';

export const FAULT_ACTIONS = ['kill', 'restart', 'drain', 'sighup', 'delay', 'blackhole'] as const;

/**
 * Reference components that handle SIGHUP (a config reload). The harness does not import
 * reference-impl/, so the list is kept here; a component that starts handling SIGHUP adds itself.
 */
export const HANDLES_SIGHUP: ReadonlySet<string> = new Set(['proxy']);
export type FaultAction = (typeof FAULT_ACTIONS)[number];

const PROMETHEUS_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const OBSERVATION_NAME = /^[a-z][a-zA-Z0-9]*$/;

const observeSchema = z.strictObject({
  metric: z.string().regex(PROMETHEUS_NAME, 'a Prometheus metric name, like `tunnel_agents_connected`').describe('a gauge on the component\'s Prometheus page; after the fault it is polled until it is back to its value before the fault'),
  component: z.string().optional().describe('component whose page to read (default: the faulted one)'),
  path: z.string().startsWith('/').default('/metrics').describe('path of the Prometheus text page'),
  as: z.string().regex(OBSERVATION_NAME, 'a camelCase name, like `agents`').optional().describe('name in the report\'s observations (default: the metric name): <as>Before, <as>Back, and <as>BackSeconds, counted from the component being ready again (restart) or the injection'),
}).describe('a gauge to watch recover after the fault');

export const faultSchema = z.strictObject({
  at: duration().describe('when to inject, measured from the start of the measured run (after warm-up); scaled by --time-scale'),
  action: z.enum(FAULT_ACTIONS).describe('kill: SIGKILL the replica and leave it down; restart: stop it, stay down `downFor`, start it again on the same port and wait for readiness; drain: SIGTERM, let it finish in-flight work, leave it down; sighup: send SIGHUP (components that reload on it, e.g. proxy); delay: add `latency` to every chunk both ways on its listener for `duration`; blackhole: no answers on its listener for `duration` (held bytes flow after)'),
  component: z.string().min(1).describe('a reference component of this scenario (by its name under `components:`)'),
  replica: z.number().int().min(0).default(0).describe('which replica, counting from 0'),
  downFor: duration().optional().describe('restart only: how long the replica stays down (default 0); scaled by --time-scale'),
  graceful: z.boolean().optional().describe('restart only: SIGTERM and let it drain instead of SIGKILL (default false)'),
  duration: duration().optional().describe('delay and blackhole: how long the fault lasts (required); scaled by --time-scale'),
  latency: duration().optional().describe('delay only: latency added to every chunk, both ways, on the replica\'s listener (required)'),
  observe: z.union([observeSchema, z.array(observeSchema)]).optional()
    .transform((o) => (o === undefined ? [] : Array.isArray(o) ? o : [o]))
    .describe('gauges to watch recover, e.g. { metric: tunnel_agents_connected, as: agents }'),
}).superRefine((f, ctx) => {
  for (const i of actionIssues(f)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
}).transform((f) => ({ ...f, downFor: f.downFor ?? 0, graceful: f.graceful ?? false, duration: f.duration ?? 0, latency: f.latency ?? 0 }))
  .describe('one fault: an action on a component at a time in the run');

export const faultsSchema = z.array(faultSchema).describe('faults to inject during the measured run (kill, restart, drain, sighup, delay, blackhole), each recorded in the report with its gap and recovery');

export type Fault = z.output<typeof faultSchema>;

interface FaultIssue { path: (string | number)[]; message: string }

/** Fields that belong to one action only. */
function actionIssues(f: { action: FaultAction; downFor?: number | undefined; graceful?: boolean | undefined; duration?: number | undefined; latency?: number | undefined }): FaultIssue[] {
  const issues: FaultIssue[] = [];
  const owners: Record<'downFor' | 'graceful' | 'duration' | 'latency', readonly FaultAction[]> = {
    downFor: ['restart'], graceful: ['restart'], duration: ['delay', 'blackhole'], latency: ['delay'],
  };
  for (const [key, actions] of Object.entries(owners) as [keyof typeof owners, readonly FaultAction[]][]) {
    if (f[key] !== undefined && !actions.includes(f.action)) {
      issues.push({ path: [key], message: `\`${key}\` belongs to action ${actions.join(' or ')}, not ${f.action}: remove it or use action: ${actions[0]}` });
    }
  }
  if ((f.action === 'delay' || f.action === 'blackhole') && f.duration === undefined) {
    issues.push({ path: ['duration'], message: `action ${f.action} needs \`duration\`: how long the fault lasts, e.g. duration: 5s` });
  }
  if (f.action === 'delay' && f.latency === undefined) {
    issues.push({ path: ['latency'], message: 'action delay needs `latency`: the time added on the listener, e.g. latency: 200ms' });
  }
  if (f.action === 'delay' && f.latency === 0) issues.push({ path: ['latency'], message: 'latency must be more than 0' });
  return issues;
}

/**
 * Checks that need the rest of the scenario: the component is a reference component caplab
 * starts (an external URL cannot be killed), the replica exists, and the fault (and a restart's
 * time down) lies within the measured run. Paths are relative to the scenario root.
 */
export function faultIssues(s: Pick<Scenario, 'components' | 'workloads'> & { faults: readonly Fault[] }): FaultIssue[] {
  const issues: FaultIssue[] = [];
  const reference = Object.entries(s.components).filter(([, c]) => c.component !== undefined).map(([name]) => name);
  const known = (name: string, path: (string | number)[]): boolean => {
    const c = s.components[name];
    if (c?.component !== undefined) return true;
    issues.push({
      path,
      message: c !== undefined
        ? `component "${name}" is an external url: faults act on reference components that caplab starts${reference.length ? ` (${reference.join(', ')})` : ''}`
        : `no component named "${name}"; ${reference.length ? `reference components are: ${reference.join(', ')}` : 'add it under `components:`'}`,
    });
    return false;
  };
  const runMs = Math.max(0, ...Object.values(s.workloads).map(scheduledEndMs));
  s.faults.forEach((f, i) => {
    const at = ['faults', i];
    if (known(f.component, [...at, 'component'])) {
      const replicas = s.components[f.component]!.replicas;
      if (f.replica >= replicas) issues.push({ path: [...at, 'replica'], message: `${f.component} has ${replicas} replica(s), numbered 0..${replicas - 1}` });
      const kind = s.components[f.component]!.component!;
      if (f.action === 'sighup' && !HANDLES_SIGHUP.has(kind)) {
        issues.push({ path: [...at, 'action'], message: `${f.component} (component ${kind}) does not handle SIGHUP, so the signal would kill it; components that reload on SIGHUP: ${[...HANDLES_SIGHUP].join(', ')} (use restart or kill to stop it)` });
      }
    }
    f.observe.forEach((o, j) => { if (o.component !== undefined) known(o.component, [...at, 'observe', j, 'component']); });
    if (f.at >= runMs) {
      issues.push({ path: [...at, 'at'], message: `at ${seconds(f.at)} is not within the measured run, which lasts ${seconds(runMs)}: a fault must happen while the load runs` });
    } else if (f.action === 'restart' && f.at + f.downFor >= runMs) {
      issues.push({ path: [...at, 'downFor'], message: `the restart would end at ${seconds(f.at + f.downFor)}, after the measured run (${seconds(runMs)}): nothing would measure the recovery` });
    } else if ((f.action === 'delay' || f.action === 'blackhole') && f.at + f.duration >= runMs) {
      issues.push({ path: [...at, 'duration'], message: `the ${f.action} would end at ${seconds(f.at + f.duration)}, after the measured run (${seconds(runMs)}): nothing would measure the recovery` });
    }
  });
  return issues;
}

/** When a workload stops starting iterations, ms since the run started (its graceful stop excluded). */
function scheduledEndMs(w: Scenario['workloads'][string]): number {
  const graceful = 'gracefulStop' in w && typeof w.gracefulStop === 'number' ? w.gracefulStop : 0;
  return w.startTime + getExecutor(w.executor).duration(w as never) - graceful;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
