import { templateVariables } from '../text/template.ts';
import { ABSOLUTE_HTTP_URL_RULE, isAbsoluteHttpUrl } from './http-url.ts';
import { METRIC_TEMPLATE_VARIABLES, type MetricTemplate } from './metric-template.ts';
import { metadataNameRules } from './common-rules.ts';
import type { ValidationError } from './validation-error.ts';

const KNOWN_VARIABLES = `${METRIC_TEMPLATE_VARIABLES.join(', ')}, variables.<name>`;

/** MetricTemplate rules beyond the schema: a usable address and only placeholders Kanari can fill. */
export function metricTemplateRules(template: MetricTemplate): ValidationError[] {
  const errors: ValidationError[] = [...metadataNameRules(template.metadata)];
  const provider = template.spec.provider;
  if (provider.address !== undefined && !isAbsoluteHttpUrl(provider.address)) {
    errors.push({ path: 'spec.provider.address', message: ABSOLUTE_HTTP_URL_RULE });
  }
  if (provider.type === 'prometheus' && provider.address === undefined) {
    errors.push({ path: 'spec.provider.address', message: 'is required for the prometheus provider' });
  }
  errors.push(...variableRules(template.spec.query ?? '', 'spec.query'));
  const counts = template.spec.counts;
  if (counts !== undefined) {
    if (provider.type !== 'prometheus') {
      errors.push({ path: 'spec.counts', message: `needs the prometheus provider: the ${provider.type} provider answers windowed values, not the cumulative counters a comparison differences` });
    }
    errors.push(...variableRules(counts.requests, 'spec.counts.requests'), ...variableRules(counts.failures, 'spec.counts.failures'));
  }
  return errors;
}

function variableRules(query: string, path: string): ValidationError[] {
  const errors: ValidationError[] = [];
  for (const variable of templateVariables(query)) {
    const known = (METRIC_TEMPLATE_VARIABLES as readonly string[]).includes(variable) || /^variables\.[A-Za-z_][\w-]*$/.test(variable);
    if (!known) errors.push({ path, message: `uses unknown template variable "${variable}"; known: ${KNOWN_VARIABLES}` });
  }
  return errors;
}
