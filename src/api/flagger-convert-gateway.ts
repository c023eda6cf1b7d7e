import { flaggerValue } from './flagger-fields.ts';
import { FLAGGER_GATEWAY_PROVIDERS, GATEWAY_ONLY_FIELDS } from './flagger-field-values.ts';
import { childPath } from './validation-error.ts';

/**
 * Flagger's gatewayapi Canaries carry over to Kanari's Gateway API router as they are: the field table
 * copies gatewayRefs, hosts, timeout, backendTimeout, headers, rewrite, mirror, mirrorWeight,
 * sessionAffinity and match[].queryParams. On any other router those fields say nothing an SMI
 * TrafficSplit can do, so they are taken out here with the value table's words (queryParams refuse the
 * Canary: without them an A/B test would send other users to the canary).
 */

type Json = { [key: string]: unknown };

/** Where notes go; `refuse` also marks the Canary as not convertible. */
interface Notes {
  add(path: string, reason: string): void;
  refuse(path: string, reason: string): void;
}

/** Whether `provider` names Kanari's Gateway API router (Flagger's `gatewayapi:v1`, `gatewayapi:v1beta1`, or `gatewayapi`). */
export function isFlaggerGatewayProvider(provider: unknown): boolean {
  return typeof provider === 'string' && (provider === 'gatewayapi' || (FLAGGER_GATEWAY_PROVIDERS as readonly string[]).includes(provider));
}

const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});

/**
 * A Canary without `provider` ran on Flagger's `-mesh-provider` flag; one with `service.gatewayRefs` ran
 * on the Gateway API (Flagger's Linkerd and Gateway API tutorials install Flagger so), so convert keeps
 * that router. Returns the provider it wrote, or undefined when it wrote none.
 */
export function inferGatewayProvider(source: Json, result: Json, notes: Pick<Notes, 'add'>): string | undefined {
  if (typeof source.provider === 'string' && source.provider !== '') return undefined;
  const refs = asObject(source.service).gatewayRefs;
  if (!Array.isArray(refs) || refs.length === 0) return undefined;
  result.provider = 'gatewayapi';
  notes.add('spec.provider', flaggerValue('spec.provider', '(unset) with service.gatewayRefs').text);
  return 'gatewayapi';
}

/** Drops the Gateway API fields from a converted spec whose router is not the Gateway API one. */
export function dropGatewayOnlyFields(provider: string, result: Json, notes: Notes): void {
  // mirror: false says what leaving it out says, on every router.
  const analysis = asObject(result.analysis);
  if (analysis.mirror === false) delete analysis.mirror;
  if (isFlaggerGatewayProvider(provider)) return;
  for (const { path, text } of GATEWAY_ONLY_FIELDS) {
    const [, section, field, sub] = path.replace('[]', '').split('.');
    const parent = asObject(result[section]);
    if (sub === undefined) {
      if (parent[field] === undefined) continue;
      delete parent[field];
      notes.add(path, `dropped: ${text}`);
      continue;
    }
    // spec.analysis.match[].queryParams: per match entry.
    (Array.isArray(parent[field]) ? (parent[field] as unknown[]) : []).forEach((entry, i) => {
      const match = asObject(entry);
      if (match[sub] === undefined || Object.keys(asObject(match[sub])).length === 0) return;
      notes.refuse(childPath(childPath(childPath(`spec.${section}`, field), i), sub), `${text}; not converted`);
    });
  }
}
