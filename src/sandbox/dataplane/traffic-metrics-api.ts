/**
 * The SMI TrafficMetrics API (`metrics.smi-spec.io/v1alpha1`) over the data plane's own records, with
 * the paths, shapes, kinds and Quantity strings of smi-metrics (Linkerd flavour), the only server that
 * ever existed, so Kanari's TrafficMetrics provider is tested against what it will meet in a cluster.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Duration } from '../../api/duration.ts';
import { formatMilliQuantity } from '../../metrics/quantity.ts';
import { histogramQuantile } from './latency-histogram.ts';
import type { StoredKind, TrafficCounts, TrafficStore, WorkloadKey } from './traffic-store.ts';

export const TRAFFIC_METRICS_GROUP = 'metrics.smi-spec.io';
export const TRAFFIC_METRICS_VERSION = 'v1alpha1';
const API_VERSION = `${TRAFFIC_METRICS_GROUP}/${TRAFFIC_METRICS_VERSION}`;
const PATH_PREFIX = `/apis/${API_VERSION}`;
const DEFAULT_WINDOW_MS = 30_000;

/** The resources smi-metrics served, with the kind it wrote into objects (its own spelling). */
const RESOURCES: Record<string, { kind: string; namespaced: boolean; stored?: StoredKind }> = {
  deployments: { kind: 'Deployment', namespaced: true, stored: 'Deployment' },
  pods: { kind: 'Pod', namespaced: true, stored: 'Pod' },
  daemonsets: { kind: 'Daemonset', namespaced: true },
  statefulsets: { kind: 'Statefulset', namespaced: true },
  namespaces: { kind: 'Namespace', namespaced: false, stored: 'Namespace' },
};

/** One `metrics[]` entry of a TrafficMetrics object. */
export interface TrafficMetricEntry {
  name: string;
  unit?: string;
  value: string;
}

/** A TrafficMetrics object as served. */
export interface TrafficMetricsObject {
  kind: 'TrafficMetrics';
  apiVersion: string;
  metadata: { name: string; namespace?: string; creationTimestamp: string };
  timestamp: string;
  window: string;
  resource: { kind: string; namespace?: string; name: string };
  edge: { direction: 'from' | 'to'; resource: null | { kind: string; namespace?: string; name: string } };
  metrics: TrafficMetricEntry[];
}

/** Where the handler reads from. */
export interface TrafficMetricsSource {
  store: TrafficStore;
  /** Epoch milliseconds; injected so tests can pin the window. */
  now: () => number;
}

// Go's int64(NaN) on amd64: the value smi-metrics emitted for a latency over an empty histogram.
const GO_NAN_AS_INT64 = -9223372036854775808n;

/** A count or latency as smi-metrics formatted it: `NewMilliQuantity(int64(v * 1000))`. */
export function formatMetricValue(value: number): string {
  if (!Number.isFinite(value)) return formatMilliQuantity(GO_NAN_AS_INT64);
  return formatMilliQuantity(BigInt(Math.trunc(value * 1000)));
}

/** The five metrics of one object, in smi-metrics' order, from window counts. */
export function metricEntries(counts: TrafficCounts): TrafficMetricEntry[] {
  return [
    { name: 'p99_response_latency', unit: 'ms', value: formatMetricValue(histogramQuantile(0.99, counts.buckets)) },
    { name: 'p90_response_latency', unit: 'ms', value: formatMetricValue(histogramQuantile(0.9, counts.buckets)) },
    { name: 'p50_response_latency', unit: 'ms', value: formatMetricValue(histogramQuantile(0.5, counts.buckets)) },
    { name: 'success_count', value: formatMetricValue(counts.success) },
    { name: 'failure_count', value: formatMetricValue(counts.failure) },
  ];
}

/** The window of a request: `?t=` when it is a valid duration, otherwise smi-metrics' 30s; printed as Go prints it ("2m0s"). */
export function windowFromQuery(t: string | null): Duration {
  const parsed = t ? Duration.tryParse(t) : undefined;
  return Duration.fromMilliseconds(parsed && parsed.milliseconds > 0 ? parsed.milliseconds : DEFAULT_WINDOW_MS);
}

/** Builds one TrafficMetrics object for a workload over a window. */
export function trafficMetricsObject(key: WorkloadKey, kind: string, counts: TrafficCounts, window: Duration, now: number): TrafficMetricsObject {
  const timestamp = new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const namespaced = key.kind !== 'Namespace';
  return {
    kind: 'TrafficMetrics',
    apiVersion: API_VERSION,
    metadata: { name: key.name, ...(namespaced ? { namespace: key.namespace } : {}), creationTimestamp: timestamp },
    timestamp,
    window: window.text,
    resource: { kind, ...(namespaced ? { namespace: key.namespace } : {}), name: key.name },
    edge: { direction: 'from', resource: null },
    metrics: metricEntries(counts),
  };
}

type Route =
  | { type: 'resources' }
  | { type: 'list'; resource: string; namespace?: string }
  | { type: 'get'; resource: string; namespace?: string; name: string }
  | { type: 'edges'; resource: string; namespace?: string; name: string };

/** Maps a path (with or without the `/apis/metrics.smi-spec.io/v1alpha1` prefix) to a route. */
export function routeOf(pathname: string): Route | undefined {
  const rest = pathname.startsWith(PATH_PREFIX) ? pathname.slice(PATH_PREFIX.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { type: 'resources' };
  if (parts.length === 1) return { type: 'list', resource: parts[0] };
  // As in smi-metrics' router: /namespaces/{name} is a Namespace object, /namespaces/{ns}/{resource} a list.
  if (parts[0] === 'namespaces') {
    if (parts.length === 2) return { type: 'get', resource: 'namespaces', name: parts[1] };
    if (parts.length === 3 && parts[2] === 'edges') return { type: 'edges', resource: 'namespaces', name: parts[1] };
    if (parts.length === 3) return { type: 'list', resource: parts[2], namespace: parts[1] };
    if (parts.length === 4) return { type: 'get', resource: parts[2], namespace: parts[1], name: parts[3] };
    if (parts.length === 5 && parts[4] === 'edges') return { type: 'edges', resource: parts[2], namespace: parts[1], name: parts[3] };
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function listObject(kind: string, namespace: string | undefined, items: TrafficMetricsObject[] | null): unknown {
  return {
    kind: 'TrafficMetricsList',
    apiVersion: API_VERSION,
    metadata: {},
    resource: { kind, ...(namespace ? { namespace } : {}) },
    // smi-metrics marshalled a nil Go slice: an empty list is `null`, never `[]`.
    items: items && items.length > 0 ? items : null,
  };
}

/** Creates the request handler; mount it under the aggregated path or call it from any HTTP server. */
export function createTrafficMetricsHandler(source: TrafficMetricsSource): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') {
      send(res, 405, { error: `Method not allowed: ${req.method}` });
      return;
    }
    const route = routeOf(url.pathname);
    if (!route) {
      send(res, 404, { error: `Not found: ${url.pathname}` });
      return;
    }
    if (route.type === 'resources') {
      send(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: API_VERSION,
        resources: Object.entries(RESOURCES).map(([name, r]) => ({ name, namespaced: r.namespaced, kind: 'TrafficMetrics', verbs: ['get', 'list'] })),
      });
      return;
    }
    const resource = RESOURCES[route.resource];
    if (!resource) {
      send(res, 404, { error: `Unsupported resource: ${route.resource}` });
      return;
    }
    const window = windowFromQuery(url.searchParams.get('t'));
    const now = source.now();
    const objectFor = (key: WorkloadKey): TrafficMetricsObject | undefined => {
      const counts = source.store.window(key, window.milliseconds, now);
      return counts && trafficMetricsObject(key, resource.kind, counts, window, now);
    };
    if (route.type === 'list') {
      const keys = resource.stored ? source.store.workloads(resource.stored, route.namespace) : [];
      const items = keys.map(objectFor).filter((o): o is TrafficMetricsObject => o !== undefined);
      send(res, 200, listObject(resource.kind, route.namespace, items));
      return;
    }
    if (route.type === 'edges') {
      // The data plane knows callers only by ServiceAccount, not by workload, so it reports no edges.
      send(res, 200, listObject(resource.kind, route.namespace, null));
      return;
    }
    const key: WorkloadKey | undefined = resource.stored && {
      kind: resource.stored,
      namespace: route.namespace ?? route.name,
      name: route.name,
    };
    const object = key && objectFor(key);
    if (!object) {
      // What smi-metrics answered when Prometheus had no series for the object in the window.
      send(res, 500, { error: 'unable to lookup metrics' });
      return;
    }
    send(res, 200, object);
  };
}
