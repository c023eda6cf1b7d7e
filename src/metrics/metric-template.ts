import { METRIC_TEMPLATE_VARIABLES, type MetricTemplateSpec, type MetricTemplateVariable } from '../api/metric-template.ts';
import { renderTemplate, TemplateError } from '../text/template.ts';
import { createMetricsProvider, type ProviderContext, type ProviderSpec } from './factory.ts';
import { MetricsError } from './metrics-error.ts';
import type { MetricResult, QueryOptions } from './provider.ts';

/** A `kanari.dev/v1alpha1` MetricTemplate as this module reads it: named, its provider in the factory's form. */
export interface MetricTemplateLike {
  metadata: { name: string; namespace?: string };
  spec: Omit<MetricTemplateSpec, 'provider'> & { provider: ProviderSpec };
}

/** Flagger's query variables (see METRIC_TEMPLATE_VARIABLES), taken from the Canary and the metric that references the template. */
export interface MetricTemplateVariables extends Record<MetricTemplateVariable, string> {
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
export function renderMetricQuery(template: MetricTemplateLike, variables: MetricTemplateVariables): string {
  try {
    const named = Object.fromEntries(METRIC_TEMPLATE_VARIABLES.map((name) => [name, variables[name]]));
    return renderTemplate(template.spec.query, { ...named, variables: { ...variables.variables } });
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

function describe(template: MetricTemplateLike): string {
  return template.metadata.namespace ? `${template.metadata.namespace}/${template.metadata.name}` : template.metadata.name;
}
