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

export interface ClusterSpec { provider: string; allowRemoteTarget: boolean; log: (line: string) => void }

export interface Cluster extends AsyncDisposable {
  readonly provider: string;
  /** starts the components, waits for readiness, returns component name -> base URL */
  deploy(components: ComponentSpec[]): Promise<Endpoints>;
  sampler(): ResourceSampler;
  /** stops everything it started; safe to call more than once */
  down(): Promise<void>;
}

export interface ClusterProvider {
  readonly name: string;
  up(spec: ClusterSpec, signal: AbortSignal): Promise<Cluster>;
}
