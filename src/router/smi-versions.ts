import { SMI_VERSIONS, type SmiVersion } from '../api/router-provider.ts';
import { ABTestingNotSupported, TrafficSplitNotServed, TrafficSplitVersionNotServed } from './router-errors.ts';

/** The TrafficSplit versions Kanari knows, oldest first: the API's list, which `spec.provider` pins from. */
export const SPLIT_VERSIONS = SMI_VERSIONS;
export type SplitVersion = SmiVersion;

/** The HTTPRouteGroup versions that can carry header matches, oldest first (v1alpha1 has no headers). */
export const ROUTE_GROUP_VERSIONS = ['v1alpha2', 'v1alpha3', 'v1alpha4'] as const;
export type RouteGroupVersion = (typeof ROUTE_GROUP_VERSIONS)[number];

/** Whether a string is a TrafficSplit version Kanari knows. */
export function isSplitVersion(version: string): version is SplitVersion {
  return (SPLIT_VERSIONS as readonly string[]).includes(version);
}

/** Whether a TrafficSplit version has `spec.matches` (HTTPRouteGroup references). */
export function splitHasMatches(version: SplitVersion): boolean {
  return version === 'v1alpha3' || version === 'v1alpha4';
}

/** The newest of the known versions that is served, or undefined. */
export function newestServed<V extends string>(known: readonly V[], served: readonly string[]): V | undefined {
  return [...known].reverse().find((v) => served.includes(v));
}

/** What the cluster's SMI APIs can express. */
export interface SmiServed {
  split: readonly string[];
  specs: readonly string[];
}

/** The versions a Canary's split (and route group, for A/B) are written in. */
export interface SmiChoice {
  split: SplitVersion;
  routeGroup?: RouteGroupVersion;
}

/**
 * Picks the TrafficSplit version for a Canary: the pinned one, else the newest served that can express
 * what the Canary asks (A/B needs `matches`). Throws a RouterError a person can act on otherwise.
 */
export function chooseSmiVersions(served: SmiServed, needsMatches: boolean, pinned?: string): SmiChoice {
  const servedSplit = SPLIT_VERSIONS.filter((v) => served.split.includes(v));
  if (servedSplit.length === 0) throw new TrafficSplitNotServed();
  let split: SplitVersion;
  if (pinned !== undefined) {
    if (!isSplitVersion(pinned) || !servedSplit.includes(pinned)) throw new TrafficSplitVersionNotServed(pinned, servedSplit);
    split = pinned;
  } else {
    split = servedSplit[servedSplit.length - 1];
  }
  const routeGroup = newestServed(ROUTE_GROUP_VERSIONS, served.specs);
  if (!needsMatches) return routeGroup && splitHasMatches(split) ? { split, routeGroup } : { split };
  if (!splitHasMatches(split)) throw new ABTestingNotSupported(`the split is written as ${split} (served: ${servedSplit.join(', ')})`);
  if (!routeGroup) throw new ABTestingNotSupported(`specs.smi-spec.io serves ${served.specs.join(', ') || 'no version'}`);
  return { split, routeGroup };
}
