import type { KubeConfig } from '@kubernetes/client-node';
import { METRIC_PROVIDER_TYPES, type MetricTemplateProvider } from '../api/metric-template.ts';
import { MetricsError, safeAddress } from './metrics-error.ts';
import { PrometheusProvider, type PrometheusOptions } from './prometheus.ts';
import type { MetricsProvider } from './provider.ts';
import type { SecretReader } from '../kube/secret-reader.ts';
import { SmiTrafficMetricsReader } from './smi-traffic-metrics.ts';

/**
 * A MetricTemplate's `spec.provider` as this factory reads it: the API's, except that Flagger's
 * multi-valued `headers` arrive joined into one value per name, as HTTP sends them.
 */
export type ProviderSpec = Omit<MetricTemplateProvider, 'headers'> & { headers?: Record<string, string> };

/** What building a provider may need besides its spec. */
export interface ProviderContext {
  /** Where `secretRef` is looked up: the MetricTemplate's namespace. */
  namespace: string;
  secretReader?: SecretReader;
  /** Needed by the `smi` provider, which reads TrafficMetrics through the Kubernetes API. */
  kubeConfig?: KubeConfig;
}

/** Builds the provider a spec describes, resolving its credentials from the referenced Secret. */
export async function createMetricsProvider(spec: ProviderSpec, context: ProviderContext): Promise<MetricsProvider> {
  switch (spec.type) {
    case 'prometheus':
      return new PrometheusProvider(await prometheusOptions(spec, context));
    case 'smi':
      if (!context.kubeConfig) throw new MetricsError('InvalidProvider', 'the smi metrics provider needs a Kubernetes connection, and none was given');
      return new SmiTrafficMetricsReader({ kubeConfig: context.kubeConfig });
    default:
      // Templates come from the informer cache unvalidated: a cluster without the CRD's enum can hold any type.
      throw new MetricsError('InvalidProvider', `unknown metrics provider type "${String((spec as { type: unknown }).type)}": use one of ${METRIC_PROVIDER_TYPES.join(', ')}`);
  }
}

async function prometheusOptions(spec: ProviderSpec, context: ProviderContext): Promise<PrometheusOptions> {
  if (!spec.address) throw new MetricsError('InvalidProvider', 'the prometheus metrics provider needs spec.provider.address');
  try {
    new URL(spec.address);
  } catch {
    throw new MetricsError('InvalidProvider', `"${safeAddress(spec.address)}" is not a URL: set spec.provider.address to e.g. http://prometheus.monitoring:9090`);
  }
  const options: PrometheusOptions = {
    address: spec.address,
    headers: spec.headers,
    insecureSkipVerify: spec.insecureSkipVerify,
  };
  if (!spec.secretRef) return options;
  const secret = await readSecret(spec.secretRef.name, spec.address, context);
  if (secret.token) return { ...options, bearerToken: secret.token };
  if (secret.username && secret.password !== undefined) return { ...options, basicAuth: { username: secret.username, password: secret.password } };
  throw new MetricsError(
    'InvalidProvider',
    `secret ${context.namespace}/${spec.secretRef.name} for Prometheus ${safeAddress(spec.address)} has neither a "token" key nor "username" and "password" keys`,
  );
}

async function readSecret(name: string, address: string, context: ProviderContext): Promise<Record<string, string>> {
  if (!context.secretReader) throw new MetricsError('InvalidProvider', `cannot read secret ${context.namespace}/${name}: no secret reader was given`);
  try {
    return await context.secretReader(context.namespace, name);
  } catch (err) {
    // Only the status is kept: an error from the API client may quote the request, never the data.
    const code = (err as { code?: number }).code;
    const why = code === 404 ? 'not found' : code ? `HTTP ${code}` : err instanceof Error ? err.message : 'unreadable';
    throw new MetricsError('InvalidProvider', `cannot read secret ${context.namespace}/${name} for Prometheus ${safeAddress(address)}: ${why}`);
  }
}
