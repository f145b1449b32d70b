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
  /** put a fault interposer in front of each replica's listener (the scenario has a delay or blackhole fault on it) */
  interpose?: boolean;
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
 * One fault to inject into a running component (issue 11): `kill` (SIGKILL one replica and leave
 * it down), `restart` (stop it, stay down `downForMs`, start it again on the same address and wait
 * until it is ready), `drain` (SIGTERM, let it drain, leave it down), `sighup` (send SIGHUP; the
 * component must handle it), `delay` / `blackhole` (added latency / no answers on the replica's
 * listener for `durationMs`, through the interposer the provider put in front of it).
 */
export interface FaultSpec {
  action: 'kill' | 'restart' | 'drain' | 'sighup' | 'delay' | 'blackhole';
  /** component name as the scenario names it */
  component: string;
  /** replica index, 0-based */
  replica: number;
  /** restart: how long the replica stays down before it is started again, ms */
  downForMs: number;
  /** restart: SIGTERM and let it drain (up to the provider's grace) instead of SIGKILL */
  graceful: boolean;
  /** delay, blackhole: how long the fault lasts, ms; inject resolves when it is lifted */
  durationMs?: number;
  /** delay: latency added to every chunk both ways on the replica's listener, ms */
  latencyMs?: number;
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
  /** where `--load-generators` run when the cluster runs them itself (Kubernetes: an Indexed Job); absent: local processes */
  readonly loadGenerators?: LoadGeneratorLauncher;
}

/**
 * Starts the load-generator processes of one workload (`--load-generators N`), each listening for
 * its coordinator on a WebSocket (harness/run/load-generator-protocol.ts), and says how to reach them.
 */
export interface LoadGeneratorLauncher {
  /** what runs them, for messages ("3 local processes", "Job caplab-lg-1 in namespace x") */
  readonly where: string;
  /** starts `count` generators for workload `workload`; resolves once each listens and is reachable from here */
  launch(count: number, workload: string, signal: AbortSignal): Promise<LaunchedGenerators>;
}

export interface LaunchedGenerators {
  /** ws:// URL of generator i (it runs shard i), as this machine reaches it */
  urls: string[];
  /** bearer token each generator requires on its WebSocket upgrade */
  token: string;
  /** the endpoints as the generators must dial them (cluster DNS inside a cluster); absent: the coordinator's own */
  endpoints?: Endpoints;
  /** ends them and removes what launch made; safe to call more than once */
  stop(): Promise<void>;
}

export interface ClusterProvider {
  readonly name: string;
  up(spec: ClusterSpec, signal: AbortSignal): Promise<Cluster>;
}
