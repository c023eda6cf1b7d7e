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
  /** The `-baseline` Service, a third backend while a run compares with a baseline. */
  baseline: string;
}

/**
 * Integer weights summing to 100, with the canary's clamped to 0..100 and the baseline's (when there is
 * one) to what the canary leaves; the primary gets the rest.
 */
export function normalizeWeights(canary: number, baseline?: number): Weights {
  const c = Math.min(100, Math.max(0, Math.round(canary)));
  if (baseline === undefined) return { canary: c, primary: 100 - c };
  const b = Math.min(100 - c, Math.max(0, Math.round(baseline)));
  return { canary: c, primary: 100 - c - b, baseline: b };
}

/** The backends list for a version: integers, or Quantity strings for v1alpha1; the baseline only when weighted. */
export function splitBackends(version: SplitVersion, services: SplitServices, weights: Weights): TrafficSplit['spec']['backends'] {
  const w = normalizeWeights(weights.canary, weights.baseline);
  const value = (n: number) => (version === 'v1alpha1' ? formatQuantity(n) : n);
  return [
    { service: services.canary, weight: value(w.canary) },
    { service: services.primary, weight: value(w.primary) },
    ...(w.baseline === undefined ? [] : [{ service: services.baseline, weight: value(w.baseline) }]),
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
 * The canary/primary (and baseline, when the split has that backend) weights of a split, read from
 * numbers or Quantity strings in any version, scaled to percentages (SMI weights are relative).
 * Undefined when the backends are not Kanari's or the weights cannot be read.
 */
export function readWeights(split: Pick<TrafficSplit, 'spec'>, services: Pick<SplitServices, 'canary' | 'primary'> & Partial<Pick<SplitServices, 'baseline'>>): Weights | undefined {
  const backends = split.spec?.backends ?? [];
  const backendOf = (service: string | undefined) => (service === undefined ? undefined : backends.find((b) => b.service === service));
  const weightOf = (service: string) => {
    const backend = backendOf(service);
    return backend === undefined ? 0 : tryParseQuantity(backend.weight);
  };
  const canary = weightOf(services.canary);
  const primary = weightOf(services.primary);
  const baselineBackend = backendOf(services.baseline);
  const baseline = baselineBackend === undefined ? undefined : tryParseQuantity(baselineBackend.weight);
  if (canary === undefined || primary === undefined || canary < 0 || primary < 0) return undefined;
  if (baselineBackend !== undefined && (baseline === undefined || baseline < 0)) return undefined;
  const total = canary + primary + (baseline ?? 0);
  if (total === 0) return undefined;
  return normalizeWeights((canary / total) * 100, baseline === undefined ? undefined : (baseline / total) * 100);
}
