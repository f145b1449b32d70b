/**
 * `GET /metrics` on the control plane: a few kube-state-metrics gauges, in Prometheus text, so a
 * scenario's `scrape:` records Deployment and HPA replicas over time (e.g.
 * `control-plane.kube_deployment_status_replicas`). The harness sums a metric over its label sets:
 * with one Deployment and one HPA, as in an HPA scenario, each gauge is that object's value.
 */
import { kindKeyOf, type KubeObject, type ObjectStore } from './object-store.ts';

const GAUGES: { name: string; help: string; kindKey: string; label: string; value: (o: KubeObject) => number | undefined }[] = [
  { name: 'kube_deployment_spec_replicas', help: 'replicas a Deployment asks for', kindKey: kindKeyOf('apps', 'deployments'), label: 'deployment', value: (o) => num(o.spec, 'replicas') ?? 1 },
  { name: 'kube_deployment_status_replicas', help: 'pods a Deployment has', kindKey: kindKeyOf('apps', 'deployments'), label: 'deployment', value: (o) => num(o.status, 'replicas') ?? 0 },
  { name: 'kube_deployment_status_replicas_ready', help: 'Ready pods of a Deployment', kindKey: kindKeyOf('apps', 'deployments'), label: 'deployment', value: (o) => num(o.status, 'readyReplicas') ?? 0 },
  { name: 'kube_horizontalpodautoscaler_spec_min_replicas', help: 'an HPA\'s minReplicas', kindKey: kindKeyOf('autoscaling', 'horizontalpodautoscalers'), label: 'horizontalpodautoscaler', value: (o) => num(o.spec, 'minReplicas') ?? 1 },
  { name: 'kube_horizontalpodautoscaler_spec_max_replicas', help: 'an HPA\'s maxReplicas', kindKey: kindKeyOf('autoscaling', 'horizontalpodautoscalers'), label: 'horizontalpodautoscaler', value: (o) => num(o.spec, 'maxReplicas') },
  { name: 'kube_horizontalpodautoscaler_status_current_replicas', help: 'replicas of the HPA\'s target at its last sync', kindKey: kindKeyOf('autoscaling', 'horizontalpodautoscalers'), label: 'horizontalpodautoscaler', value: (o) => num(o.status, 'currentReplicas') },
  { name: 'kube_horizontalpodautoscaler_status_desired_replicas', help: 'replicas the HPA last asked for', kindKey: kindKeyOf('autoscaling', 'horizontalpodautoscalers'), label: 'horizontalpodautoscaler', value: (o) => num(o.status, 'desiredReplicas') },
  { name: 'kube_horizontalpodautoscaler_status_cpu_utilization', help: 'the HPA\'s last CPU utilization of its pods, in % of their requests', kindKey: kindKeyOf('autoscaling', 'horizontalpodautoscalers'), label: 'horizontalpodautoscaler', value: cpuUtilization },
];

/** The Prometheus text page of the store's Deployments and HPAs. */
export function stateMetricsPage(store: ObjectStore): string {
  const lines: string[] = [];
  for (const g of GAUGES) {
    lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
    for (const o of store.list(g.kindKey)) {
      const v = g.value(o);
      if (v !== undefined) lines.push(`${g.name}{namespace="${o.metadata.namespace}",${g.label}="${o.metadata.name}"} ${v}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function num(section: unknown, field: string): number | undefined {
  const v = (section as Record<string, unknown> | undefined)?.[field];
  return typeof v === 'number' ? v : undefined;
}

function cpuUtilization(hpa: KubeObject): number | undefined {
  const metrics = ((hpa.status ?? {}) as { currentMetrics?: { resource?: { name?: string; current?: { averageUtilization?: number } } }[] }).currentMetrics ?? [];
  return metrics.find((m) => m.resource?.name === 'cpu')?.resource?.current?.averageUtilization;
}
