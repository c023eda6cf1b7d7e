/**
 * SMI Traffic Access (`access.smi-spec.io`, v1alpha1–v1alpha3): deny by default; a request passes when
 * some TrafficTarget names its source ServiceAccount, its destination ServiceAccount, and a rule whose
 * routes match the request.
 */
import { matchesAny, type HttpMatch, type MatchableRequest } from './http-route-match.ts';

/** A ServiceAccount identity. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

interface Identity {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Rule {
  kind?: string;
  name?: string;
  matches?: string[];
}

/** A TrafficTarget object of any version (v1alpha1 keeps the fields at the top level, rules as `specs`). */
export interface TrafficTargetObject {
  metadata?: { name?: string; namespace?: string };
  spec?: { destination?: Identity; sources?: Identity[]; rules?: Rule[] };
  destination?: Identity;
  sources?: Identity[];
  specs?: Rule[];
}

/** The decision for one request, with the reason a person reads in a 403 body. */
export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

/** Finds the route matches of an HTTPRouteGroup by namespace and name. */
export type RouteGroupLookup = (namespace: string, name: string) => HttpMatch[] | undefined;

/** Parses the source header value `namespace/name`; undefined when absent or malformed. */
export function parseSourceIdentity(header: string | string[] | undefined): ServiceAccountRef | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.trim().match(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/);
  return match ? { namespace: match[1], name: match[3] } : undefined;
}

function sameAccount(identity: Identity | undefined, account: ServiceAccountRef, defaultNamespace: string): boolean {
  if (!identity || (identity.kind !== undefined && identity.kind !== 'ServiceAccount')) return false;
  return identity.name === account.name && (identity.namespace || defaultNamespace) === account.namespace;
}

function ruleAllows(rule: Rule, request: MatchableRequest, namespace: string, lookup: RouteGroupLookup): boolean {
  // Plain TCP routes admit any HTTP request: HTTP rides on TCP.
  if (rule.kind === 'TCPRoute') return true;
  if (rule.kind !== undefined && rule.kind !== 'HTTPRouteGroup') return false;
  const matches = rule.name ? lookup(namespace, rule.name) : undefined;
  return matches !== undefined && matchesAny(matches, request, rule.matches);
}

/** Decides whether `source` may send `request` to workloads running as `destination`. */
export function decideAccess(
  targets: readonly TrafficTargetObject[],
  source: ServiceAccountRef | undefined,
  destination: ServiceAccountRef,
  request: MatchableRequest,
  lookup: RouteGroupLookup,
): AccessDecision {
  const to = `ServiceAccount ${destination.namespace}/${destination.name}`;
  if (!source) {
    return { allowed: false, reason: `access denied: the request names no source ServiceAccount (header x-kanari-source-sa: namespace/name), and access control denies unknown callers to ${to}` };
  }
  const from = `ServiceAccount ${source.namespace}/${source.name}`;
  let namedButNoRule: string | undefined;
  for (const target of targets) {
    const namespace = target.metadata?.namespace ?? destination.namespace;
    const destinationRef = target.spec?.destination ?? target.destination;
    const sources = target.spec?.sources ?? target.sources ?? [];
    const rules = target.spec?.rules ?? target.specs ?? [];
    if (!sameAccount(destinationRef, destination, namespace)) continue;
    if (!sources.some((s) => sameAccount(s, source, namespace))) continue;
    if (rules.some((rule) => ruleAllows(rule, request, namespace, lookup))) {
      return { allowed: true, reason: `allowed by TrafficTarget ${namespace}/${target.metadata?.name ?? ''}` };
    }
    namedButNoRule = `${namespace}/${target.metadata?.name ?? ''}`;
  }
  if (namedButNoRule) {
    return { allowed: false, reason: `access denied: TrafficTarget ${namedButNoRule} lets ${from} reach ${to}, but none of its rules matches ${request.method} ${request.path}` };
  }
  return { allowed: false, reason: `access denied: no TrafficTarget allows ${from} to reach ${to} (access control is on: deny by default)` };
}

