import type { DesiredRoute, RouteServices } from './desired-route.ts';
import type { BackendRef, HttpRoute, RouteFilter, RouteRule } from './http-route.ts';
import { OWNED_FILTER_TYPES } from './route-filters.ts';
import { isKanariRule } from './route-state.ts';

/**
 * Kanari's part of a route laid over the route as it is, so that what other writers put there survives:
 * their rules (kept in place, Kanari's rules where Kanari's were), the fields of Kanari's rules and
 * backends Kanari does not set (retries, session persistence, names…), filters of types Kanari does
 * not write, and every spec field besides parents, hostnames and rules.
 */

function keepForeignFilters(desired: RouteFilter[] | undefined, current: RouteFilter[] | undefined): RouteFilter[] | undefined {
  const foreign = (current ?? []).filter((filter) => !OWNED_FILTER_TYPES.has(filter.type));
  const merged = [...(desired ?? []), ...foreign];
  return merged.length > 0 ? merged : undefined;
}

function overlayBackend(desired: BackendRef, current: BackendRef | undefined): BackendRef {
  if (!current) return desired;
  const { group: _g, kind: _k, name: _n, namespace: _ns, port: _p, weight: _w, filters, ...foreign } = current;
  const out: BackendRef = { ...foreign, ...desired };
  const mergedFilters = keepForeignFilters(desired.filters, filters);
  if (mergedFilters) out.filters = mergedFilters;
  else delete out.filters;
  return out;
}

function overlayRule(desired: RouteRule, current: RouteRule | undefined): RouteRule {
  if (!current) return desired;
  const { matches: _m, backendRefs, filters, timeouts, ...foreign } = current;
  const out: RouteRule = { ...foreign, matches: desired.matches };
  const mergedFilters = keepForeignFilters(desired.filters, filters);
  if (mergedFilters) out.filters = mergedFilters;
  out.backendRefs = (desired.backendRefs ?? []).map((ref) => overlayBackend(ref, backendRefs?.find((b) => b.name === ref.name)));
  // A timeout Kanari does not set is someone else's and stays.
  const mergedTimeouts = desired.timeouts ? { ...timeouts, ...desired.timeouts } : timeouts;
  if (mergedTimeouts) out.timeouts = mergedTimeouts;
  return out;
}

/** Kanari's rules over the current ones, at the position of the first current Kanari rule. */
export function mergeRules(current: readonly RouteRule[], desired: readonly RouteRule[], services: RouteServices): RouteRule[] {
  const ours = current.filter((rule) => isKanariRule(rule, services));
  const overlaid = desired.map((rule, i) => overlayRule(rule, ours[i]));
  const firstOurs = current.findIndex((rule) => isKanariRule(rule, services));
  const before = firstOurs < 0 ? [] : current.slice(0, firstOurs).filter((rule) => !isKanariRule(rule, services));
  const after = current.slice(firstOurs < 0 ? 0 : firstOurs).filter((rule) => !isKanariRule(rule, services));
  return [...before, ...overlaid, ...after];
}

/** The route's spec with Kanari's part laid over it. */
export function mergeSpec(current: HttpRoute['spec'] | undefined, desired: DesiredRoute, services: RouteServices): HttpRoute['spec'] {
  const spec: HttpRoute['spec'] = { ...current, parentRefs: desired.parentRefs, rules: mergeRules(current?.rules ?? [], desired.rules, services) };
  if (desired.hostnames !== undefined) spec.hostnames = desired.hostnames;
  return spec;
}
