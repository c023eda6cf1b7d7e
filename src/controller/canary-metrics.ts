import type { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_MESH, type Canary, type CanaryMetric, type Mesh } from '../api/canary.ts';
import { metricInterval } from '../api/canary-settings.ts';
import { baselineName, primaryName, serviceNameOf } from '../api/names.ts';
import { parseRouterProvider } from '../api/router-provider.ts';
import type { ComparisonObservation, ComparisonRequest, MetricObservation } from '../engine/observation.ts';
import type { MetricsSource } from '../engine/ports.ts';
import { createBuiltinMetrics, isBuiltinMetric, measureBuiltinMetric } from '../metrics/builtin-metrics.ts';
import { countersBetween, meshCounterReader, meshHistograms, trafficMetricsCounts, type ComparedSides, type CountsResult } from '../metrics/comparison-counts.ts';
import { PrometheusMeshMetrics } from '../metrics/mesh-metrics.ts';
import { MetricsError } from '../metrics/metrics-error.ts';
import { runMetricTemplate, templateCounterReader, type MetricTemplateLike, type MetricTemplateVariables } from '../metrics/metric-template.ts';
import { SmiTrafficMetricsReader } from '../metrics/smi-traffic-metrics.ts';
import { createMetricsProvider } from '../metrics/factory.ts';
import type { BuiltinMetricsSource, MetricResult, MetricsProvider } from '../metrics/provider.ts';
import type { SecretReader } from '../kube/secret-reader.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import { combineObservations } from './metric-observations.ts';

/** Finds a MetricTemplate (from the informer cache in the controller). */
export type MetricTemplateLookup = (namespace: string, name: string) => MetricTemplateLike | undefined;

export interface CanaryMetricsOptions {
  kubeConfig: KubeConfig;
  secretReader: SecretReader;
  lookupTemplate: MetricTemplateLookup;
  /** `--metrics-server`: Prometheus for built-ins when a Canary names none and TrafficMetrics is not wanted. */
  defaultMetricsServer?: string;
  /** `--mesh`: whose metric names the Prometheus queries use; Linkerd's (smi-metrics' own) by default. */
  defaultMesh?: Mesh;
  /** The instant values are measured at; now unless a replay of history (`kanari backtest`) says otherwise. */
  at?: () => Date;
}

/**
 * The engine's MetricsSource: built-ins from the TrafficMetrics API, or from Prometheus with the mesh's
 * queries when the Canary (or the controller) names a metrics server; templated metrics from their
 * MetricTemplate's provider. Never throws: a provider failure is an `error` observation with its reason.
 */
export class CanaryMetrics implements MetricsSource {
  private readonly options: CanaryMetricsOptions;
  private readonly builtinSources = new Map<string, BuiltinMetricsSource>();
  private readonly inlineProviders = new Map<string, Promise<MetricsProvider>>();

  constructor(options: CanaryMetricsOptions) {
    this.options = options;
  }

  async measure(canary: Canary, metric: CanaryMetric): Promise<MetricObservation> {
    // Flagger's inline query beside a templateRef: both are checked.
    const sources: Array<() => Promise<MetricResult>> = [];
    if (metric.query !== undefined) sources.push(() => this.inlineQuery(canary, metric, metric.query!));
    if (metric.templateRef || metric.query === undefined) sources.push(() => this.query(canary, metric));
    return combineObservations(metric, await Promise.all(sources.map((source) => this.observe(metric, source))));
  }

  private async observe(metric: CanaryMetric, source: () => Promise<MetricResult>): Promise<MetricObservation> {
    try {
      return observation(metric.name, await source());
    } catch (err) {
      return { name: metric.name, result: 'error', ...failure(err) };
    }
  }

  /** Flagger's inline PromQL: run as written (no template variables) on the Canary's metrics server. */
  private async inlineQuery(canary: Canary, metric: CanaryMetric, query: string): Promise<MetricResult> {
    const address = canary.spec.metricsServer ?? this.options.defaultMetricsServer;
    if (!address) {
      throw new MetricsError('InvalidProvider', `metric "${metric.name}" has an inline query but no Prometheus to run it on: set spec.metricsServer or start the controller with --metrics-server`);
    }
    let provider = this.inlineProviders.get(address);
    if (!provider) {
      provider = createMetricsProvider({ type: 'prometheus', address }, { namespace: canary.metadata.namespace ?? 'default' });
      // A bad address is reported at every measurement, not remembered.
      provider.catch(() => this.inlineProviders.delete(address));
      this.inlineProviders.set(address, provider);
    }
    return (await provider).query(query, this.queryOptions());
  }

  /**
   * Counts a compared metric on the canary and on the primary (or the baseline) over the requested
   * interval: from the mesh's counters and histograms in Prometheus, from the TrafficMetrics API, or
   * from a MetricTemplate's `counts` queries.
   */
  async compare(canary: Canary, metric: CanaryMetric, request: ComparisonRequest): Promise<ComparisonObservation> {
    try {
      const counted = await this.count(canary, metric, request);
      if (counted.kind === 'no-data') return { result: 'no-data', reason: counted.reason };
      if (counted.kind === 'counts') return { result: 'counts', counts: counted.counts };
      return { result: 'histograms', canary: counted.canary, reference: counted.reference, ...(counted.boundaryWindow === undefined ? {} : { boundaryWindow: counted.boundaryWindow }) };
    } catch (err) {
      return { result: 'error', ...failure(err) };
    }
  }

  private async count(canary: Canary, metric: CanaryMetric, request: ComparisonRequest): Promise<CountsResult> {
    const namespace = canary.metadata.namespace ?? 'default';
    const target = canary.spec.targetRef.name;
    const kind = workloadKindOf(canary);
    const sides: ComparedSides = {
      canary: { namespace, name: target, kind },
      reference: { namespace, name: request.against === 'baseline' ? baselineName(target) : primaryName(target), kind: request.against === 'baseline' ? 'Deployment' : kind },
    };
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (metric.templateRef) {
      const template = this.template(canary, metric.templateRef);
      const reader = await templateCounterReader(template, this.variables(canary, metric), sides, { secretReader: this.options.secretReader, kubeConfig: this.options.kubeConfig });
      return countersBetween(reader, from, to);
    }
    if (!isBuiltinMetric(metric.name)) throw new MetricsError('InvalidProvider', `metric "${metric.name}" is neither built in nor backed by a templateRef`);
    const source = this.builtinSource(canary);
    if (source instanceof PrometheusMeshMetrics) {
      if (request.kind === 'latency') {
        const window = request.boundaryWindow && { from: new Date(request.boundaryWindow.from), to: new Date(request.boundaryWindow.to) };
        return meshHistograms(source.prometheus, source.mesh, sides, from, to, window);
      }
      return countersBetween(meshCounterReader(source.prometheus, source.mesh, sides), from, to);
    }
    if (request.kind === 'latency') {
      throw new MetricsError('NotComparable', `${metric.name} cannot be compared from the TrafficMetrics API, which serves quantiles, not histograms: set spec.metricsServer (or --metrics-server) to your Prometheus`);
    }
    return trafficMetricsCounts(source as SmiTrafficMetricsReader, sides, request.to - request.from);
  }

  private template(canary: Canary, ref: NonNullable<CanaryMetric['templateRef']>): MetricTemplateLike {
    const templateNamespace = ref.namespace ?? canary.metadata.namespace ?? 'default';
    const template = this.options.lookupTemplate(templateNamespace, ref.name);
    if (!template) throw new MetricsError('InvalidProvider', `MetricTemplate ${templateNamespace}/${ref.name} not found`);
    return template;
  }

  private variables(canary: Canary, metric: CanaryMetric): MetricTemplateVariables {
    return {
      name: canary.metadata.name ?? '',
      namespace: canary.metadata.namespace ?? 'default',
      target: canary.spec.targetRef.name,
      service: serviceNameOf(canary),
      interval: metricInterval(metric).text,
      variables: metric.templateVariables,
    };
  }

  private async query(canary: Canary, metric: CanaryMetric): Promise<MetricResult> {
    const namespace = canary.metadata.namespace ?? 'default';
    const interval = metricInterval(metric);
    if (metric.templateRef) {
      const context = { secretReader: this.options.secretReader, kubeConfig: this.options.kubeConfig };
      return runMetricTemplate(this.template(canary, metric.templateRef), this.variables(canary, metric), context, this.queryOptions());
    }
    if (!isBuiltinMetric(metric.name)) {
      throw new MetricsError('InvalidProvider', `metric "${metric.name}" is neither built in nor backed by a templateRef`);
    }
    const workload = { namespace, name: canary.spec.targetRef.name, kind: workloadKindOf(canary) };
    return measureBuiltinMetric(this.builtinSource(canary), metric.name, workload, interval.milliseconds, this.queryOptions());
  }

  private queryOptions(): { time?: Date } {
    return this.options.at === undefined ? {} : { time: this.options.at() };
  }

  private builtinSource(canary: Canary): BuiltinMetricsSource {
    const address = canary.spec.metricsServer ?? this.options.defaultMetricsServer;
    // Flagger's `provider: linkerd`/`osm` also says whose metric names apply.
    const provider = parseRouterProvider(canary.spec.provider);
    const mesh = canary.spec.mesh ?? (provider.kind === 'smi' ? provider.mesh : undefined) ?? this.options.defaultMesh ?? DEFAULT_MESH;
    const key = address ? `${mesh} ${address}` : 'smi';
    let source = this.builtinSources.get(key);
    if (!source) {
      source = address
        ? createBuiltinMetrics({ source: 'prometheus', mesh, prometheus: { address } })
        : createBuiltinMetrics({ source: 'smi', kubeConfig: this.options.kubeConfig });
      this.builtinSources.set(key, source);
    }
    return source;
  }
}

/** How the metrics providers name the target's kind (smi-metrics' spelling). */
function workloadKindOf(canary: Canary): 'Daemonset' | 'Deployment' {
  return canary.spec.targetRef.kind === 'DaemonSet' ? 'Daemonset' : 'Deployment';
}

function failure(err: unknown): { reason: string; errorReason: string } {
  if (err instanceof MetricsError) return { reason: err.message, errorReason: err.reason };
  return { reason: err instanceof Error ? err.message : String(err), errorReason: 'QueryFailed' };
}

function observation(name: string, result: MetricResult): MetricObservation {
  return result.kind === 'value' ? { name, result: 'value', value: result.value } : { name, result: 'no-data', reason: result.reason };
}

/** The metrics package's view of a MetricTemplate: Flagger's `headers` is an http.Header (lists of values). */
export function metricTemplateLike(template: MetricTemplate, name: string): MetricTemplateLike {
  const { headers, ...provider } = template.spec.provider;
  const joined = headers && Object.fromEntries(Object.entries(headers).map(([key, values]) => [key, values.join(', ')]));
  return { metadata: { name, namespace: template.metadata.namespace }, spec: { query: template.spec.query, ...(template.spec.counts ? { counts: template.spec.counts } : {}), provider: { ...provider, headers: joined } } };
}
