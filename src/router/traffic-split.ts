import type { Weights } from '../engine/observation.ts';
import { formatQuantity, tryParseQuantity } from '../metrics/quantity.ts';
import { splitHasMatches, type SplitVersion } from './smi-versions.ts';

export const SPLIT_GROUP = 'split.smi-spec.io';
export const SPLIT_PLURAL = 'trafficsplits';

/** A TrafficSplit as stored; weights may be numbers or Quantity strings whatever the version. */
export interface TrafficSplit {
  apiVersion: string;
  kind: 'TrafficSplit';
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; ownerReferences?: unknown[]; resourceVersion?: string };
  spec: {
    service?: string;
    backends: { service: string; weight: number | string }[];
    matches?: { kind: string; name: string; apiGroup?: string }[];
  };
}

/** The services a split routes between. */
export interface SplitServices {
  /** `spec.service`: the apex service name, or `service.hosts[0]`. */
  root: string;
  canary: string;
  primary: string;
}

/** Integer weights summing to 100, with the canary's clamped to 0..100. */
export function normalizeWeights(canary: number): Weights {
  const c = Math.min(100, Math.max(0, Math.round(canary)));
  return { canary: c, primary: 100 - c };
}

/** The backends list for a version: integers, or Quantity strings for v1alpha1. */
export function splitBackends(version: SplitVersion, services: SplitServices, weights: Weights): TrafficSplit['spec']['backends'] {
  const w = normalizeWeights(weights.canary);
  const value = (n: number) => (version === 'v1alpha1' ? formatQuantity(n) : n);
  return [
    { service: services.canary, weight: value(w.canary) },
    { service: services.primary, weight: value(w.primary) },
  ];
}

/** The TrafficSplit Kanari writes, in the given version. */
export function trafficSplit(
  version: SplitVersion,
  name: string,
  namespace: string,
  services: SplitServices,
  weights: Weights,
  routeGroup?: { name: string },
): TrafficSplit {
  const split: TrafficSplit = {
    apiVersion: `${SPLIT_GROUP}/${version}`,
    kind: 'TrafficSplit',
    metadata: { name, namespace },
    spec: { service: services.root, backends: splitBackends(version, services, weights) },
  };
  if (routeGroup && splitHasMatches(version)) split.spec.matches = [{ kind: 'HTTPRouteGroup', name: routeGroup.name, apiGroup: 'specs.smi-spec.io' }];
  return split;
}

/**
 * The canary/primary weights of a split, read from numbers or Quantity strings in any version, scaled
 * to percentages (SMI weights are relative). Undefined when the backends are not Kanari's pair or the
 * weights cannot be read.
 */
export function readWeights(split: Pick<TrafficSplit, 'spec'>, services: Pick<SplitServices, 'canary' | 'primary'>): Weights | undefined {
  const backends = split.spec?.backends ?? [];
  const weightOf = (service: string) => {
    const backend = backends.find((b) => b.service === service);
    return backend === undefined ? 0 : tryParseQuantity(backend.weight);
  };
  const canary = weightOf(services.canary);
  const primary = weightOf(services.primary);
  if (canary === undefined || primary === undefined || canary < 0 || primary < 0) return undefined;
  if (canary + primary === 0) return undefined;
  return normalizeWeights((canary / (canary + primary)) * 100);
}
