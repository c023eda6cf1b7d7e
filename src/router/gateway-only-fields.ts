import type { Canary } from '../api/canary.ts';

/**
 * The fields of a Canary that only the Gateway API router can express. The SMI router refuses a Canary
 * that sets any (Ready=False saying so) rather than ignore them: a mirror or a query match that silently
 * did nothing would judge a canary on traffic it never got.
 */
export function gatewayOnlyFields(canary: Canary): string[] {
  const { service, analysis } = canary.spec;
  const fields: string[] = [];
  if (service.gatewayRefs && service.gatewayRefs.length > 0) fields.push('spec.service.gatewayRefs');
  if (service.timeout !== undefined) fields.push('spec.service.timeout');
  if (service.backendTimeout !== undefined) fields.push('spec.service.backendTimeout');
  if (service.headers !== undefined) fields.push('spec.service.headers');
  if (service.rewrite !== undefined) fields.push('spec.service.rewrite');
  if (analysis.mirror) fields.push('spec.analysis.mirror');
  if (analysis.sessionAffinity !== undefined) fields.push('spec.analysis.sessionAffinity');
  analysis.match?.forEach((match, i) => {
    if (match.queryParams && Object.keys(match.queryParams).length > 0) fields.push(`spec.analysis.match[${i}].queryParams`);
  });
  return fields;
}
