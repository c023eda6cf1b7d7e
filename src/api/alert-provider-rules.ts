import { templateVariables } from '../text/template.ts';
import { ABSOLUTE_HTTP_URL_RULE, isAbsoluteHttpUrl } from './http-url.ts';
import { ALERT_ADDRESS_SECRET_KEY, ALERT_TEMPLATE_VARIABLES, type AlertProvider } from './alert-provider.ts';
import { metadataNameRules } from './common-rules.ts';
import type { ValidationError } from './validation-error.ts';

/**
 * AlertProvider rules beyond the schema: exactly one source for the address, URLs that are URLs, and a
 * template that names only message fields, so a typo is reported on the object, not at the next rollback.
 */
export function alertProviderRules(provider: Pick<AlertProvider, 'metadata' | 'spec'>): ValidationError[] {
  const errors: ValidationError[] = [...metadataNameRules(provider.metadata)];
  const spec = provider.spec;
  if (spec.address === undefined && spec.secretRef === undefined) {
    errors.push({ path: 'spec', message: `must set address or secretRef (a Secret with the key "${ALERT_ADDRESS_SECRET_KEY}")` });
  }
  if (spec.address !== undefined && spec.secretRef !== undefined) {
    errors.push({ path: 'spec', message: 'must set only one of address and secretRef' });
  }
  if (spec.address !== undefined && !isAbsoluteHttpUrl(spec.address)) {
    errors.push({ path: 'spec.address', message: ABSOLUTE_HTTP_URL_RULE });
  }
  if (spec.proxy !== undefined && !isAbsoluteHttpUrl(spec.proxy)) {
    errors.push({ path: 'spec.proxy', message: ABSOLUTE_HTTP_URL_RULE });
  }
  const known: readonly string[] = ALERT_TEMPLATE_VARIABLES;
  for (const variable of templateVariables(spec.template ?? '')) {
    if (!known.includes(variable)) {
      errors.push({ path: 'spec.template', message: `uses unknown template variable "${variable}"; known: ${ALERT_TEMPLATE_VARIABLES.join(', ')}` });
    }
  }
  return errors;
}
