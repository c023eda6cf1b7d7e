import type { Mesh } from './canary.ts';
import { FLAGGER_FOREIGN_PROVIDERS, FLAGGER_VALUES } from './flagger-field-values.ts';
/**
 * `spec.provider` read as a value: which router moves the traffic. Kanari routes with SMI TrafficSplit;
 * Flagger's `linkerd` and `osm` providers write SMI TrafficSplits too, so they are accepted as aliases that
 * also say which mesh's Prometheus metric names apply.
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

/** Flagger's mesh-less router: no traffic API; the apex Service stays on the primary (blue/green). */
export interface KubernetesRouterProvider {
  kind: 'kubernetes';
}

/** Why a provider string cannot be used, as a message for `spec.provider`. */
export interface UnsupportedRouterProvider {
  kind: 'unsupported';
  reason: string;
}

/** Parses `smi`, `smi:v1alpha1`…`smi:v1alpha4`, `linkerd`, `osm`, `kubernetes`; anything else explains itself. */
export function parseRouterProvider(text: string | undefined): SmiRouterProvider | KubernetesRouterProvider | UnsupportedRouterProvider {
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
    return { kind: 'unsupported', reason: 'Gateway API routing is not supported yet: use smi' };
  }
  return {
    kind: 'unsupported',
    reason: `must be smi, smi:v1alpha1…smi:v1alpha4, linkerd, osm or kubernetes (Kanari routes with SMI TrafficSplit, or not at all; ${name} is not supported)`,
  };
}
