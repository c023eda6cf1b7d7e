import type { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_MESH, type Canary, type CanaryMetric, type Mesh } from '../api/canary.ts';
import { metricInterval } from '../api/canary-settings.ts';
import { serviceNameOf } from '../api/names.ts';
import { parseRouterProvider } from '../api/router-provider.ts';
import type { MetricObservation } from '../engine/observation.ts';
import type { MetricsSource } from '../engine/ports.ts';
import { createBuiltinMetrics, isBuiltinMetric, measureBuiltinMetric } from '../metrics/builtin-metrics.ts';
import { createMetricsProvider } from '../metrics/factory.ts';
import { MetricsError } from '../metrics/metrics-error.ts';
import { runMetricTemplate, type MetricTemplateLike } from '../metrics/metric-template.ts';
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
      if (err instanceof MetricsError) return { name: metric.name, result: 'error', reason: err.message, errorReason: err.reason };
      return { name: metric.name, result: 'error', reason: err instanceof Error ? err.message : String(err), errorReason: 'QueryFailed' };
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
    return (await provider).query(query);
  }

  private async query(canary: Canary, metric: CanaryMetric): Promise<MetricResult> {
    const namespace = canary.metadata.namespace ?? 'default';
    const interval = metricInterval(metric);
    if (metric.templateRef) {
      const templateNamespace = metric.templateRef.namespace ?? namespace;
      const template = this.options.lookupTemplate(templateNamespace, metric.templateRef.name);
      if (!template) throw new MetricsError('InvalidProvider', `MetricTemplate ${templateNamespace}/${metric.templateRef.name} not found`);
      const variables = {
        name: canary.metadata.name ?? '',
        namespace,
        target: canary.spec.targetRef.name,
        service: serviceNameOf(canary),
        interval: interval.text,
        variables: metric.templateVariables,
      };
      return runMetricTemplate(template, variables, { secretReader: this.options.secretReader, kubeConfig: this.options.kubeConfig });
    }
    if (!isBuiltinMetric(metric.name)) {
      throw new MetricsError('InvalidProvider', `metric "${metric.name}" is neither built in nor backed by a templateRef`);
    }
    const workload = { namespace, name: canary.spec.targetRef.name, kind: canary.spec.targetRef.kind === 'DaemonSet' ? ('Daemonset' as const) : ('Deployment' as const) };
    return measureBuiltinMetric(this.builtinSource(canary), metric.name, workload, interval.milliseconds);
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

function observation(name: string, result: MetricResult): MetricObservation {
  return result.kind === 'value' ? { name, result: 'value', value: result.value } : { name, result: 'no-data', reason: result.reason };
}

/** The metrics package's view of a MetricTemplate: Flagger's `headers` is an http.Header (lists of values). */
export function metricTemplateLike(template: MetricTemplate, name: string): MetricTemplateLike {
  const { headers, ...provider } = template.spec.provider;
  const joined = headers && Object.fromEntries(Object.entries(headers).map(([key, values]) => [key, values.join(', ')]));
  return { metadata: { name, namespace: template.metadata.namespace }, spec: { query: template.spec.query, provider: { ...provider, headers: joined } } };
}
