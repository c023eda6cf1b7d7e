import { METRIC_TEMPLATE_VARIABLES, type MetricTemplateSpec, type MetricTemplateVariable } from '../api/metric-template.ts';
import { renderTemplate, TemplateError } from '../text/template.ts';
import type { ComparedSides, CounterReader } from './comparison-counts.ts';
import { createMetricsProvider, type ProviderContext, type ProviderSpec } from './factory.ts';
import { MetricsError } from './metrics-error.ts';
import type { PrometheusProvider } from './prometheus.ts';
import type { MetricResult, QueryOptions } from './provider.ts';

/** A `kanari.dev/v1alpha1` MetricTemplate as this module reads it: named, its provider in the factory's form. */
export interface MetricTemplateLike {
  metadata: { name: string; namespace?: string };
  spec: Omit<MetricTemplateSpec, 'provider'> & { provider: ProviderSpec };
}

/** Flagger's query variables (see METRIC_TEMPLATE_VARIABLES), taken from the Canary and the metric that references the template. */
export interface MetricTemplateVariables extends Record<Exclude<MetricTemplateVariable, 'workload'>, string> {
  /** The Deployment measured; the canary (`target`) unless a comparison names a side. */
  workload?: string;
  /** The metric's `templateVariables`. */
  variables?: Record<string, string>;
}

/** Raised when a template cannot be rendered; `variable` names the unknown placeholder. */
export class MetricTemplateError extends MetricsError {
  readonly variable: string;

  constructor(template: MetricTemplateLike, error: TemplateError) {
    super('QueryFailed', `MetricTemplate ${describe(template)}: ${error.message}`);
    this.name = 'MetricTemplateError';
    this.variable = error.variable;
  }
}

/** A templated check's outcome, with the query that was run so Events and status can show it. */
export type TemplateMetricResult = MetricResult & { query: string; provider: string };

/** Renders the template's query with Flagger's variables; throws MetricTemplateError naming an unknown one. */
export function renderMetricQuery(template: MetricTemplateLike, variables: MetricTemplateVariables, query = template.spec.query): string {
  try {
    const values: Record<MetricTemplateVariable, string> = { ...variables, workload: variables.workload ?? variables.target };
    const named = Object.fromEntries(METRIC_TEMPLATE_VARIABLES.map((name) => [name, values[name]]));
    return renderTemplate(query, { ...named, variables: { ...variables.variables } });
  } catch (err) {
    if (err instanceof TemplateError) throw new MetricTemplateError(template, err);
    throw err;
  }
}

/** Renders the template's query and runs it on the template's provider (Secrets read in the template's namespace). */
export async function runMetricTemplate(
  template: MetricTemplateLike,
  variables: MetricTemplateVariables,
  context: Omit<ProviderContext, 'namespace'>,
  options?: QueryOptions,
): Promise<TemplateMetricResult> {
  const query = renderMetricQuery(template, variables);
  const provider = await createMetricsProvider(template.spec.provider, {
    ...context,
    namespace: template.metadata.namespace ?? variables.namespace,
  });
  const result = await provider.query(query, options);
  return { ...result, query, provider: `${provider.type} ${provider.address}` };
}

/**
 * Reads a template's `counts` queries for each side of a comparison: `{{ workload }}` names the side's
 * Deployment, and each query is evaluated at the instant asked (Prometheus only: counters at an instant).
 */
export async function templateCounterReader(
  template: MetricTemplateLike,
  variables: MetricTemplateVariables,
  sides: ComparedSides,
  context: Omit<ProviderContext, 'namespace'>,
): Promise<CounterReader> {
  const counts = template.spec.counts;
  if (counts === undefined) throw new MetricsError('NotComparable', `MetricTemplate ${describe(template)} has no spec.counts: a rate cannot be judged against the primary; add counts.requests and counts.failures`);
  if (template.spec.provider.type !== 'prometheus') throw new MetricsError('NotComparable', `MetricTemplate ${describe(template)} counts with the ${template.spec.provider.type} provider: compare needs Prometheus counters`);
  const queries = {
    canary: { requests: renderMetricQuery(template, { ...variables, workload: sides.canary.name }, counts.requests), failures: renderMetricQuery(template, { ...variables, workload: sides.canary.name }, counts.failures) },
    reference: { requests: renderMetricQuery(template, { ...variables, workload: sides.reference.name }, counts.requests), failures: renderMetricQuery(template, { ...variables, workload: sides.reference.name }, counts.failures) },
  };
  const provider = (await createMetricsProvider(template.spec.provider, { ...context, namespace: template.metadata.namespace ?? variables.namespace })) as PrometheusProvider;
  return (side, counter, at) => provider.query(queries[side][counter], { time: at });
}

function describe(template: MetricTemplateLike): string {
  return template.metadata.namespace ? `${template.metadata.namespace}/${template.metadata.name}` : template.metadata.name;
}
