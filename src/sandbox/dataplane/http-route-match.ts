/**
 * HTTPRouteGroup matching (`specs.smi-spec.io`, v1alpha1–v1alpha4): which requests a named match
 * selects, for A/B routing in TrafficSplits and for the rules of TrafficTargets.
 */

/** One entry of an HTTPRouteGroup's `matches`. */
export interface HttpMatch {
  name: string;
  methods?: string[];
  /** A regular expression anchored at the start of the path. */
  pathRegex?: string;
  /** Header name → regular expression the whole value must match (names are case-insensitive). */
  headers?: Record<string, string> | Array<Record<string, string>>;
}

/** The parts of a request a match looks at; header names lower case, as Node gives them. */
export interface MatchableRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Reads the matches of an HTTPRouteGroup of any version (v1alpha2 keeps them at the top level). */
export function routeGroupMatches(group: { spec?: { matches?: unknown }; matches?: unknown }): HttpMatch[] {
  const matches = group.spec?.matches ?? group.matches;
  return Array.isArray(matches) ? matches.filter((m): m is HttpMatch => typeof m === 'object' && m !== null) : [];
}

// An invalid regular expression matches nothing, rather than taking the proxy down.
function safeRegExp(source: string, flags = ''): RegExp | undefined {
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

function headerEntries(headers: HttpMatch['headers']): Array<[string, string]> {
  if (!headers) return [];
  // Some writers emit a list of single-entry maps; read both shapes.
  const maps = Array.isArray(headers) ? headers : [headers];
  return maps.flatMap((m) => Object.entries(m ?? {}));
}

/** Whether a request satisfies every condition one match states (an empty match selects everything). */
export function matchesRequest(match: HttpMatch, request: MatchableRequest): boolean {
  if (match.methods && match.methods.length > 0) {
    const method = request.method.toUpperCase();
    if (!match.methods.some((m) => m === '*' || m.toUpperCase() === method)) return false;
  }
  if (match.pathRegex) {
    const regex = safeRegExp(`^(?:${match.pathRegex})`);
    const path = request.path.split('?')[0];
    if (!regex?.test(path)) return false;
  }
  for (const [name, pattern] of headerEntries(match.headers)) {
    const raw = request.headers[name.toLowerCase()];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const regex = safeRegExp(`^(?:${pattern})$`);
    if (!regex || !values.some((v) => regex.test(v))) return false;
  }
  return true;
}

/** Whether a request satisfies any of the matches, restricted to `names` when given (TrafficTarget rules). */
export function matchesAny(matches: readonly HttpMatch[], request: MatchableRequest, names?: readonly string[]): boolean {
  const chosen = names && names.length > 0 ? matches.filter((m) => names.includes(m.name)) : matches;
  return chosen.some((m) => matchesRequest(m, request));
}
