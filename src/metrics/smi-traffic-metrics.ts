import type { KubeConfig } from '@kubernetes/client-node';
import { Duration } from '../api/duration.ts';
import { kubeGet, type KubeGetResponse } from './kube-get.ts';
import { MetricsError } from './metrics-error.ts';
import {
  metricValue,
  noData,
  type BuiltinMetricsSource,
  type MetricResult,
  type MetricsProvider,
  type QueryOptions,
  type Workload,
} from './provider.ts';
import { tryParseQuantity } from './quantity.ts';
import { isLatencyMetric, kindOfResource, RESOURCE_FOR_KIND, TRAFFIC_METRIC_NAMES, TRAFFIC_METRICS_PATH, type TrafficMetricName } from './traffic-metrics-api.ts';

const DEFAULT_TIMEOUT_MILLISECONDS = 5000;

/** The message the engine shows when no cluster component serves TrafficMetrics. */
export const API_NOT_SERVED_MESSAGE =
  'TrafficMetrics API not served: set spec.metricsServer to your Prometheus, install an SMI metrics server (kanari metrics-server), or use the prometheus provider';

/** The five values of one TrafficMetrics object by name, latencies already in milliseconds (NaN when the answer had none). */
export type TrafficMetricsValues = Record<TrafficMetricName, number>;

/** What one read of the TrafficMetrics API yields: values, or why there are none. */
export type TrafficMetricsRead = { kind: 'metrics'; values: TrafficMetricsValues } | { kind: 'no-data'; reason: string };

interface RawMetric {
  name?: string;
  unit?: string;
  value?: string | number;
}
interface RawTrafficMetrics {
  kind?: string;
  resource?: { kind?: string; name?: string; namespace?: string } | null;
  metrics?: RawMetric[] | null;
  items?: RawTrafficMetrics[] | null;
  error?: string;
}

/**
 * Reads `metrics.smi-spec.io/v1alpha1` TrafficMetrics through the Kubernetes API (so the kubeconfig's TLS
 * and credentials apply) and computes the built-in checks from them. Every "no data" shape smi-metrics
 * produces is reported as no data; the group not being served at all is a MetricsError.
 */
export class SmiTrafficMetricsReader implements BuiltinMetricsSource, MetricsProvider {
  readonly type = 'smi';
  readonly address: string;
  private readonly kubeConfig: KubeConfig;
  private readonly timeoutMilliseconds: number;
  /** Reads in flight by path: a tick measures success rate and duration at once from the same object. */
  private readonly inFlight = new Map<string, Promise<TrafficMetricsRead>>();

  constructor(options: { kubeConfig: KubeConfig; timeoutMilliseconds?: number }) {
    this.kubeConfig = options.kubeConfig;
    this.timeoutMilliseconds = options.timeoutMilliseconds ?? DEFAULT_TIMEOUT_MILLISECONDS;
    this.address = `${options.kubeConfig.getCurrentCluster()?.server ?? 'kubernetes'}${TRAFFIC_METRICS_PATH}`;
  }

  /** Success rate in percent: success / (success + failure) × 100; zero requests is no data. */
  async requestSuccessRate(workload: Workload, windowMilliseconds: number, options: QueryOptions = {}): Promise<MetricResult> {
    const read = await this.read(workload, windowMilliseconds, options);
    if (read.kind === 'no-data') return read;
    const { success_count: successCount, failure_count: failureCount } = read.values;
    const total = successCount + failureCount;
    if (total <= 0) return noData(`zero requests to ${describe(workload)} in the last ${windowText(windowMilliseconds)}`);
    return metricValue((successCount / total) * 100);
  }

  /** p99 latency in milliseconds; zero requests and negative (NaN on the server) latency are no data. */
  async requestDuration(workload: Workload, windowMilliseconds: number, options: QueryOptions = {}): Promise<MetricResult> {
    const read = await this.read(workload, windowMilliseconds, options);
    if (read.kind === 'no-data') return read;
    const { success_count: successCount, failure_count: failureCount, p99_response_latency: p99LatencyMilliseconds } = read.values;
    if (successCount + failureCount <= 0) return noData(`zero requests to ${describe(workload)} in the last ${windowText(windowMilliseconds)}`);
    if (Number.isNaN(p99LatencyMilliseconds)) return noData(`no p99 latency for ${describe(workload)} in the TrafficMetrics answer`);
    if (p99LatencyMilliseconds < 0) return noData(`negative p99 latency ${p99LatencyMilliseconds}ms for ${describe(workload)} (the server computed NaN: too few requests)`);
    return metricValue(p99LatencyMilliseconds);
  }

  /**
   * Runs a TrafficMetrics selector, for MetricTemplates with provider type `smi`:
   * `/namespaces/{ns}/{resource}/{name}?t={window}&metric={name}` where metric is one of the five
   * TrafficMetrics names, `success_rate` or `request_count`.
   */
  async query(query: string, options: QueryOptions = {}): Promise<MetricResult> {
    const selector = parseSelector(query);
    if (selector.metric === 'success_rate') return this.requestSuccessRate(selector.workload, selector.windowMilliseconds, options);
    const read = await this.read(selector.workload, selector.windowMilliseconds, options);
    if (read.kind === 'no-data') return read;
    if (selector.metric === 'request_count') return metricValue(read.values.success_count + read.values.failure_count);
    const key = TRAFFIC_METRIC_NAMES.find((name) => name === selector.metric);
    if (!key) throw new MetricsError('QueryFailed', `unknown TrafficMetrics metric "${selector.metric}" in ${query}: use one of ${[...TRAFFIC_METRIC_NAMES, 'success_rate', 'request_count'].join(', ')}`);
    const value = read.values[key];
    if (Number.isNaN(value)) return noData(`no ${selector.metric} for ${describe(selector.workload)} in the TrafficMetrics answer`);
    if (value < 0) return noData(`negative ${selector.metric} for ${describe(selector.workload)}`);
    return metricValue(value);
  }

  /**
   * GETs the workload's TrafficMetrics for the window and reads its five values. Concurrent reads of the
   * same object share one request: both built-in checks of a tick then cost one GET, not two.
   */
  read(workload: Workload, windowMilliseconds: number, options: QueryOptions = {}): Promise<TrafficMetricsRead> {
    const kind = workload.kind ?? 'Deployment';
    const path = kind === 'Namespace'
      ? `${TRAFFIC_METRICS_PATH}/namespaces/${encodeURIComponent(workload.name)}`
      : `${TRAFFIC_METRICS_PATH}/namespaces/${encodeURIComponent(workload.namespace)}/${RESOURCE_FOR_KIND[kind]}/${encodeURIComponent(workload.name)}`;
    const url = `${path}?t=${windowText(windowMilliseconds)}`;
    const shared = this.inFlight.get(url);
    if (shared && !options.signal) return shared;
    const reading = this.fetchValues(url, workload, windowMilliseconds, options).finally(() => {
      if (this.inFlight.get(url) === reading) this.inFlight.delete(url);
    });
    if (!options.signal) this.inFlight.set(url, reading);
    return reading;
  }

  private async fetchValues(url: string, workload: Workload, windowMilliseconds: number, options: QueryOptions): Promise<TrafficMetricsRead> {
    const response = await this.get(url, options);
    const body = parseJson(response.body);
    if (response.status === 404) {
      if (await this.groupServed(options)) return noData(`no TrafficMetrics for ${describe(workload)} (HTTP 404${body?.error ? `: ${body.error}` : ''})`);
      throw new MetricsError('MetricsApiNotServed', API_NOT_SERVED_MESSAGE);
    }
    // smi-metrics' way of saying it has no series for the workload: nobody called it in the window.
    if (response.status === 500 && body?.error === 'unable to lookup metrics') {
      return noData(`no requests to ${describe(workload)} recorded in the last ${windowText(windowMilliseconds)}`);
    }
    this.failOnStatus(response, body);
    if (!body) throw new MetricsError('QueryFailed', `the TrafficMetrics API ${this.address} answered 200 with a body that is not JSON`);
    return readValues(pickItem(body, workload), workload);
  }

  private async groupServed(options: QueryOptions): Promise<boolean> {
    const response = await this.get(TRAFFIC_METRICS_PATH, options);
    if (response.status === 404) return false;
    this.failOnStatus(response, parseJson(response.body));
    return true;
  }

  private failOnStatus(response: KubeGetResponse, body: RawTrafficMetrics | undefined): void {
    if (response.status === 200) return;
    if (response.status === 401 || response.status === 403) {
      throw new MetricsError('Unauthorized', `the Kubernetes API ${this.address} refused to serve TrafficMetrics (HTTP ${response.status}): grant get on metrics.smi-spec.io resources to Kanari's service account`);
    }
    if (response.status === 503) {
      throw new MetricsError('ProviderUnreachable', `the TrafficMetrics API ${this.address} is registered but its server is unavailable (HTTP 503)`);
    }
    const detail = body?.error ?? (body as { message?: string } | undefined)?.message ?? response.body.slice(0, 200);
    throw new MetricsError('QueryFailed', `the TrafficMetrics API ${this.address} answered HTTP ${response.status}: ${detail}`);
  }

  private async get(path: string, options: QueryOptions): Promise<KubeGetResponse> {
    try {
      return await kubeGet(this.kubeConfig, path, { timeoutMilliseconds: this.timeoutMilliseconds, signal: options.signal });
    } catch (err) {
      const code = (err as { code?: string }).code;
      const what = code === 'ETIMEDOUT' ? 'timed out' : `is unreachable (${code ?? (err instanceof Error ? err.message : String(err))})`;
      throw new MetricsError('ProviderUnreachable', `the TrafficMetrics API ${this.address} ${what}`);
    }
  }
}

/** smi-metrics answers a GET with a list when it did not find exactly one item; find ours in it. */
function pickItem(body: RawTrafficMetrics | undefined, workload: Workload): RawTrafficMetrics | undefined {
  if (!body) return undefined;
  if (body.kind !== 'TrafficMetricsList' && !('items' in body)) return body;
  return (body.items ?? []).find((item) => item.resource?.name === workload.name);
}

function readValues(item: RawTrafficMetrics | undefined, workload: Workload): TrafficMetricsRead {
  if (!item) return noData(`the TrafficMetrics answer has no item for ${describe(workload)}`);
  const metrics = item.metrics ?? [];
  const values = {} as TrafficMetricsValues;
  for (const name of TRAFFIC_METRIC_NAMES) {
    const metric = metrics.find((m) => m.name === name);
    // Kanari's own servers leave out a latency nothing measured; the counts still tell the success rate.
    if (isLatencyMetric(name) && !metric) {
      values[name] = Number.NaN;
      continue;
    }
    if (!metric || metric.value === undefined || metric.value === null) return noData(`metric ${name} missing from the TrafficMetrics of ${describe(workload)}`);
    const value = tryParseQuantity(metric.value);
    if (value === undefined) return noData(`metric ${name} of ${describe(workload)} is ${JSON.stringify(metric.value)}, not a quantity`);
    values[name] = isLatencyMetric(name) ? value * unitMilliseconds(metric.unit, name) : value;
  }
  return { kind: 'metrics', values };
}

function unitMilliseconds(unit: string | undefined, name: string): number {
  switch (unit ?? 'ms') {
    case 'ms':
    case 'milliseconds':
      return 1;
    case 's':
    case 'seconds':
      return 1000;
    case 'us':
    case 'µs':
    case 'microseconds':
      return 1e-3;
    case 'ns':
    case 'nanoseconds':
      return 1e-6;
    default:
      throw new MetricsError('QueryFailed', `TrafficMetrics metric ${name} has unit "${unit}", which Kanari cannot convert to milliseconds`);
  }
}

function parseSelector(query: string): { workload: Workload; windowMilliseconds: number; metric: string } {
  const url = new URL(query.trim().replace(/^\/?/, '/'), 'http://selector');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const kind = parts.length === 4 && parts[0] === 'namespaces' ? kindOfResource(parts[2]) : undefined;
  let workload: Workload | undefined;
  if (kind) {
    workload = { namespace: parts[1], kind, name: parts[3] };
  } else if (parts.length === 2 && parts[0] === 'namespaces') {
    workload = { namespace: parts[1], kind: 'Namespace', name: parts[1] };
  }
  const metric = url.searchParams.get('metric');
  if (!workload || !metric) {
    throw new MetricsError('QueryFailed', `"${query}" is not a TrafficMetrics selector: use /namespaces/{namespace}/deployments/{name}?t={window}&metric={metric}`);
  }
  const window = Duration.tryParse(url.searchParams.get('t') ?? '1m');
  if (!window) throw new MetricsError('QueryFailed', `"${url.searchParams.get('t')}" in ${query} is not a window: use e.g. 30s, 1m`);
  return { workload, metric, windowMilliseconds: window.milliseconds };
}

function parseJson(text: string): RawTrafficMetrics | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as RawTrafficMetrics) : undefined;
  } catch {
    return undefined;
  }
}

function describe(workload: Workload): string {
  return `${(workload.kind ?? 'Deployment').toLowerCase()} ${workload.namespace}/${workload.name}`;
}

function windowText(windowMilliseconds: number): string {
  return Duration.fromMilliseconds(windowMilliseconds).text;
}
