import type { CanaryMatch } from '../../api/canary.ts';
import { escapeRegex } from '../http-route-group.ts';
import { RouterError } from '../router-errors.ts';
import type { HeaderMatch, RouteMatch } from './http-route.ts';

/**
 * `analysis.match` (Flagger's Istio-style string conditions) as HTTPRoute matches. Gateway API knows
 * Exact and RegularExpression for headers and query parameters, Exact, PathPrefix and RegularExpression
 * for paths, and exact methods; prefix and suffix conditions become anchored regular expressions. Every
 * field is written out with the value the API server would default, so a route read back compares equal.
 */

type Condition = { exact?: string; prefix?: string; suffix?: string; regex?: string };

/** The match every Kanari rule without request conditions carries: all paths. */
export const ALL_PATHS: RouteMatch = { path: { type: 'PathPrefix', value: '/' } };

/** Thrown for a condition Gateway API cannot express (a method by regular expression). */
export class MatchNotExpressible extends RouterError {
  constructor(path: string, why: string) {
    super('MatchNotExpressible', `${path}: ${why}`);
  }
}

function valueMatch(name: string, condition: Condition): HeaderMatch {
  if (condition.exact !== undefined) return { type: 'Exact', name, value: condition.exact };
  if (condition.regex !== undefined) return { type: 'RegularExpression', name, value: condition.regex };
  if (condition.prefix !== undefined) return { type: 'RegularExpression', name, value: `^${escapeRegex(condition.prefix)}.*` };
  return { type: 'RegularExpression', name, value: `.*${escapeRegex(condition.suffix ?? '')}$` };
}

function pathMatch(condition: Condition): NonNullable<RouteMatch['path']> {
  if (condition.exact !== undefined) return { type: 'Exact', value: condition.exact };
  if (condition.prefix !== undefined) return { type: 'PathPrefix', value: condition.prefix };
  if (condition.regex !== undefined) return { type: 'RegularExpression', value: condition.regex };
  return { type: 'RegularExpression', value: `.*${escapeRegex(condition.suffix ?? '')}$` };
}

/** One HTTPRoute match per `analysis.match` entry (entries are OR'ed, conditions within one AND'ed). */
export function routeMatchesOf(matches: readonly CanaryMatch[]): RouteMatch[] {
  return matches.map((match, i) => {
    const out: RouteMatch = { path: match.uri ? pathMatch(match.uri) : { ...ALL_PATHS.path } };
    const headers = Object.entries(match.headers ?? {}).map(([name, condition]) => valueMatch(name, condition));
    if (headers.length > 0) out.headers = headers;
    const queryParams = Object.entries(match.queryParams ?? {}).map(([name, condition]) => valueMatch(name, condition));
    if (queryParams.length > 0) out.queryParams = queryParams;
    if (match.method) {
      if (match.method.exact === undefined) throw new MatchNotExpressible(`spec.analysis.match[${i}].method`, 'Gateway API matches an exact method only');
      out.method = match.method.exact.toUpperCase();
    }
    return out;
  });
}

/** A match on the `Cookie` header that holds `name=value` among any other cookies. */
export function cookieMatch(cookie: string): RouteMatch {
  const [name, ...rest] = cookie.split('=');
  const value = rest.join('=');
  return {
    path: { ...ALL_PATHS.path },
    headers: [{ type: 'RegularExpression', name: 'Cookie', value: `^(.*;\\s*)?${escapeRegex(name)}=${escapeRegex(value)}(;.*)?$` }],
  };
}

/** Whether a match is a Cookie-header match (a session-affinity rule). */
export function isCookieMatch(match: RouteMatch): boolean {
  return (match.headers ?? []).some((header) => header.name.toLowerCase() === 'cookie' && header.type === 'RegularExpression');
}

/** Whether a match is Kanari's all-paths match and nothing else. */
export function isAllPaths(match: RouteMatch): boolean {
  const keys = Object.keys(match).filter((key) => match[key] !== undefined);
  return keys.length === 1 && match.path?.type === 'PathPrefix' && match.path.value === '/';
}
