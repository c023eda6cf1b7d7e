import type { WorkloadKind } from './provider.ts';

/**
 * The SMI TrafficMetrics API (`metrics.smi-spec.io/v1alpha1`) as smi-metrics, the only server that ever
 * existed, spelled it: its group, its resources and kinds, its five metrics. One vocabulary for the
 * reader (smi-traffic-metrics.ts), the server (traffic-metrics-handler.ts) and its sources.
 */

export const TRAFFIC_METRICS_GROUP = 'metrics.smi-spec.io';
export const TRAFFIC_METRICS_VERSION = 'v1alpha1';
export const TRAFFIC_METRICS_GROUP_VERSION = `${TRAFFIC_METRICS_GROUP}/${TRAFFIC_METRICS_VERSION}`;
/** Where the group is served in a Kubernetes API server. */
export const TRAFFIC_METRICS_PATH = `/apis/${TRAFFIC_METRICS_GROUP_VERSION}`;

/** The API resource (plural) for each kind as smi-metrics spelled it, in its APIResourceList order. */
export const RESOURCE_FOR_KIND: Record<WorkloadKind, string> = {
  Deployment: 'deployments',
  Pod: 'pods',
  Daemonset: 'daemonsets',
  Statefulset: 'statefulsets',
  Namespace: 'namespaces',
};

/** The kind each resource (plural) stands for; undefined for a resource the API does not serve. */
export function kindOfResource(resource: string): WorkloadKind | undefined {
  return (Object.keys(RESOURCE_FOR_KIND) as WorkloadKind[]).find((kind) => RESOURCE_FOR_KIND[kind] === resource);
}

/** The five values of a TrafficMetrics object, in the order smi-metrics emitted them. */
export const TRAFFIC_METRIC_NAMES = ['p99_response_latency', 'p90_response_latency', 'p50_response_latency', 'success_count', 'failure_count'] as const;
export type TrafficMetricName = (typeof TRAFFIC_METRIC_NAMES)[number];

/** The latency values (milliseconds, `unit: ms`) and the quantile each one is. */
export const LATENCY_QUANTILES = { p99_response_latency: 0.99, p90_response_latency: 0.9, p50_response_latency: 0.5 } as const;
export type LatencyMetricName = keyof typeof LATENCY_QUANTILES;

/** True for the three latency values. */
export function isLatencyMetric(name: TrafficMetricName): name is LatencyMetricName {
  return name in LATENCY_QUANTILES;
}

/** Which resources a request covers; a missing namespace or name matches all, as in smi-metrics. */
export interface ResourceSelector {
  kind: WorkloadKind;
  namespace?: string;
  name?: string;
}

/** Which side of an edge the selected resource is on: `to` lists whom it calls, `from` who calls it. */
export type EdgeDirection = 'to' | 'from';

/** A resource as a TrafficMetrics object names it: no namespace for a Namespace, nor when unknown. */
export interface ObjectReference {
  kind: WorkloadKind;
  namespace?: string;
  name?: string;
}

/** The reference smi-metrics wrote for a resource; empty fields are left out, as Go's omitempty did. */
export function objectReference(kind: WorkloadKind, namespace: string | undefined, name: string | undefined): ObjectReference {
  return {
    kind,
    ...(namespace && kind !== 'Namespace' ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}
