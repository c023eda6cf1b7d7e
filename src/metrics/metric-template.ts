import { renderTemplate, TemplateError } from '../text/template.ts';
import { createMetricsProvider, type ProviderContext, type ProviderSpec } from './factory.ts';
import { MetricsError } from './metrics-error.ts';
import type { MetricResult, QueryOptions } from './provider.ts';

/** The part of a `kanari.dev/v1alpha1` MetricTemplate this module reads. */
export interface MetricTemplateLike {
  metadata: { name: string; namespace?: string };
  spec: { provider: ProviderSpec; query: string };
}

/** Flagger's query variables, taken from the Canary and the metric that references the template. */
export interface MetricTemplateVariables {
  /** The Canary's name. */
  name: string;
  namespace: string;
  /** `spec.targetRef.name`, the workload under test. */
  target: string;
  /** `spec.service.name`. */
  service: string;
  /** The metric's interval as written ("1m"), which PromQL reads as a range. */
  interval: string;
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
    return renderTemplate(template.spec.query, {
      name: variables.name,
      namespace: variables.namespace,
      target: variables.target,
      service: variables.service,
      interval: variables.interval,
      variables: { ...variables.variables },
    });
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
