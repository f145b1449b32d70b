/**
 * Where the system under test runs. Every provider (local, kind, k3s, kubeconfig) implements
 * ClusterProvider; the started Cluster is the only handle to it, and `down()` always runs.
 */
import type { Endpoints } from '../harness/drivers/driver.ts';

/** One component to deploy: a reference service by name, or an external URL. */
export interface ComponentSpec {
  /** name the scenario uses for it (targets, thresholds `{component:NAME}`) */
  name: string;
  /** reference component (`caplab serve <component>`), absent for an external URL */
  component?: string;
  /** command-line flags for the component, `--key value` */
  flags: Record<string, string | number | boolean>;
  /** environment variables for the component process */
  env: Record<string, string>;
  /** external target instead of a reference component */
  url?: string;
  replicas: number;
  readiness: { path: string; timeoutMs: number };
  limits?: { cpuCores?: number; memoryBytes?: number };
}

/** One resource sample of one component. */
export interface ResourceSample { component: string; pids: number[]; cpuPercent: number; rssBytes: number }

export interface ResourceSampler {
  /** samples every deployed component now; CPU is averaged since the previous call */
  sample(): Promise<ResourceSample[]>;
  /** why sampling cannot work here, if it cannot (then sample() returns []) */
  readonly unavailable?: string;
}

/**
 * One fault to inject into a running component (issue 11). Actions that exist today: `kill`
 * (SIGKILL one replica and leave it down) and `restart` (stop it, stay down `downForMs`, start it
 * again on the same address and wait until it is ready). `drain`, `delay`, `blackhole` and
 * `sighup` are planned to slot in here as further actions with their own fields.
 */
export interface FaultSpec {
  action: 'kill' | 'restart';
  /** component name as the scenario names it */
  component: string;
  /** replica index, 0-based */
  replica: number;
  /** restart: how long the replica stays down before it is started again, ms */
  downForMs: number;
  /** restart: SIGTERM and let it drain (up to the provider's grace) instead of SIGKILL */
  graceful: boolean;
}

export interface ClusterSpec {
  provider: string;
  allowRemoteTarget: boolean;
  log: (line: string) => void;
  /** kubeconfig provider: the context to deploy into (`--context`); it refuses to run without one */
  context?: string;
}

export interface Cluster extends AsyncDisposable {
  readonly provider: string;
  /** starts the components, waits for readiness, returns component name -> base URL */
  deploy(components: ComponentSpec[]): Promise<Endpoints>;
  sampler(): ResourceSampler;
  /**
   * Injects a fault. Resolves once it is in place: for `kill` once the replica has exited, for
   * `restart` once the replica is ready again on the same address. Rejects with a CaplabError when
   * the fault cannot be injected (no such component or replica, or it did not come back);
   * `signal` cuts a restart short, leaving the replica down for `down()` to tidy.
   */
  inject(fault: FaultSpec, signal?: AbortSignal): Promise<void>;
  /** stops everything it started; safe to call more than once */
  down(): Promise<void>;
}

export interface ClusterProvider {
  readonly name: string;
  up(spec: ClusterSpec, signal: AbortSignal): Promise<Cluster>;
}
