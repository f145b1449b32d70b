/**
 * RunResult: everything one run produced, as versioned JSON. It is the only input of every
 * renderer, of the capacity and cost models and of baseline comparison, so `caplab report
 * result.json` can re-render any old run. Bump RUN_RESULT_SCHEMA_VERSION on any breaking change.
 * This file imports nothing: reports/ never reaches back into the harness.
 */
export const RUN_RESULT_SCHEMA_VERSION = 1 as const;

/** Level one threshold reached. `no-data` means the metric had no samples: never silently Good. */
export type Level = 'good' | 'warning' | 'critical' | 'no-data';

/** Verdict of a whole run. `invalid`: the load generator was the bottleneck; `aborted`: stopped early. */
export type Verdict = 'good' | 'warning' | 'critical' | 'invalid' | 'aborted';

/** Units a metric can carry; trends of time are always milliseconds. */
export type MetricUnit = 'ms' | 'percent' | 'bytes' | 'count' | 'bytes/s';

export interface TrendSummary {
  type: 'trend';
  unit: MetricUnit;
  count: number;
  min: number;
  max: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  /** HDR histogram, compressed base64 (hdr-histogram-js), so results merge exactly later. */
  hdr: string;
  /** Multiply recorded values by this to get the HDR integer scale (1000 for ms: µs resolution). */
  hdrScale: number;
}
export interface CounterSummary { type: 'counter'; unit: MetricUnit; count: number; /** per second over the run */ rate: number }
export interface RateSummary { type: 'rate'; /** fraction of true samples, 0..1 */ rate: number; passes: number; total: number }
export interface GaugeSummary { type: 'gauge'; unit: MetricUnit; value: number; min: number; max: number }
export type MetricSummary = TrendSummary | CounterSummary | RateSummary | GaugeSummary;

/** One second (or one window) of a metric. Trends fill the percentiles; counters the count; rates passes/total; gauges value. */
export interface SeriesPoint {
  /** seconds since the run started, at the end of the window */
  t: number;
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
  passes?: number;
  value?: number;
}

export interface ThresholdResult {
  /** metric name plus tag filter as written, e.g. `http_req_duration{name:encode}` */
  key: string;
  metric: string;
  filter: Record<string, string>;
  /** statistic as written in the grammar, e.g. `p(95)`, `rate`, `avg` */
  stat: string;
  /** sliding window in seconds when the threshold is judged over the last N seconds only */
  windowSeconds?: number;
  /** condition for Good, e.g. `< 100ms` */
  good: string;
  /** condition for Warning; when absent anything not Good is Critical */
  warning?: string;
  value: number | null;
  unit: MetricUnit | 'fraction';
  level: Level;
  /** where the line came from: the scenario file or the default profile (seed 000's table) */
  source: 'scenario' | 'default-profile';
  abortOnCritical: boolean;
}

export interface CheckResult { name: string; passes: number; fails: number }

export interface WorkloadResult {
  name: string;
  executor: string;
  /** offered load the plan asked for, iterations per second (open model), when it has one */
  targetRate?: number;
  /** iterations actually started per second */
  achievedRate: number;
  iterations: number;
  droppedIterations: number;
  durationSeconds: number;
  maxVUs?: number;
}

export interface ComponentResources {
  component: string;
  pids: number[];
  /** CPU in percent of one core (100 = one full core), all replicas summed, sampled every second */
  cpu: TrendSummary | null;
  /** resident set size in bytes, all replicas summed */
  memory: TrendSummary | null;
  /** per replica, as a pod's limits */
  limits?: { cpuCores?: number; memoryBytes?: number };
  /** all replicas summed (divide by pids.length for the mean replica) */
  samples: { t: number; cpuPercent: number; rssBytes: number }[];
  /** why sampling was unavailable, when it was */
  unavailable?: string;
}

export interface GeneratorHealth {
  /** CPU of the load-generating process(es), percent of one core */
  cpu: TrendSummary | null;
  eventLoopLag: TrendSummary | null;
  /** how late iterations started against their intended time */
  scheduleLag: TrendSummary | null;
  workers: number;
  bottleneck: boolean;
  reasons: string[];
}

export interface Environment {
  caplabVersion: string;
  commit: string | null;
  node: string;
  platform: string;
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
  hostname: string;
  provider: string;
}

export interface HarnessError { code: string; message: string; hint?: string }

/** One step of a capacity sweep: one offered load held steady and judged over its measured window. */
export interface SweepStep {
  index: number;
  /** offered load of the step, iterations per second (a connection step: its publish rate, 0 without one) */
  targetRate: number;
  /** a connection step (capacity-sweep `load: connections`): the connections it held; the step's load */
  targetConnections?: number;
  /** iterations started per second over the measured window */
  achievedRate: number;
  /** measured window in seconds since the run started; the settle time before `from` is excluded */
  from: number;
  to: number;
  /** worst level of the step's thresholds; `no-data` when the step measured nothing */
  level: Level;
  /** every threshold of the run judged over this step's window only */
  thresholds: ThresholdResult[];
  /** summaries over the step's window (latency trends, errors, iterations); resources: see `resources[].samples` by t */
  metrics: Record<string, MetricSummary>;
  droppedIterations: number;
}

/** A capacity-sweep workload's steps, in the order they ran. */
export interface SweepResult {
  workload: string;
  /** `steps`: the loads were listed; `auto`: geometric growth until a threshold left Good, then bisection */
  mode: 'steps' | 'auto';
  /** what a step's load counts: absent or `requests/s` (targetRate), `connections` (targetConnections) */
  load?: 'requests/s' | 'connections';
  /** one sentence: why the sweep ended (knee bracketed to the resolution, max load reached, ...) */
  stopReason: string;
  steps: SweepStep[];
}

/** A fault the scenario injected, and what the system did about it. */
export interface FaultRecord {
  /** what was done: kill, restart, ... */
  action: string;
  component: string;
  /** replica index, when the component has several */
  replica?: number;
  /** planned time, seconds since the run started */
  at: number;
  /** when it was actually injected, seconds since the run started; null when it never was */
  injectedAt: number | null;
  /** when the component was ready again (restart), seconds since the run started */
  componentBackAt?: number | null;
  /** first second with failed iterations after injection, and the last one before recovery */
  gap?: { from: number; to: number } | null;
  /** failed requests/iterations from injection until recovery (or the run's end) */
  failedDuringFault: number;
  /** seconds from injection until the error rate was back under Good for good; null: never recovered in the run */
  recoverySeconds: number | null;
  /** extra facts the component reports (e.g. agents reconnected), by name */
  observations?: Record<string, number>;
  /** why the fault could not be injected, when it could not */
  error?: string;
}

/** Memory per unit of load: a component's RSS fitted against a metric it exports (reports/capacity/resource-per-unit.ts). */
export interface ResourcePerUnit {
  component: string;
  /** the scraped metric, e.g. tunnel_agents_connected (its series is `<component>.<metric>`) */
  metric: string;
  /** what one unit is, e.g. agent */
  unit: string;
  /** workload whose scheduled window the fit covers; absent: the whole run */
  during?: string;
  /** seconds since the run started: samples with from < t <= to were fitted */
  from: number;
  to: number;
  /** RSS bytes per unit (the slope); null when the fit is too poor to claim a number */
  bytesPerUnit: number | null;
  /** the least-squares line as fitted, whatever its quality; null without at least two points */
  slope: number | null;
  interceptBytes: number | null;
  rSquared: number | null;
  /** paired (metric, RSS) samples, and how many distinct metric values among them */
  n: number;
  distinctX: number;
  xMin: number | null;
  xMax: number | null;
  /** why no figure is claimed (R² under 0.8, too few distinct values, no samples); absent when the fit is good */
  poor?: string;
}

/** What components with `scrape:` exported during the run, and the memory per unit fitted from it. */
export interface ScrapeReport {
  components: Array<{
    component: string;
    /** scrapes attempted, and those that failed (refused, timed out, not 2xx) */
    scrapes: number;
    failures: number;
    lastFailure?: string;
    /** metrics asked for that the page never had */
    missing: string[];
    /** lines of the page that were not Prometheus text, summed over scrapes */
    badLines: number;
  }>;
  perUnit: ResourcePerUnit[];
}

export interface RunResult {
  schemaVersion: typeof RUN_RESULT_SCHEMA_VERSION;
  scenario: string;
  scenarioFile: string | null;
  description?: string;
  verdict: Verdict;
  /** one sentence per reason the verdict is not `good` */
  verdictReasons: string[];
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  environment: Environment;
  /** aggregate metrics by name, plus tagged sub-metrics that thresholds asked for (`name{tag:value}`) */
  metrics: Record<string, MetricSummary>;
  /** per-second series by metric name (aggregate over tags) */
  series: Record<string, SeriesPoint[]>;
  thresholds: ThresholdResult[];
  checks: CheckResult[];
  workloads: WorkloadResult[];
  resources: ComponentResources[];
  generator: GeneratorHealth;
  /** harness errors met during the run (a partial result still carries them) */
  errors: HarnessError[];
  /** capacity-sweep workloads, step by step (absent when the run had none) */
  sweeps?: SweepResult[];
  /** injected faults in the order they happened (absent when the scenario had none) */
  faults?: FaultRecord[];
  /** component metrics scraped (`scrape:`) and memory per unit fitted from them (absent when no component scrapes) */
  scrape?: ScrapeReport;
  /** the validated plan the run executed, for reproducibility */
  plan: unknown;
}

/** Keys of the corrected and raw latency pair every HTTP run reports side by side (wrk2's habit). */
export const LATENCY_PAIRS: ReadonlyArray<{ corrected: string; raw: string }> = [
  { corrected: 'http_req_duration', raw: 'http_req_duration_raw' },
];
