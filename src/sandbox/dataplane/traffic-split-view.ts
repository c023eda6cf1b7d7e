/**
 * A TrafficSplit of any version (v1alpha1–v1alpha4) read into one shape. Weights may be numbers or
 * Quantity strings in every version, because a CRD without conversion hands back whatever was stored.
 */
import { tryParseQuantity } from '../../metrics/quantity.ts';
import type { Weighted } from './weighted-choice.ts';

/** What the proxy needs from a TrafficSplit. */
export interface SplitView {
  /** The apex (root) service. */
  service: string;
  /** Backend service names with their relative weights; unreadable weights count as 0. */
  backends: Weighted<string>[];
  /** Names of the HTTPRouteGroups in `spec.matches` (v1alpha3+); empty means every request is split. */
  routeGroups: string[];
}

/** Reads a TrafficSplit object; undefined when it has no spec. */
export function readTrafficSplit(object: { metadata?: { name?: string }; spec?: unknown }): SplitView | undefined {
  const spec = object.spec as { service?: unknown; backends?: unknown; matches?: unknown } | undefined;
  if (!spec || typeof spec !== 'object') return undefined;
  const backends = Array.isArray(spec.backends) ? spec.backends : [];
  const matches = Array.isArray(spec.matches) ? spec.matches : [];
  return {
    service: typeof spec.service === 'string' ? spec.service : (object.metadata?.name ?? ''),
    backends: backends
      .filter((b): b is { service: string; weight?: unknown } => typeof b?.service === 'string')
      .map((b) => ({ item: b.service, weight: Math.max(0, tryParseQuantity(b.weight) ?? 0) })),
    routeGroups: matches
      .filter((m): m is { kind?: string; name: string } => typeof m?.name === 'string' && (m.kind === undefined || m.kind === 'HTTPRouteGroup'))
      .map((m) => m.name),
  };
}
