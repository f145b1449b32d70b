/**
 * Built-in metric names, in one file (k6's metrics/builtin.go habit). k6's names where k6 has
 * the metric, ours otherwise. Time trends are in milliseconds; CPU in percent of one core.
 * A threshold may only name a metric listed here (or one a driver declares): a typo is a
 * validation error, not a silent pass.
 */
import type { MetricUnit } from '../../reports/run-result.ts';

export type MetricType = 'trend' | 'counter' | 'rate' | 'gauge';
export interface MetricDef { type: MetricType; unit: MetricUnit; doc: string }

export const M = {
  httpReqDuration: 'http_req_duration',
  httpReqDurationRaw: 'http_req_duration_raw',
  httpReqFailed: 'http_req_failed',
  httpReqs: 'http_reqs',
  iterationDuration: 'iteration_duration',
  iterations: 'iterations',
  iterationsFailed: 'iterations_failed',
  droppedIterations: 'dropped_iterations',
  vus: 'vus',
  dataSent: 'data_sent',
  dataReceived: 'data_received',
  checks: 'checks',
  connecting: 'connecting',
  connectionSuccess: 'connection_success',
  connectionsOpen: 'connections_open',
  componentCpu: 'component_cpu',
  componentMemory: 'component_memory',
  componentMemoryOfLimit: 'component_memory_of_limit',
  generatorCpu: 'generator_cpu',
  generatorEventLoopLag: 'generator_event_loop_lag',
  generatorScheduleLag: 'generator_schedule_lag',
  // Declared now so scenarios and the default profile can name them; their drivers come later.
  wsConnecting: 'ws_connecting',
  wsMsgsReceived: 'ws_msgs_received',
  wsMsgsSent: 'ws_msgs_sent',
  wsSessions: 'ws_sessions',
  messageDelivery: 'message_delivery',
  messageLatency: 'message_latency',
  tunnelThroughput: 'tunnel_throughput',
  tcpTransferFailed: 'tcp_transfer_failed',
  reconcileLag: 'reconcile_lag',
  reconcileReady: 'reconcile_ready',
  reconcilePending: 'reconcile_pending',
  reconcileDeleted: 'reconcile_deleted',
  k8sReqDuration: 'k8s_req_duration',
  k8sReqFailed: 'k8s_req_failed',
  // Judged once the run is over, from the scenario's `faults:` (harness/faults/fault-outcome.ts).
  faultRecovery: 'fault_recovery',
  faultRecovered: 'fault_recovered',
  faultObservedRecovery: 'fault_observed_recovery',
} as const;

export type MetricName = (typeof M)[keyof typeof M];

export const METRICS: Record<MetricName, MetricDef> = {
  http_req_duration: { type: 'trend', unit: 'ms', doc: 'request latency measured from the intended send time (coordinated omission corrected)' },
  http_req_duration_raw: { type: 'trend', unit: 'ms', doc: 'request latency measured from the actual send time (what k6 and autocannon report)' },
  http_req_failed: { type: 'rate', unit: 'count', doc: 'fraction of requests that failed: transport error, timeout, or a status the checks did not expect' },
  http_reqs: { type: 'counter', unit: 'count', doc: 'requests completed' },
  iteration_duration: { type: 'trend', unit: 'ms', doc: 'whole iteration time from its intended start' },
  iterations: { type: 'counter', unit: 'count', doc: 'iterations started' },
  iterations_failed: { type: 'counter', unit: 'count', doc: 'iterations of `steps:` ended early by a failed step (tagged with its name); the steps after it were not sent' },
  dropped_iterations: { type: 'counter', unit: 'count', doc: 'open-model iterations that could not start: no free VU at their intended time' },
  vus: { type: 'gauge', unit: 'count', doc: 'virtual users (concurrent iterations) active' },
  data_sent: { type: 'counter', unit: 'bytes', doc: 'bytes written to the target' },
  data_received: { type: 'counter', unit: 'bytes', doc: 'bytes read from the target' },
  checks: { type: 'rate', unit: 'count', doc: 'fraction of per-iteration checks that passed' },
  connecting: { type: 'trend', unit: 'ms', doc: 'time to establish a held connection' },
  connection_success: { type: 'rate', unit: 'count', doc: 'fraction of connection attempts that succeeded' },
  connections_open: { type: 'gauge', unit: 'count', doc: 'connections currently held open' },
  component_cpu: { type: 'trend', unit: 'percent', doc: 'CPU of a component\'s mean replica, percent of its per-replica limit (of one core when it has none), 1 s samples' },
  component_memory: { type: 'trend', unit: 'bytes', doc: 'resident memory of a component, all replicas summed, 1 s samples' },
  component_memory_of_limit: { type: 'trend', unit: 'percent', doc: 'resident memory of a component\'s mean replica in percent of its per-replica memory limit' },
  generator_cpu: { type: 'trend', unit: 'percent', doc: 'CPU of the load generator itself, percent of one core per generating thread' },
  generator_event_loop_lag: { type: 'trend', unit: 'ms', doc: 'event-loop delay of the load generator' },
  generator_schedule_lag: { type: 'trend', unit: 'ms', doc: 'how late open-model iterations started against their intended time' },
  ws_connecting: { type: 'trend', unit: 'ms', doc: 'WebSocket handshake time' },
  ws_msgs_received: { type: 'counter', unit: 'count', doc: 'WebSocket messages received' },
  ws_msgs_sent: { type: 'counter', unit: 'count', doc: 'WebSocket messages sent' },
  ws_sessions: { type: 'counter', unit: 'count', doc: 'WebSocket sessions started (handshakes completed)' },
  message_delivery: { type: 'rate', unit: 'count', doc: 'fraction of fan-out messages each subscriber received, from per-publisher sequence numbers: a gap counts its missing messages as not delivered (losses after the last message a subscriber saw are not visible)' },
  message_latency: { type: 'trend', unit: 'ms', doc: 'end-to-end message delivery latency' },
  tunnel_throughput: { type: 'trend', unit: 'bytes/s', doc: 'bytes per second through a tunnel stream' },
  tcp_transfer_failed: { type: 'rate', unit: 'count', doc: 'fraction of tcp transfers that failed: refused, reset, idle past idleTimeout, or fewer bytes echoed than sent' },
  reconcile_lag: { type: 'trend', unit: 'ms', doc: 'time from a custom-resource change to its reconciled status' },
  reconcile_ready: { type: 'rate', unit: 'count', doc: 'fraction of created objects seen reconciled (ready condition True) before the readyTimeout' },
  reconcile_pending: { type: 'gauge', unit: 'count', doc: 'objects created and not yet seen reconciled' },
  reconcile_deleted: { type: 'rate', unit: 'count', doc: 'fraction of created objects seen deleted before the deleteTimeout' },
  k8s_req_duration: { type: 'trend', unit: 'ms', doc: 'Kubernetes API call time (create, delete-collection) from its intended send time' },
  k8s_req_failed: { type: 'rate', unit: 'count', doc: 'fraction of Kubernetes API calls that failed' },
  fault_recovery: { type: 'trend', unit: 'ms', doc: 'per injected fault: time from injection until the per-second error rate is back under 0.1% and stays there (faults that never recovered count in fault_recovered)' },
  fault_recovered: { type: 'rate', unit: 'count', doc: 'fraction of injected faults the run saw recover: error rate back under 0.1% and every watched gauge back at its value before the fault' },
  fault_observed_recovery: { type: 'trend', unit: 'ms', doc: 'per watched gauge of a fault (tag observation): time from the component being back until the gauge is back at its value before the fault' },
};

export function isKnownMetric(name: string): name is MetricName {
  return Object.prototype.hasOwnProperty.call(METRICS, name);
}
