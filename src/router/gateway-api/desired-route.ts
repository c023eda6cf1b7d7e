import type { Canary, CanaryMatch } from '../../api/canary.ts';
import { baselineServiceName, canaryServiceName, primaryServiceName, serviceNameOf } from '../../api/names.ts';
import type { Weights } from '../../engine/observation.ts';
import type { HttpRouteFeatures } from './route-features.ts';
import { mirrorFilter, serviceFilters, setCookie, withResponseHeaders } from './route-filters.ts';
import { ALL_PATHS, cookieMatch, routeMatchesOf } from './route-matches.ts';
import { GATEWAY_GROUP, type BackendRef, type ParentRef, type RouteRule } from './http-route.ts';

/**
 * The part of an HTTPRoute Kanari owns, computed from the Canary (spec and the status this tick decided)
 * and the traffic state (weights, A/B). Pure, and written with every default spelled out, so a route read
 * back from the API server compares equal when nothing changed.
 *
 * Layout, in order (Gateway API breaks precedence ties by rule order):
 * 1. session affinity while the canary has weight: users holding the canary cookie → canary (and, with
 *    `primaryCookieName`, holders of the primary cookie → primary); after the run, holders of the last
 *    cookie → primary, with the cookie expired;
 * 2. A/B: requests matching `analysis.match` → the weighted backends, everyone else → primary;
 *    otherwise one rule: every request → the weighted backends (with the mirror filter while mirroring).
 */

/** The Services of a Canary that routes point at, and the port. */
export interface RouteServices {
  apex: string;
  primary: string;
  canary: string;
  /** The `-baseline` Service, a third weighted backend while a run compares with a baseline. */
  baseline: string;
  port: number;
}

/** What the route does right now, besides the spec: the weights and whether A/B matches are up. */
export interface TrafficState {
  weights: Weights;
  /** The A/B matches routed to the canary; undefined when no A/B rule is up. */
  abMatches?: readonly CanaryMatch[];
}

/** Kanari's parents, hostnames (undefined: not Kanari's to set) and rules. */
export interface DesiredRoute {
  parentRefs: ParentRef[];
  hostnames?: string[];
  rules: RouteRule[];
}

/** The Services of a Canary's routes. */
export function routeServices(canary: Canary): RouteServices {
  const apex = serviceNameOf(canary);
  return { apex, primary: primaryServiceName(apex), canary: canaryServiceName(apex), baseline: baselineServiceName(apex), port: canary.spec.service.port };
}

/**
 * The backends of the weighted rule, one entry per Service with its share. A list, not a pair: a
 * router writes whatever backends the engine weighs — the baseline only while the weights give it a
 * share (`analysis.baseline`), so the route has no trace of it before or after the analysis.
 */
export function weightedBackends(services: RouteServices, weights: Weights): { role: 'primary' | 'canary' | 'baseline'; name: string; weight: number }[] {
  return [
    { role: 'primary', name: services.primary, weight: weights.primary },
    { role: 'canary', name: services.canary, weight: weights.canary },
    ...(weights.baseline === undefined ? [] : [{ role: 'baseline' as const, name: services.baseline, weight: weights.baseline }]),
  ];
}

/** The names of every Service Kanari routes to: a rule pointing only at these is Kanari's. */
export function kanariBackendNames(services: RouteServices): string[] {
  return weightedBackends(services, { canary: 0, primary: 100, baseline: 0 }).map((backend) => backend.name);
}

function backendRef(name: string, port: number, weight: number): BackendRef {
  return { group: '', kind: 'Service', name, port, weight };
}

/** The route's parents: the Gateways of `service.gatewayRefs`, else the apex Service itself (GAMMA). */
export function parentRefsOf(canary: Canary, features: HttpRouteFeatures): ParentRef[] {
  const services = routeServices(canary);
  const refs = canary.spec.service.gatewayRefs ?? [];
  if (refs.length === 0) {
    return [{ group: '', kind: 'Service', name: services.apex, ...(features.parentRefPort ? { port: services.port } : {}) }];
  }
  return refs.map((ref) => {
    const parent: ParentRef = { group: ref.group ?? GATEWAY_GROUP, kind: ref.kind ?? 'Gateway', name: ref.name };
    if (ref.namespace !== undefined) parent.namespace = ref.namespace;
    if (ref.sectionName !== undefined) parent.sectionName = ref.sectionName;
    if (ref.port !== undefined && features.parentRefPort) parent.port = ref.port;
    return parent;
  });
}

/** Kanari's part of the route for the Canary in the given traffic state. */
export function desiredRoute(canary: Canary, state: TrafficState, features: HttpRouteFeatures): DesiredRoute {
  const services = routeServices(canary);
  const { analysis, service } = canary.spec;
  const status = canary.status ?? {};
  const common = serviceFilters(canary);
  const timeoutValues = { ...(service.timeout !== undefined ? { request: service.timeout } : {}), ...(service.backendTimeout !== undefined ? { backendRequest: service.backendTimeout } : {}) };
  const timeouts = Object.keys(timeoutValues).length > 0 && features.timeouts ? { timeouts: timeoutValues } : {};
  const rule = (rule: RouteRule): RouteRule => {
    const out: RouteRule = { ...rule, ...timeouts };
    if (!out.filters || out.filters.length === 0) delete out.filters;
    return out;
  };
  const affinity = analysis.sessionAffinity;
  const maxAge = affinity?.maxAge ?? 86400;
  const canaryCookie = affinity && state.weights.canary > 0 ? status.sessionAffinityCookie : undefined;
  const primaryCookie = canaryCookie !== undefined ? status.primarySessionAffinityCookie : undefined;
  const expiring = affinity && state.weights.canary === 0 ? status.previousSessionAffinityCookie : undefined;

  const rules: RouteRule[] = [];
  if (canaryCookie !== undefined) {
    rules.push(rule({ matches: [cookieMatch(canaryCookie)], filters: common, backendRefs: [backendRef(services.canary, services.port, 100)] }));
    if (primaryCookie !== undefined) rules.push(rule({ matches: [cookieMatch(primaryCookie)], filters: common, backendRefs: [backendRef(services.primary, services.port, 100)] }));
  }
  if (expiring !== undefined) {
    const filters = withResponseHeaders(common, [setCookie(expiring, -1, affinity)]);
    rules.push(rule({ matches: [cookieMatch(expiring)], filters, backendRefs: [backendRef(services.primary, services.port, 100)] }));
  }
  const weighted = weightedBackends(services, state.weights).map((backend) => {
    const ref = backendRef(backend.name, services.port, backend.weight);
    const cookie = backend.role === 'canary' ? canaryCookie : backend.role === 'primary' ? primaryCookie : undefined;
    if (cookie !== undefined) ref.filters = withResponseHeaders([], [setCookie(cookie, maxAge, affinity)]);
    return ref;
  });
  if (state.abMatches && state.abMatches.length > 0) {
    rules.push(rule({ matches: routeMatchesOf(state.abMatches), filters: common, backendRefs: weighted }));
    rules.push(rule({ matches: [structuredClone(ALL_PATHS)], filters: common, backendRefs: [backendRef(services.primary, services.port, 100)] }));
  } else {
    const mirror = status.trafficMirrored && analysis.mirror ? [mirrorFilter(services.canary, services.port, features.mirrorPercent ? analysis.mirrorWeight : undefined)] : [];
    rules.push(rule({ matches: [structuredClone(ALL_PATHS)], filters: [...common, ...mirror], backendRefs: weighted }));
  }
  const gatewayMode = (service.gatewayRefs?.length ?? 0) > 0;
  return {
    parentRefs: parentRefsOf(canary, features),
    ...(gatewayMode && service.hosts && service.hosts.length > 0 ? { hostnames: [...service.hosts] } : {}),
    rules,
  };
}
