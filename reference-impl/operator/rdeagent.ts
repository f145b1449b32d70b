/**
 * The RDEAgent custom resource (kuberde.io/v1, seed 000): one user's remote development agent.
 * The operator turns each into a Deployment (the tunnel agent beside the user's workload) and a
 * Service, both owned by the RDEAgent so deleting it deletes them.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';

export const GROUP = 'kuberde.io';
export const VERSION = 'v1';
export const PLURAL = 'rdeagents';
export const KIND = 'RDEAgent';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface RDEAgentSpec {
  /** the user the agent belongs to */
  owner: string;
  /** the tunnel server's WebSocket URL, e.g. ws://frp-server.kuberde.svc/ws */
  serverUrl: string;
  /** the Secret holding the agent's credentials (key `token`) */
  authSecret: string;
  /** the user's workload container image, e.g. nginx:alpine */
  workloadImage: string;
  /** host:port the agent forwards streams to, default localhost:80 */
  localTarget?: string;
  /** idle time before the agent is scaled to 0, a Go duration ("30m", "8h"); "0" or absent = never */
  ttl?: string;
}

/** A metav1.Condition, with times as RFC 3339 strings as they travel in JSON. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type RDEAgentPhase = 'Pending' | 'Running' | 'ScaledDown' | 'Failed';

export interface RDEAgentStatus {
  phase?: RDEAgentPhase;
  conditions?: Condition[];
  observedGeneration?: number;
  readyReplicas?: number;
  /** the Deployment running the agent */
  deployment?: string;
  /** the time idleness is counted from (creation or the last-activity annotation) */
  lastActivityTime?: string;
}

export interface RDEAgent {
  apiVersion?: string;
  kind?: string;
  metadata: V1ObjectMeta;
  spec: RDEAgentSpec;
  status?: RDEAgentStatus;
}

/**
 * Whoever sees the agent used (the tunnel server, a user's client) sets this annotation to an
 * RFC 3339 time; the TTL counts idleness from it, and a newer value scales an idle agent back up.
 */
export const LAST_ACTIVITY_ANNOTATION = 'kuberde.io/last-activity';

/** The workqueue key of an object: namespace/name, as client-go's MetaNamespaceKeyFunc. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a workqueue key back into namespace and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i === -1 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
