import type { Mesh } from '../api/canary.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Duration } from '../api/duration.ts';
import { edgeLabels, edgeQuery, resourceLabels, resourceQuery, TRAFFIC_METRIC_NAMES, type EdgeDirection, type ResourceSelector, type TrafficMetricName } from './mesh-queries.ts';
import type { PrometheusProvider } from './prometheus.ts';
import type { WorkloadKind } from './provider.ts';
import { formatMilliQuantity } from './quantity.ts';
import { RESOURCE_FOR_KIND, TRAFFIC_METRICS_GROUP_VERSION } from './smi-traffic-metrics.ts';

/**
 * The request handler of `kanari metrics-server`: `metrics.smi-spec.io/v1alpha1` served the way
 * smi-metrics served it (paths, shapes, kinds, Quantity strings, `?t=`, error bodies), computed from
 * Prometheus with a mesh's queries. Mountable in any HTTP(S) server or an API server's aggregation hook.
 */
export type TrafficMetricsHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The resources the group serves, in APIResourceList order; also what an aggregation hook registers. */
export const TRAFFIC_METRICS_RESOURCES = (Object.entries(RESOURCE_FOR_KIND) as Array<[WorkloadKind, string]>).map(([kind, name]) => ({
  name,
  singularName: '',
  namespaced: kind !== 'Namespace',
  kind: 'TrafficMetrics',
  verbs: ['get', 'list'],
}));

export interface TrafficMetricsHandlerOptions {
  prometheus: PrometheusProvider;
  mesh: Mesh;
  /** The clock for timestamps; tests pin it. */
  now?: () => Date;
}

const BASE_PATH = `/apis/${TRAFFIC_METRICS_GROUP_VERSION}`;
const DEFAULT_WINDOW_MILLISECONDS = 30_000;
const KIND_FOR_RESOURCE = Object.fromEntries(Object.entries(RESOURCE_FOR_KIND).map(([kind, resource]) => [resource, kind])) as Record<string, WorkloadKind>;
// Go converts NaN and out-of-range floats to int64 as the minimum value; smi-metrics served that.
const GO_INT64_MIN = -9223372036854775808n;

interface ObjectReference {
  kind: WorkloadKind;
  namespace?: string;
  name?: string;
}

interface TrafficMetricsItem {
  kind: 'TrafficMetrics';
  apiVersion: string;
  metadata: { name?: string; namespace?: string; selfLink: string; creationTimestamp: string };
  timestamp: string;
  window: string;
  resource: ObjectReference;
  edge: { direction: EdgeDirection; resource: ObjectReference | null };
  metrics: Array<{ name: TrafficMetricName; unit?: 'ms'; value: string }>;
}

type Route =
  | { action: 'resources' }
  | { action: 'list' | 'get' | 'edges'; kind: WorkloadKind; namespace?: string; name?: string }
  | { action: 'unsupported'; resource: string }
  | { action: 'not-found' };

/** Builds the handler; every answer is JSON except chi's plain 404 for paths outside the API. */
export function createTrafficMetricsHandler(options: TrafficMetricsHandlerOptions): TrafficMetricsHandler {
  const now = options.now ?? (() => new Date());
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://metrics');
    if (request.method !== 'GET') return send(response, 405, { error: `method ${request.method} not allowed` });
    const route = routeOf(url.pathname);
    if (route.action === 'not-found') return sendText(response, 404, '404 page not found\n');
    if (route.action === 'unsupported') return send(response, 404, { error: `Unsupported resource: ${route.resource}` });
    if (route.action === 'resources') {
      return send(response, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: TRAFFIC_METRICS_GROUP_VERSION, resources: TRAFFIC_METRICS_RESOURCES });
    }
    const windowMilliseconds = Duration.tryParse(url.searchParams.get('t') ?? '')?.milliseconds || DEFAULT_WINDOW_MILLISECONDS;
    const at = now();
    const context = { ...options, at, timestamp: rfc3339(at), windowMilliseconds };
    const subject: ObjectReference = withoutEmpty({ kind: route.kind, namespace: route.namespace, name: route.name });
    try {
      if (route.action === 'edges') return send(response, 200, list(`${selfLink(subject)}/edges`, subject, await edgeItems(context, subject)));
      const items = await resourceItems(context, subject);
      if (route.action === 'list') return send(response, 200, list(`${BASE_PATH}/${RESOURCE_FOR_KIND[route.kind]}`, subject, items));
      if (items.length === 1) return send(response, 200, items[0]);
      if (items.length === 0) return send(response, 500, { error: 'unable to lookup metrics' });
      return send(response, 200, list(`${BASE_PATH}/${RESOURCE_FOR_KIND[route.kind]}`, subject, items));
    } catch (err) {
      return send(response, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  };
}

/** The routes of smi-metrics (chi): `/namespaces/{name}` is a namespace, `/namespaces/{ns}/e…` is not a list. */
function routeOf(pathname: string): Route {
  const relative = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  const parts = relative.split('/').filter(Boolean).map(decodeURIComponent);
  const resource = (plural: string, build: (kind: WorkloadKind) => Route): Route =>
    KIND_FOR_RESOURCE[plural] ? build(KIND_FOR_RESOURCE[plural]) : { action: 'unsupported', resource: plural };
  if (parts.length === 0) return { action: 'resources' };
  if (parts.length === 1) return resource(parts[0], (kind) => ({ action: 'list', kind }));
  if (parts[0] === 'namespaces' && parts.length === 2) return { action: 'get', kind: 'Namespace', name: parts[1] };
  if (parts[0] === 'namespaces' && parts.length === 3 && parts[2] === 'edges') return { action: 'edges', kind: 'Namespace', name: parts[1] };
  if (parts[0] !== 'namespaces') return { action: 'not-found' };
  const [, namespace, plural, name, edges] = parts;
  if (parts.length === 3) return plural.startsWith('e') ? { action: 'not-found' } : resource(plural, (kind) => ({ action: 'list', kind, namespace }));
  if (parts.length === 4) return resource(plural, (kind) => ({ action: 'get', kind, namespace, name }));
  if (parts.length === 5 && edges === 'edges') return resource(plural, (kind) => ({ action: 'edges', kind, namespace, name }));
  return { action: 'not-found' };
}

interface QueryContext extends TrafficMetricsHandlerOptions {
  /** Every query of one request is evaluated at this instant, as smi-metrics did, so the values agree. */
  at: Date;
  timestamp: string;
  windowMilliseconds: number;
}

async function resourceItems(context: QueryContext, subject: ObjectReference): Promise<TrafficMetricsItem[]> {
  const selector: ResourceSelector = { kind: subject.kind, namespace: subject.namespace, name: subject.name };
  const labels = resourceLabels(context.mesh, subject.kind);
  const answers = await Promise.all(
    TRAFFIC_METRIC_NAMES.map((metric) => context.prometheus.queryVector(resourceQuery(context.mesh, metric, selector, context.windowMilliseconds / 1000), { time: context.at })),
  );
  const items = new Map<string, TrafficMetricsItem>();
  answers.forEach((series, index) => {
    for (const { labels: seriesLabels, value } of series) {
      const name = seriesLabels[labels.name];
      if (!name) continue;
      const resource = withoutEmpty({ kind: subject.kind, namespace: subject.kind === 'Namespace' ? undefined : seriesLabels[labels.namespace], name });
      const key = `${resource.namespace ?? ''}/${name}`;
      if (!items.has(key)) items.set(key, item(context, resource, { direction: 'from', resource: null }, selfLink(resource)));
      setMetric(items.get(key) as TrafficMetricsItem, TRAFFIC_METRIC_NAMES[index], value);
    }
  });
  return sortByResource([...items.values()]);
}

async function edgeItems(context: QueryContext, subject: ObjectReference): Promise<TrafficMetricsItem[]> {
  const selector: ResourceSelector = { kind: subject.kind, namespace: subject.namespace, name: subject.name };
  const { source, destination } = edgeLabels(context.mesh, subject.kind);
  const items = new Map<string, TrafficMetricsItem>();
  for (const direction of ['from', 'to'] as const) {
    const peerLabels = direction === 'to' ? destination : source;
    const answers = await Promise.all(
      TRAFFIC_METRIC_NAMES.map((metric) => context.prometheus.queryVector(edgeQuery(context.mesh, metric, selector, direction, context.windowMilliseconds / 1000), { time: context.at })),
    );
    answers.forEach((series, index) => {
      for (const { labels, value } of series) {
        const name = labels[peerLabels.name];
        if (!name) continue;
        const peer = withoutEmpty({ kind: subject.kind, namespace: subject.kind === 'Namespace' ? undefined : labels[peerLabels.namespace], name });
        const key = `${direction}/${peer.namespace ?? ''}/${name}`;
        if (!items.has(key)) items.set(key, item(context, subject, { direction, resource: peer }, `${selfLink(subject)}/edges`));
        setMetric(items.get(key) as TrafficMetricsItem, TRAFFIC_METRIC_NAMES[index], value);
      }
    });
  }
  return [...items.values()];
}

function item(context: QueryContext, resource: ObjectReference, edge: TrafficMetricsItem['edge'], link: string): TrafficMetricsItem {
  return {
    kind: 'TrafficMetrics',
    apiVersion: TRAFFIC_METRICS_GROUP_VERSION,
    metadata: withoutEmpty({ name: resource.name, namespace: resource.namespace, selfLink: link, creationTimestamp: context.timestamp }),
    timestamp: context.timestamp,
    window: Duration.fromMilliseconds(context.windowMilliseconds).text,
    resource,
    edge,
    metrics: TRAFFIC_METRIC_NAMES.map((name) => (name.endsWith('latency') ? { name, unit: 'ms' as const, value: '0' } : { name, value: '0' })),
  };
}

function setMetric(target: TrafficMetricsItem, name: TrafficMetricName, value: number): void {
  const metric = target.metrics.find((m) => m.name === name);
  if (metric) metric.value = formatMilliQuantity(goMillis(value));
}

/** `int64(value*1000)` as Go computes it on amd64, so NaN latency reads exactly as smi-metrics served it. */
function goMillis(value: number): bigint {
  const millis = value * 1000;
  if (!Number.isFinite(millis) || Math.abs(millis) >= 2 ** 63) return GO_INT64_MIN;
  return BigInt(Math.trunc(millis));
}

function list(link: string, resource: ObjectReference, items: TrafficMetricsItem[]): object {
  return {
    kind: 'TrafficMetricsList',
    apiVersion: TRAFFIC_METRICS_GROUP_VERSION,
    metadata: { selfLink: link },
    resource,
    // Go marshals an empty slice that was never appended to as null, and clients rely on reading it.
    items: items.length === 0 ? null : items,
  };
}

function selfLink(resource: ObjectReference): string {
  const plural = RESOURCE_FOR_KIND[resource.kind];
  return resource.namespace ? `${BASE_PATH}/namespaces/${resource.namespace}/${plural}/${resource.name ?? ''}` : `${BASE_PATH}/${plural}/${resource.name ?? ''}`;
}

function sortByResource(items: TrafficMetricsItem[]): TrafficMetricsItem[] {
  const key = (i: TrafficMetricsItem) => `${i.resource.namespace ?? ''}/${i.resource.name ?? ''}`;
  return items.sort((a, b) => key(a).localeCompare(key(b)));
}

function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(text);
}
