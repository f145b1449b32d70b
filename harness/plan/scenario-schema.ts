/**
 * The scenario schema: the one definition that is the validator, the TypeScript type (`Scenario`)
 * and, through scripts/gen-scenario-json-schema.ts, the JSON Schema editors use
 * (scenarios/scenario.schema.json, checked for staleness in CI).
 */
import { z } from 'zod';
import { datasetsSchema } from '../drivers/http-dataset-schema.ts';
import { httpRequestSchema } from '../drivers/http-request-schema.ts';
import { k8sDriverSchema } from '../drivers/k8s-schema.ts';
import { artilleryEngineSchema } from '../engines/artillery-schema.ts';
import { autocannonSchema } from '../engines/autocannon-schema.ts';
import { scenarioEngineIssues, workloadEngineIssues } from '../engines/engine-rules.ts';
import { tcpDriverSchema } from '../drivers/tcp-schema.ts';
import { wsDriverSchema } from '../drivers/ws-schema.ts';
import { executorSchemas } from '../executors/index.ts';
import { thresholdsSchema } from '../thresholds/threshold-schema.ts';
import { componentSchema } from './component-schema.ts';
import { faultIssues, faultsSchema } from './fault-schema.ts';
import { duration, percent } from './zod-units.ts';

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const nameMessage = 'use lower-case letters, digits and dashes, like `echo-constant-rate`';

/** `thinkTime: 1s` or `{ min: 1s, max: 3s }`, as { min, max } in ms. */
const thinkTimeSchema = z
  .union([duration(), z.strictObject({ min: duration().describe('shortest pause'), max: duration().describe('longest pause') })])
  .transform((t) => (typeof t === 'number' ? { min: t, max: t } : t))
  .refine((t) => t.min <= t.max, 'thinkTime.min must not be above thinkTime.max');

/** Fields every workload has, whatever its executor. */
const workloadCommon = {
  http: httpRequestSchema.optional().describe('drive HTTP requests: one request, a weighted mix (`requests:`) or a sequence (`steps:`) per iteration'),
  tcp: tcpDriverSchema.optional().describe('drive bulk TCP transfers: connect, write `send` bytes, half-close, read the echo; throughput in tunnel_throughput'),
  ws: wsDriverSchema.optional().describe('drive a WebSocket realtime service: held connections subscribe to rooms, iterations publish (or ping); ws_* metrics, message_latency end to end'),
  k8s: k8sDriverSchema.optional().describe('create Kubernetes objects (custom resources) and watch them reconcile: reconcile_lag, for the reconcile-churn executor'),
  autocannon: autocannonSchema.optional().describe('executor: engine only: autocannon drives HTTP in its own closed model (connections, pipelining) for the workload\'s duration; latency from the actual send, not corrected for coordinated omission'),
  artillery: artilleryEngineSchema.optional().describe('executor: engine only: the artillery CLI runs your Artillery script against the target; its JSON report is judged by caplab'),
  workers: z.number().int().min(0).max(64).default(0).describe('worker threads generating this workload (0: the main thread); the rate and VUs are split between them and histograms merged exactly'),
  startTime: duration().default(0).describe('delay before this workload starts, from the start of the run'),
  tags: z.record(z.string(), z.string()).default({}).describe('extra tags on every sample of this workload'),
  thinkTime: thinkTimeSchema.optional().describe('closed model only (constant-vus, ramping-vus): each VU pauses this long after every iteration before its next, e.g. 1s, or uniform (seeded) within { min: 1s, max: 3s }, as locust\'s wait_time; the pause is not part of iteration_duration'),
};

const DRIVER_KEYS = ['http', 'tcp', 'k8s', 'ws', 'autocannon', 'artillery'] as const;

const [firstExecutor, ...moreExecutors] = executorSchemas.map((s) => s.extend(workloadCommon));

export const workloadSchema = z
  .discriminatedUnion('executor', [firstExecutor!, ...moreExecutors])
  .superRefine((w, ctx) => {
    const drivers = DRIVER_KEYS.filter((k) => (w as Record<string, unknown>)[k] !== undefined);
    if (drivers.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a workload needs exactly one driver block (${DRIVER_KEYS.join(', ')}); it has ${drivers.length === 0 ? 'none' : drivers.join(' and ')}` });
    }
    if (w.executor === 'capacity-sweep' && w.workers > 0) {
      ctx.addIssue({ code: 'custom', path: ['workers'], message: 'a capacity-sweep runs in the main thread (it picks each step from the run\'s verdicts); remove `workers`' });
    }
    for (const i of workloadEngineIssues(w as Record<string, unknown>)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  })
  .describe('one workload: an executor (when iterations start) and a driver block (what an iteration does)');

export const generatorLimitsSchema = z.strictObject({
  maxScheduleLagP99: duration().default(20).describe('if open-model iterations start later than this (p99), the generator was the bottleneck and the run is invalid'),
  maxCpu: percent().default(95).describe('generator CPU (percent of one core per generating thread, p95) above which the run is invalid'),
  maxEventLoopLagP99: duration().default(50).describe('generator event-loop delay (p99) above which the run is invalid'),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path of scenario.schema.json, for editors'),
    name: z.string().regex(NAME, nameMessage).describe('scenario name; used in run directory names and reports'),
    seed: z.number().int().min(0).max(2 ** 53 - 1).default(1).describe('seed of every random choice (templates like {{randInt}}, request-mix picks, think time); the same seed makes the same choices'),
    description: z.string().optional().describe('what this scenario answers'),
    cluster: z.enum(['local', 'kind', 'k3s', 'kubeconfig']).default('local').describe('where components run (overridden by --cluster)'),
    components: z.record(z.string().regex(NAME, nameMessage), componentSchema).default({}).describe('the systems under test, by name'),
    datasets: datasetsSchema.default({}).describe('data made before warm-up by setup requests (e.g. WAVs from the service\'s own /encode), sent by workloads with { dataset: NAME }'),
    workloads: z.record(z.string().regex(NAME, nameMessage), workloadSchema).refine((w) => Object.keys(w).length > 0, 'a scenario needs at least one workload').describe('load to drive, by name; workloads run concurrently'),
    thresholds: thresholdsSchema.default({}).describe('Good/Warning/Critical thresholds by metric (with optional {tag:value} filter)'),
    thresholdProfile: z.enum(['seed-000', 'none']).default('seed-000').describe('default thresholds for metrics the scenario does not judge itself (seed 000 table)'),
    generator: generatorLimitsSchema.default({ maxScheduleLagP99: 20, maxCpu: 95, maxEventLoopLagP99: 50 }).describe('when the load generator counts as the bottleneck'),
    sampleInterval: duration().default(1000).describe('how often component CPU/memory are sampled'),
    warmup: duration().default(2000).describe('run each workload\'s own schedule this long before measuring, unrecorded, so JIT compilation, the first GC and connection set-up are not measured (0 to measure from the first request)'),
    faults: faultsSchema.default([]).describe('faults to inject during the measured run (kill, restart of a component replica), recorded with their gap and recovery'),
  })
  .superRefine((s, ctx) => { for (const i of [...faultIssues(s), ...scenarioEngineIssues(s)]) ctx.addIssue({ code: 'custom', path: i.path, message: i.message }); })
  .describe('a caplab scenario: components to deploy, workloads to drive, thresholds to judge');

/** A scenario as written (input) and as validated (output, units parsed, defaults filled). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type Workload = z.output<typeof workloadSchema>;
