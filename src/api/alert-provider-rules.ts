import { ABSOLUTE_HTTP_URL_RULE, isAbsoluteHttpUrl } from './http-url.ts';
import { ALERT_ADDRESS_SECRET_KEY, type AlertProvider } from './alert-provider.ts';
import { metadataNameRules } from './common-rules.ts';
import type { ValidationError } from './validation-error.ts';

/** AlertProvider rules beyond the schema: exactly one source for the address, and URLs that are URLs. */
export function alertProviderRules(provider: AlertProvider): ValidationError[] {
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
  return errors;
}
