import type { CanaryMatch } from '../api/canary.ts';
import type { RouteGroupVersion } from './smi-versions.ts';

export const SPECS_GROUP = 'specs.smi-spec.io';
export const ROUTE_GROUP_PLURAL = 'httproutegroups';

type StringMatch = { exact?: string; prefix?: string; suffix?: string; regex?: string };

/** One HTTPRouteGroup match in the v1alpha3/v1alpha4 shape. */
export interface RouteMatch {
  name: string;
  headers?: Record<string, string>;
  pathRegex?: string;
  methods?: string[];
}

/** Escapes a literal so it matches only itself inside a regular expression. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The regular expression SMI expects for one Flagger-style string condition. */
export function matchRegex(match: StringMatch): string {
  if (match.regex !== undefined) return match.regex;
  if (match.exact !== undefined) return `^${escapeRegex(match.exact)}$`;
  if (match.prefix !== undefined) return `^${escapeRegex(match.prefix)}.*`;
  if (match.suffix !== undefined) return `.*${escapeRegex(match.suffix)}$`;
  return '.*';
}

/** HTTPRouteGroup matches from the Canary's `analysis.match` list: one entry per condition set (OR'ed). */
export function routeMatches(matches: readonly CanaryMatch[]): RouteMatch[] {
  return matches.map((m, i) => {
    const out: RouteMatch = { name: `kanari-ab-${i}` };
    if (m.headers && Object.keys(m.headers).length > 0) {
      out.headers = Object.fromEntries(Object.entries(m.headers).map(([header, cond]) => [header, matchRegex(cond)]));
    }
    if (m.uri) out.pathRegex = matchRegex(m.uri);
    if (m.method?.exact) out.methods = [m.method.exact.toUpperCase()];
    return out;
  });
}

/** The HTTPRouteGroup in the given version (v1alpha2 keeps `matches` at the top level and headers as a list). */
export function httpRouteGroup(version: RouteGroupVersion, name: string, namespace: string, matches: RouteMatch[]): Record<string, unknown> {
  const base = { apiVersion: `${SPECS_GROUP}/${version}`, kind: 'HTTPRouteGroup', metadata: { name, namespace } };
  if (version === 'v1alpha2') {
    return { ...base, matches: matches.map((m) => ({ ...m, headers: m.headers ? Object.entries(m.headers).map(([k, v]) => ({ [k]: v })) : undefined })) };
  }
  return { ...base, spec: { matches } };
}
