import type { CanaryMatch } from '../../api/canary.ts';
import type { Weights } from '../../engine/observation.ts';
import { normalizeWeights } from '../traffic-split.ts';
import { kanariBackendNames, type RouteServices, type TrafficState } from './desired-route.ts';
import type { BackendRef, HttpRoute, RouteRule } from './http-route.ts';
import { isAllPaths, isCookieMatch } from './route-matches.ts';

/**
 * Reading a route back: which rules are Kanari's (every backend one of the Canary's Services), the
 * weights of the weighted rule, and whether the A/B layout is up. Rules of other writers are left out
 * of every answer.
 */

function isServiceRef(ref: BackendRef): boolean {
  return (ref.group === undefined || ref.group === '' || ref.group === 'core') && (ref.kind === undefined || ref.kind === 'Service') && ref.namespace === undefined;
}

/** A rule is Kanari's when it routes only to the Canary's own Services. */
export function isKanariRule(rule: RouteRule, services: RouteServices): boolean {
  const names = kanariBackendNames(services);
  const refs = rule.backendRefs ?? [];
  return refs.length > 0 && refs.every((ref) => isServiceRef(ref) && names.includes(ref.name));
}

/** Kanari's rules of a route, in order. */
export function kanariRules(route: HttpRoute | undefined, services: RouteServices): RouteRule[] {
  return (route?.spec.rules ?? []).filter((rule) => isKanariRule(rule, services));
}

/** The rule that carries the weights: Kanari's first rule with both the primary and the canary. */
function weightedRule(route: HttpRoute | undefined, services: RouteServices): RouteRule | undefined {
  return kanariRules(route, services).find((rule) => {
    const names = (rule.backendRefs ?? []).map((ref) => ref.name);
    return names.includes(services.primary) && names.includes(services.canary);
  });
}

/**
 * The weights as percentages of the canary and the primary, and of the baseline when the rule has that
 * backend (Gateway API weights are relative, 0 to 1,000,000; an unset weight is 1). Undefined when there
 * is no weighted rule or every weight is 0.
 */
export function routeWeights(route: HttpRoute | undefined, services: RouteServices): Weights | undefined {
  const rule = weightedRule(route, services);
  if (!rule) return undefined;
  const refs = rule.backendRefs ?? [];
  const weightOf = (name: string) => refs.filter((ref) => ref.name === name).reduce((sum, ref) => sum + Math.max(0, ref.weight ?? 1), 0);
  const canary = weightOf(services.canary);
  const primary = weightOf(services.primary);
  const baseline = refs.some((ref) => ref.name === services.baseline) ? weightOf(services.baseline) : undefined;
  const total = canary + primary + (baseline ?? 0);
  if (total === 0) return undefined;
  return normalizeWeights((canary / total) * 100, baseline === undefined ? undefined : (baseline / total) * 100);
}

/** Whether the A/B layout is up: besides the weighted rule, a rule sending all other requests to the primary. */
export function abLayout(route: HttpRoute | undefined, services: RouteServices): boolean {
  return kanariRules(route, services).some((rule) => {
    const refs = rule.backendRefs ?? [];
    const matches = rule.matches ?? [];
    return refs.length === 1 && refs[0].name === services.primary && matches.length > 0 && matches.every(isAllPaths) && !matches.some(isCookieMatch);
  });
}

/** The traffic state a route holds: its weights (0/100 when unreadable) and, if up, the A/B matches of the spec. */
export function trafficStateOf(route: HttpRoute | undefined, services: RouteServices, specMatches: readonly CanaryMatch[] | undefined): TrafficState {
  const weights = routeWeights(route, services) ?? { canary: 0, primary: 100 };
  return abLayout(route, services) && specMatches && specMatches.length > 0 ? { weights, abMatches: specMatches } : { weights };
}
