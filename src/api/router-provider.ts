import type { Mesh } from './canary.ts';
import { FLAGGER_FOREIGN_PROVIDERS, FLAGGER_VALUES } from './flagger-field-values.ts';
/**
 * `spec.provider` read as a value: which router moves the traffic. SMI TrafficSplit (`smi`; Flagger's
 * `linkerd` and `osm` providers write SMI TrafficSplits too, so they are accepted as aliases that also say
 * which mesh's Prometheus metric names apply) or Gateway API HTTPRoute (`gatewayapi`, as Flagger spells it).
 */

export const SMI_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const;
export type SmiVersion = (typeof SMI_VERSIONS)[number];

export const SMI_MESH_ALIASES = ['linkerd', 'osm'] as const satisfies readonly Mesh[];

/** The router a Canary asked for; `version` is absent when it should be discovered from the cluster. */
export interface SmiRouterProvider {
  kind: 'smi';
  version?: SmiVersion;
  mesh?: (typeof SMI_MESH_ALIASES)[number];
}

export const HTTPROUTE_VERSIONS = ['v1beta1', 'v1'] as const;
export type HttpRouteVersion = (typeof HTTPROUTE_VERSIONS)[number];

/** The Gateway API HTTPRoute router; `version` is absent when it should be discovered (v1 when served). */
export interface GatewayApiRouterProvider {
  kind: 'gatewayapi';
  version?: HttpRouteVersion;
}

/** Flagger's mesh-less router: no traffic API; the apex Service stays on the primary (blue/green). */
export interface KubernetesRouterProvider {
  kind: 'kubernetes';
}

/** Why a provider string cannot be used, as a message for `spec.provider`. */
export interface UnsupportedRouterProvider {
  kind: 'unsupported';
  reason: string;
}

/** Parses `smi`, `smi:v1alpha1`…`smi:v1alpha4`, `linkerd`, `osm`, `gatewayapi[:v1|:v1beta1]`, `kubernetes`; anything else explains itself. */
export function parseRouterProvider(text: string | undefined): SmiRouterProvider | GatewayApiRouterProvider | KubernetesRouterProvider | UnsupportedRouterProvider {
  const value = text === undefined || text === '' ? 'smi' : text;
  if (value === 'smi') return { kind: 'smi' };
  if (value === 'kubernetes') return { kind: 'kubernetes' };
  // Flagger's other routers: the field table says what to write instead.
  if ((FLAGGER_FOREIGN_PROVIDERS as readonly string[]).includes(value)) {
    const row = FLAGGER_VALUES.find((v) => v.path === 'spec.provider' && v.value === value);
    if (row) return { kind: 'unsupported', reason: row.text };
  }
  const mesh = SMI_MESH_ALIASES.find((alias) => alias === value);
  if (mesh) return { kind: 'smi', mesh };
  const [name, version] = value.split(':', 2);
  if (name === 'smi') {
    const known = SMI_VERSIONS.find((v) => v === version);
    if (known) return { kind: 'smi', version: known };
    return { kind: 'unsupported', reason: `must name an SMI TrafficSplit version: one of ${SMI_VERSIONS.map((v) => `smi:${v}`).join(', ')}` };
  }
  if (name === 'gatewayapi') {
    if (version === undefined) return { kind: 'gatewayapi' };
    const known = HTTPROUTE_VERSIONS.find((v) => v === version);
    if (known) return { kind: 'gatewayapi', version: known };
    return { kind: 'unsupported', reason: `must name an HTTPRoute version: gatewayapi, ${HTTPROUTE_VERSIONS.map((v) => `gatewayapi:${v}`).join(' or ')}` };
  }
  return {
    kind: 'unsupported',
    reason: `must be smi, smi:v1alpha1…smi:v1alpha4, linkerd, osm, gatewayapi, gatewayapi:v1, gatewayapi:v1beta1 or kubernetes (Kanari routes with SMI TrafficSplit, Gateway API HTTPRoute, or not at all; ${name} is not supported)`,
  };
}
