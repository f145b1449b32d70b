/**
 * The operator's whole view of the Kubernetes API, as two small interfaces: what it reads (the
 * informers' caches) and what it writes. The reconciler and leader election depend only on these;
 * client-node-api.ts implements them for a real API server, tests implement them in memory.
 */
import type { V1Deployment, V1Lease, V1Service } from '@kubernetes/client-node';
import type { RDEAgent, RDEAgentStatus } from './rdeagent.ts';

/** Reads from the informers' caches (eventually consistent, as in controller-runtime). */
export interface OperatorCache {
  getAgent(namespace: string, name: string): RDEAgent | undefined;
  getDeployment(namespace: string, name: string): V1Deployment | undefined;
  getService(namespace: string, name: string): V1Service | undefined;
}

/** Writes go straight to the API server. */
export interface OperatorWriter {
  createDeployment(namespace: string, body: V1Deployment): Promise<void>;
  /** JSON merge patch (RFC 7386) */
  patchDeployment(namespace: string, name: string, patch: object): Promise<void>;
  createService(namespace: string, body: V1Service): Promise<void>;
  patchService(namespace: string, name: string, patch: object): Promise<void>;
  /** merge patch of the status subresource */
  patchAgentStatus(namespace: string, name: string, status: RDEAgentStatus): Promise<void>;
}

/** The Lease that leader election holds (coordination.k8s.io/v1). */
export interface LeaseApi {
  /** undefined when the Lease does not exist */
  get(namespace: string, name: string): Promise<V1Lease | undefined>;
  /** fails with ApiError 409 when it was created meanwhile */
  create(namespace: string, lease: V1Lease): Promise<V1Lease>;
  /** a PUT carrying metadata.resourceVersion: fails with ApiError 409 when someone else wrote first */
  replace(namespace: string, name: string, lease: V1Lease): Promise<V1Lease>;
}

/** An API call the server answered with an error status. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The error is the API server's 409 Conflict / AlreadyExists. */
export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409;
}

/** The error is the API server's 404 NotFound. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
