import type { Mesh } from '../api/canary.ts';
import type { WorkloadKind } from './provider.ts';
import { isLatencyMetric, LATENCY_QUANTILES, type EdgeDirection, type ResourceSelector, type TrafficMetricName } from './traffic-metrics-api.ts';

/**
 * The PromQL behind TrafficMetrics and the built-in checks, per service mesh. Linkerd's are the queries
 * smi-metrics ran; Istio's and OSM's use each mesh's standard request counter and latency histogram
 * with the labels those meshes emit.
 */

/** The label pair that identifies a resource of some kind in a mesh's series. */
export interface ResourceLabels {
  name: string;
  namespace: string;
}

interface MeshSchema {
  requestCounter: string;
  latencyHistogram: string;
  /** Matchers that restrict resource queries to the server side of each request. */
  resourceScope: string[];
  /** Matchers that restrict edge queries to one report per request. */
  edgeScope: string[];
  success: string;
  failure: string;
  /** Labels naming the destination (resource queries) of a request. */
  resourceLabels(kind: WorkloadKind): ResourceLabels;
  /** Labels naming the source and destination of a request, for edges. */
  edgeLabels(kind: WorkloadKind): { source: ResourceLabels; destination: ResourceLabels };
}

const SCHEMAS: Record<Mesh, MeshSchema> = {
  linkerd: {
    requestCounter: 'response_total',
    latencyHistogram: 'response_latency_ms_bucket',
    resourceScope: ['direction="inbound"'],
    // Outbound series are the only ones that carry dst_* labels, so the labels alone pick the client side.
    edgeScope: [],
    success: 'classification="success"',
    failure: 'classification="failure"',
    resourceLabels: (kind) => ({ name: kind.toLowerCase(), namespace: 'namespace' }),
    edgeLabels: (kind) => ({
      source: { name: kind.toLowerCase(), namespace: 'namespace' },
      destination: { name: `dst_${kind.toLowerCase()}`, namespace: 'dst_namespace' },
    }),
  },
  istio: {
    requestCounter: 'istio_requests_total',
    latencyHistogram: 'istio_request_duration_milliseconds_bucket',
    resourceScope: ['reporter="destination"'],
    edgeScope: ['reporter="destination"'],
    success: 'response_code!~"5.*"',
    failure: 'response_code=~"5.*"',
    resourceLabels: (kind) => istioLabels('destination', kind),
    edgeLabels: (kind) => ({ source: istioLabels('source', kind), destination: istioLabels('destination', kind) }),
  },
  osm: {
    requestCounter: 'osm_request_total',
    latencyHistogram: 'osm_request_duration_ms_bucket',
    resourceScope: [],
    edgeScope: [],
    // Flagger's OSM checks count only 5xx as failures, the same rule as Istio's.
    success: 'response_code!~"5.*"',
    failure: 'response_code=~"5.*"',
    resourceLabels: (kind) => osmLabels('destination', kind),
    edgeLabels: (kind) => ({ source: osmLabels('source', kind), destination: osmLabels('destination', kind) }),
  },
};

function istioLabels(side: 'source' | 'destination', kind: WorkloadKind): ResourceLabels {
  const namespace = `${side}_workload_namespace`;
  if (kind === 'Namespace') return { name: namespace, namespace };
  // Istio's standard metrics name workloads, not pods; the scrape adds `pod` for the reporting (destination) pod.
  if (kind === 'Pod') return { name: side === 'destination' ? 'pod' : `${side}_workload`, namespace };
  return { name: `${side}_workload`, namespace };
}

function osmLabels(side: 'source' | 'destination', kind: WorkloadKind): ResourceLabels {
  const namespace = `${side}_namespace`;
  if (kind === 'Namespace') return { name: namespace, namespace };
  if (kind === 'Pod') return { name: `${side}_pod`, namespace };
  return { name: `${side}_name`, namespace };
}

/** The labels that identify a resource of `kind` in `mesh`'s resource-query results. */
export function resourceLabels(mesh: Mesh, kind: WorkloadKind): ResourceLabels {
  return SCHEMAS[mesh].resourceLabels(kind);
}

/** The source and destination labels of `mesh`'s edge-query results. */
export function edgeLabels(mesh: Mesh, kind: WorkloadKind): { source: ResourceLabels; destination: ResourceLabels } {
  return SCHEMAS[mesh].edgeLabels(kind);
}

/** The PromQL for one TrafficMetrics value of the selected resources over a window, grouped per resource. */
export function resourceQuery(mesh: Mesh, metric: TrafficMetricName, selector: ResourceSelector, windowSeconds: number): string {
  const schema = SCHEMAS[mesh];
  const labels = schema.resourceLabels(selector.kind);
  const namespace = selector.kind === 'Namespace' ? selector.name : selector.namespace;
  const identity = labels.name === labels.namespace
    ? [match(labels.namespace, namespace)]
    : [match(labels.namespace, namespace), match(labels.name, selector.name)];
  if (mesh === 'osm' && selector.kind !== 'Namespace' && selector.kind !== 'Pod') identity.push(`destination_kind=~"(?i)${selector.kind}"`);
  return build(schema, metric, [...identity, ...schema.resourceScope], unique([labels.name, labels.namespace]), windowSeconds);
}

/** The PromQL for one value of the edges of one resource: whom it calls (`to`) or who calls it (`from`). */
export function edgeQuery(mesh: Mesh, metric: TrafficMetricName, selector: ResourceSelector, direction: EdgeDirection, windowSeconds: number): string {
  const schema = SCHEMAS[mesh];
  const { source, destination } = schema.edgeLabels(selector.kind);
  const self = direction === 'to' ? source : destination;
  const peer = direction === 'to' ? destination : source;
  const namespace = selector.kind === 'Namespace' ? selector.name : selector.namespace;
  const matchers = self.name === self.namespace
    ? [match(self.namespace, namespace), match(peer.namespace, undefined)]
    : [match(self.namespace, namespace), match(self.name, selector.name), match(peer.name, undefined)];
  const grouping = unique([source.name, source.namespace, destination.name, destination.namespace]);
  return build(schema, metric, [...matchers, ...schema.edgeScope], grouping, windowSeconds);
}

function build(schema: MeshSchema, metric: TrafficMetricName, matchers: string[], grouping: string[], windowSeconds: number): string {
  const window = `${Math.max(1, Math.round(windowSeconds))}s`;
  if (isLatencyMetric(metric)) {
    const quantile = LATENCY_QUANTILES[metric].toFixed(2);
    return `histogram_quantile(${quantile}, sum(irate(${schema.latencyHistogram}{${matchers.join(', ')}}[${window}])) by (${[...grouping, 'le'].join(', ')}))`;
  }
  const outcome = metric === 'success_count' ? schema.success : schema.failure;
  return `sum(increase(${schema.requestCounter}{${[outcome, ...matchers].join(', ')}}[${window}])) by (${grouping.join(', ')})`;
}

/** Which requests a counter query counts: all of them, or only the failed ones. */
export type CounterOutcome = 'total' | 'failure';

/**
 * The PromQL for the cumulative request counter of one workload (no rate() or increase()): the judge
 * takes raw differences of it between two instants, which, unlike increase(), does not extrapolate.
 */
export function counterQuery(mesh: Mesh, outcome: CounterOutcome, selector: ResourceSelector): string {
  const schema = SCHEMAS[mesh];
  const matchers = [...(outcome === 'failure' ? [schema.failure] : []), ...resourceMatchers(mesh, selector), ...schema.resourceScope];
  return `sum(${schema.requestCounter}{${matchers.join(', ')}})`;
}

/** The PromQL for one workload's cumulative latency histogram by bucket boundary; `windowSeconds` asks for its increase over a window instead. */
export function histogramQuery(mesh: Mesh, selector: ResourceSelector, windowSeconds?: number): string {
  const schema = SCHEMAS[mesh];
  const series = `${schema.latencyHistogram}{${[...resourceMatchers(mesh, selector), ...schema.resourceScope].join(', ')}}`;
  const inner = windowSeconds === undefined ? series : `increase(${series}[${Math.max(1, Math.round(windowSeconds))}s])`;
  return `sum by (le) (${inner})`;
}

function resourceMatchers(mesh: Mesh, selector: ResourceSelector): string[] {
  const labels = SCHEMAS[mesh].resourceLabels(selector.kind);
  const namespace = selector.kind === 'Namespace' ? selector.name : selector.namespace;
  const identity = labels.name === labels.namespace ? [match(labels.namespace, namespace)] : [match(labels.namespace, namespace), match(labels.name, selector.name)];
  if (mesh === 'osm' && selector.kind !== 'Namespace' && selector.kind !== 'Pod') identity.push(`destination_kind=~"(?i)${selector.kind}"`);
  return identity;
}

/** A regex matcher that matches exactly `value`, or anything when it is absent. */
function match(label: string, value: string | undefined): string {
  return `${label}=~"${value === undefined || value === '' ? '.+' : escapeRegex(value)}"`;
}

// Kubernetes names may contain dots; escaped so "web.v2" matches only itself. The backslash is doubled
// because the regex sits inside a PromQL string literal.
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, (char) => `\\\\${char}`).replace(/"/g, '\\"');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
