import type { CanarySpec } from './canary.ts';
import { GATEWAY_ONLY_FIELDS } from './flagger-field-values.ts';
import { parseRouterProvider } from './router-provider.ts';
import { childPath, type ValidationError } from './validation-error.ts';

/**
 * The rules of the Gateway API fields (gatewayRefs, hosts as hostnames, mirror, sessionAffinity,
 * rewrite) that a JSON schema cannot say, and that an SMI Canary sets none of them: an SMI TrafficSplit
 * cannot express them. (The controller applies its default router before validating, so a Canary without
 * `provider` under `--provider gatewayapi` is a Gateway API one.)
 */

/** A Gateway API hostname: a DNS name, optionally with a leading `*.` wildcard label. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Errors in the Gateway API fields of a Canary spec. */
export function gatewayRules(spec: CanarySpec): ValidationError[] {
  const errors: ValidationError[] = [...smiRouterRules(spec)];
  const analysis = spec.analysis;
  const ab = (analysis.match?.length ?? 0) > 0;
  const weighted = analysis.iterations === undefined;
  if (analysis.mirror && ab) {
    errors.push({ path: 'spec.analysis.mirror', message: 'is not used with A/B testing (match): matched requests go to the canary itself' });
  }
  if (analysis.sessionAffinity && !weighted) {
    errors.push({ path: 'spec.analysis.sessionAffinity', message: 'is only used with stepWeight or stepWeights: blue/green and A/B send a user to one version already' });
  }
  const affinity = analysis.sessionAffinity;
  if (affinity?.primaryCookieName !== undefined && affinity.primaryCookieName === affinity.cookieName) {
    errors.push({ path: 'spec.analysis.sessionAffinity.primaryCookieName', message: 'must differ from cookieName: one cookie cannot send a user to both versions' });
  }
  const service = spec.service;
  if (service.rewrite && service.rewrite.uri === undefined && service.rewrite.authority === undefined) {
    errors.push({ path: 'spec.service.rewrite', message: 'must set uri, authority or both' });
  }
  if (service.rewrite?.uri !== undefined && !service.rewrite.uri.startsWith('/')) {
    errors.push({ path: 'spec.service.rewrite.uri', message: "must be an absolute path starting with '/'" });
  }
  if ((service.gatewayRefs?.length ?? 0) > 0) {
    service.hosts?.forEach((host, i) => {
      if (!HOSTNAME.test(host) || host.length > 253) {
        errors.push({ path: childPath(childPath('spec.service', 'hosts'), i), message: 'must be a DNS hostname (lower case, optionally starting with *.): the HTTPRoute\'s hostnames' });
      }
    });
  }
  return errors;
}

/** The Gateway API fields an SMI Canary (`provider` smi, linkerd, osm or unset) sets, each an error. */
function smiRouterRules(spec: CanarySpec): ValidationError[] {
  if (parseRouterProvider(spec.provider).kind !== 'smi') return [];
  const present = (path: string): string[] => {
    const [, section, field, sub] = path.replace('[]', '').split('.');
    const value = (spec as unknown as Record<string, Record<string, unknown>>)[section]?.[field];
    if (sub === undefined) return value === undefined || value === false ? [] : [path];
    return (Array.isArray(value) ? value : []).flatMap((entry, i) =>
      Object.keys((entry as Record<string, object | undefined>)[sub] ?? {}).length > 0 ? [childPath(childPath(childPath(`spec.${section}`, field), i), sub)] : []);
  };
  return GATEWAY_ONLY_FIELDS.flatMap(({ path, text }) => present(path).map((where) => ({ path: where, message: text })));
}
