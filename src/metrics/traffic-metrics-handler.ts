import type { IncomingMessage, ServerResponse } from 'node:http';
import { Duration } from '../api/duration.ts';
import type { Logger } from '../log/logger.ts';
import type { WorkloadKind } from './provider.ts';
import { formatMilliQuantity } from './quantity.ts';
import {
  isLatencyMetric,
  kindOfResource,
  objectReference,
  RESOURCE_FOR_KIND,
  TRAFFIC_METRIC_NAMES,
  TRAFFIC_METRICS_GROUP_VERSION,
  TRAFFIC_METRICS_PATH,
  type EdgeDirection,
  type ObjectReference,
  type ResourceSelector,
  type TrafficMetricName,
} from './traffic-metrics-api.ts';

/**
 * `metrics.smi-spec.io/v1alpha1` served the way smi-metrics served it (paths, shapes, kinds, Quantity
 * strings, `?t=`, error bodies) over any source of values: Prometheus with a mesh's queries for
 * `kanari metrics-server`, the data plane's own records in the sandbox. Mountable in any HTTP(S) server
 * or an API server's aggregation hook; it never rejects.
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

/** The window a request asks about: the `milliseconds` before `at`. */
export interface MetricsWindow {
  at: Date;
  milliseconds: number;
}

/**
 * One resource as a source measured it; latencies in milliseconds. A value without a series reads "0", as
 * in smi-metrics; a latency that is NaN (no requests in the window) is left out of the answer.
 */
export interface MeasuredResource {
  resource: ObjectReference;
  values: Partial<Record<TrafficMetricName, number>>;
}

/**
 * Where the values come from. A resource with no series in the window is left out rather than reported
 * as zeros: the API then answers 500 "unable to lookup metrics" for it, as smi-metrics did.
 */
export interface TrafficMetricsSource {
  /** The selected resources (all of a kind, of a namespace, or one), measured over the window. */
  resources(selector: ResourceSelector, window: MetricsWindow): Promise<MeasuredResource[]>;
  /** The resources on the other side of the selected one's edges: whom it calls (`to`) or who calls it (`from`). */
  edges(selector: ResourceSelector, direction: EdgeDirection, window: MetricsWindow): Promise<MeasuredResource[]>;
}

export interface TrafficMetricsHandlerOptions {
  source: TrafficMetricsSource;
  /** The clock for timestamps and windows; tests pin it. */
  now?: () => Date;
  /** Where a failed request is reported besides its 500 answer. */
  logger?: Logger;
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

/** What a path asks for. */
export type Route =
  | { action: 'resources' }
  | { action: 'list' | 'get' | 'edges'; kind: WorkloadKind; namespace?: string; name?: string }
  | { action: 'unsupported'; resource: string }
  | { action: 'not-found' };

const DEFAULT_WINDOW_MILLISECONDS = 30_000;
// Go converts NaN and out-of-range floats to int64 as the minimum value; smi-metrics served that.
const GO_INT64_MIN = -9223372036854775808n;

/** Builds the handler; every answer is JSON except chi's plain 404 for paths outside the API. */
export function createTrafficMetricsHandler(options: TrafficMetricsHandlerOptions): TrafficMetricsHandler {
  const now = options.now ?? (() => new Date());
  return async (request, response) => {
    try {
      await serve(request, response, options.source, now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      options.logger?.warn({ path: request.url, reason: message }, 'TrafficMetrics request failed');
      if (response.headersSent) response.end();
      else send(response, 500, { error: message });
    }
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, source: TrafficMetricsSource, at: Date): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://metrics');
  if (request.method !== 'GET') return send(response, 405, { error: `method ${request.method} not allowed` });
  const route = routeOf(url.pathname);
  if (route.action === 'not-found') return sendText(response, 404, '404 page not found\n');
  if (route.action === 'unsupported') return send(response, 404, { error: `Unsupported resource: ${route.resource}` });
  if (route.action === 'resources') {
    return send(response, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: TRAFFIC_METRICS_GROUP_VERSION, resources: TRAFFIC_METRICS_RESOURCES });
  }
  const window = { at, milliseconds: windowFromQuery(url.searchParams.get('t')).milliseconds };
  const stamp = { timestamp: rfc3339(at), window: Duration.fromMilliseconds(window.milliseconds).text };
  const selector: ResourceSelector = { kind: route.kind, namespace: route.namespace, name: route.name };
  const subject = objectReference(route.kind, route.namespace, route.name);
  if (route.action === 'edges') {
    const link = `${selfLink(subject)}/edges`;
    const peers = await Promise.all((['from', 'to'] as const).map(async (direction) => {
      const measured = await source.edges(selector, direction, window);
      return measured.map((peer) => item(subject, { direction, resource: peer.resource }, link, peer.values, stamp));
    }));
    return send(response, 200, list(link, subject, peers.flat()));
  }
  const measured = sortByResource(await source.resources(selector, window));
  const items = measured.map(({ resource, values }) => item(resource, { direction: 'from', resource: null }, selfLink(resource), values, stamp));
  if (route.action === 'get' && items.length === 1) return send(response, 200, items[0]);
  if (route.action === 'get' && items.length === 0) return send(response, 500, { error: 'unable to lookup metrics' });
  return send(response, 200, list(`${TRAFFIC_METRICS_PATH}/${RESOURCE_FOR_KIND[route.kind]}`, subject, items));
}

/** The routes of smi-metrics (chi): `/namespaces/{name}` is a namespace, `/namespaces/{ns}/e…` is not a list. */
export function routeOf(pathname: string): Route {
  const relative = pathname.startsWith(TRAFFIC_METRICS_PATH) ? pathname.slice(TRAFFIC_METRICS_PATH.length) : pathname;
  const parts = relative.split('/').filter(Boolean).map(decodeURIComponent);
  const resource = (plural: string, build: (kind: WorkloadKind) => Route): Route => {
    const kind = kindOfResource(plural);
    return kind ? build(kind) : { action: 'unsupported', resource: plural };
  };
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

/** The window of a request: `?t=` when it is a positive duration, otherwise smi-metrics' 30s; its text as Go prints it ("2m0s"). */
export function windowFromQuery(t: string | null): Duration {
  const parsed = t ? Duration.tryParse(t) : undefined;
  return Duration.fromMilliseconds(parsed && parsed.milliseconds > 0 ? parsed.milliseconds : DEFAULT_WINDOW_MILLISECONDS);
}

/** A count or latency as smi-metrics formatted it: `NewMilliQuantity(int64(v * 1000))`, NaN as Go's int64 of it on amd64. */
export function formatMetricValue(value: number): string {
  const millis = value * 1000;
  if (!Number.isFinite(millis) || Math.abs(millis) >= 2 ** 63) return formatMilliQuantity(GO_INT64_MIN);
  return formatMilliQuantity(BigInt(Math.trunc(millis)));
}

function item(
  resource: ObjectReference,
  edge: TrafficMetricsItem['edge'],
  link: string,
  values: MeasuredResource['values'],
  stamp: { timestamp: string; window: string },
): TrafficMetricsItem {
  return {
    kind: 'TrafficMetrics',
    apiVersion: TRAFFIC_METRICS_GROUP_VERSION,
    metadata: { ...withName(resource), selfLink: link, creationTimestamp: stamp.timestamp },
    timestamp: stamp.timestamp,
    window: stamp.window,
    resource,
    edge,
    metrics: TRAFFIC_METRIC_NAMES.flatMap((name) => {
      const measured = values[name];
      // A latency of a window without requests is NaN; smi-metrics printed it as -9223372036854775808m.
      // It is left out instead: nothing was measured, and a reader sees that rather than a huge negative time.
      if (isLatencyMetric(name) && measured !== undefined && !Number.isFinite(measured)) return [];
      const value = measured === undefined ? '0' : formatMetricValue(measured);
      return [isLatencyMetric(name) ? { name, unit: 'ms' as const, value } : { name, value }];
    }),
  };
}

function withName(resource: ObjectReference): { name?: string; namespace?: string } {
  return { ...(resource.name ? { name: resource.name } : {}), ...(resource.namespace ? { namespace: resource.namespace } : {}) };
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
  const name = resource.name ?? '';
  return resource.namespace ? `${TRAFFIC_METRICS_PATH}/namespaces/${resource.namespace}/${plural}/${name}` : `${TRAFFIC_METRICS_PATH}/${plural}/${name}`;
}

function sortByResource(measured: MeasuredResource[]): MeasuredResource[] {
  const key = ({ resource }: MeasuredResource) => `${resource.namespace ?? ''}/${resource.name ?? ''}`;
  return [...measured].sort((a, b) => key(a).localeCompare(key(b)));
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
