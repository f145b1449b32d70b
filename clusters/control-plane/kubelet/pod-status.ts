/**
 * The status a kubelet reports for a pod, built from what its containers are doing: phase,
 * podIP, per-container state and readiness, and the PodScheduled / Initialized /
 * ContainersReady / Ready conditions that `kubectl wait --for=condition=Ready` reads.
 */

export interface ContainerState {
  name: string;
  image: string;
  started: boolean;
  ready: boolean;
  restartCount: number;
  startedAt?: string;
  /** set when the container ended for good or is waiting to restart */
  terminated?: { exitCode: number; reason: string; finishedAt: string };
}

/** The pod's `status` for these container states. */
export function podStatus(containers: ContainerState[], startTime: string, failed: string | undefined): Record<string, unknown> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const allReady = containers.length > 0 && containers.every((c) => c.ready);
  const running = containers.some((c) => c.started && c.terminated === undefined);
  const phase = failed !== undefined ? 'Failed' : running || allReady ? 'Running' : 'Pending';
  const condition = (type: string, ok: boolean) => ({ type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now });
  return {
    phase,
    ...(failed !== undefined ? { reason: 'Error', message: failed } : {}),
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    podIPs: [{ ip: '127.0.0.1' }],
    startTime,
    conditions: [condition('PodScheduled', true), condition('Initialized', true), condition('ContainersReady', allReady), condition('Ready', allReady)],
    containerStatuses: containers.map((c) => ({
      name: c.name, image: c.image, imageID: '', ready: c.ready, started: c.started, restartCount: c.restartCount,
      state: c.terminated ? { terminated: c.terminated } : c.started ? { running: { startedAt: c.startedAt } } : { waiting: { reason: 'ContainerCreating' } },
    })),
  };
}
