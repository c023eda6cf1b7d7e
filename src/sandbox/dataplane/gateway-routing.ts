/**
 * How a Gateway API implementation picks where a request goes, for the sandbox data plane: among the
 * HTTPRoutes attached to a parent (an apex Service in the mesh, or a Gateway), the matching rule of
 * highest precedence (exact path, then longest prefix, then method, then most header and query
 * matches; ties to the oldest route and the first rule), then a backend by weight, with the rule's and
 * the backend's filters and any mirror.
 */
import { chooseWeighted } from './weighted-choice.ts';
import type { BackendView, FilterView, HeaderEdits, MatchView, ParentView, RouteView, StringMatchView } from './http-route-view.ts';

/** The parts of a request routing looks at; header names lower case, as Node gives them. */
export interface RoutableRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The Host header without port, for a Gateway's hostnames; absent in the mesh. */
  host?: string;
}

/** What to do with a request that matched a rule. */
export interface RoutedRequest {
  kind: 'routed';
  backend: { namespace: string; service: string };
  requestHeaders: HeaderEdits[];
  responseHeaders: HeaderEdits[];
  /** The path to send upstream (rewritten), with the query string. */
  path: string;
  /** A rewritten Host header. */
  host?: string;
  /** Services that get a copy of the request; their answers are discarded. */
  mirrors: { namespace: string; service: string }[];
  /** The resourceVersion of the HTTPRoute that decided. */
  routeVersion?: string;
}

/** No route attached to the parent, no rule matched (404), or the rule has no backend with weight (500). */
export type RouteDecision = RoutedRequest | { kind: 'unattached' } | { kind: 'no-match' } | { kind: 'no-backend'; message: string };

// An invalid regular expression matches nothing, rather than taking the proxy down.
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

function stringMatches(match: StringMatchView, values: string[]): boolean {
  return values.some((value) => (match.type === 'Exact' ? value === match.value : fullMatch(match.value, value)));
}

function pathMatches(match: MatchView['path'], path: string): boolean {
  if (match.type === 'Exact') return path === match.value;
  if (match.type === 'RegularExpression') return fullMatch(match.value, path);
  const prefix = match.value.endsWith('/') ? match.value : `${match.value}/`;
  return match.value === '/' || path === match.value || path.startsWith(prefix);
}

function headerValues(headers: RoutableRequest['headers'], name: string): string[] {
  const raw = headers[name.toLowerCase()];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

function matches(match: MatchView, request: RoutableRequest, path: string, query: URLSearchParams): boolean {
  if (!pathMatches(match.path, path)) return false;
  if (match.method && match.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (!match.headers.every((h) => stringMatches(h, headerValues(request.headers, h.name)))) return false;
  return match.queryParams.every((q) => stringMatches(q, query.getAll(q.name)));
}

function hostMatches(hostnames: readonly string[], host: string | undefined): boolean {
  if (hostnames.length === 0 || host === undefined) return true;
  const name = host.toLowerCase();
  return hostnames.some((h) => (h.startsWith('*.') ? name.endsWith(h.slice(1)) && name.length > h.length - 1 : name === h.toLowerCase()));
}

/** The precedence of a match, highest first, as a comparable list. */
function rank(match: MatchView): number[] {
  const pathKind = match.path.type === 'Exact' ? 3 : match.path.type === 'RegularExpression' ? 2 : 1;
  return [pathKind, match.path.type === 'PathPrefix' ? match.path.value.length : 0, match.method ? 1 : 0, match.headers.length, match.queryParams.length];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i] - a[i];
  return 0;
}

function editsOf(filters: readonly FilterView[], kind: 'requestHeaders' | 'responseHeaders'): HeaderEdits[] {
  return filters.flatMap((f) => (f[kind] ? [f[kind]!] : []));
}

function rewritePath(filters: readonly FilterView[], match: MatchView, path: string, search: string): string {
  const rewrite = filters.find((f) => f.rewrite?.path)?.rewrite?.path;
  if (!rewrite) return `${path}${search}`;
  if (rewrite.type === 'ReplaceFullPath') return `${rewrite.value}${search}`;
  // ReplacePrefixMatch: the matched prefix gives way to the replacement, the rest of the path follows.
  const prefix = match.path.type === 'PathPrefix' ? match.path.value.replace(/\/$/, '') : '';
  const replaced = `${rewrite.value.replace(/\/$/, '')}${path.slice(prefix.length)}`;
  return `${replaced || '/'}${search}`;
}

/**
 * Routes a request by the HTTPRoutes attached to a parent (`attached` says which parentRefs name it).
 * `draw` gives uniform numbers in [0, 1) for the weighted choice and the mirror percentages.
 */
export function routeRequest(routes: readonly RouteView[], attached: (parent: ParentView) => boolean, request: RoutableRequest, draw: () => number): RouteDecision {
  const candidates = routes.filter((route) => route.parents.some(attached));
  if (candidates.length === 0) return { kind: 'unattached' };
  const url = new URL(request.path, 'http://sandbox');
  const path = url.pathname;
  const ordered = [...candidates].sort((a, b) => a.created - b.created || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  let best: { route: RouteView; rule: RouteView['rules'][number]; match: MatchView; rank: number[] } | undefined;
  for (const route of ordered) {
    if (!hostMatches(route.hostnames, request.host)) continue;
    for (const rule of route.rules) {
      for (const match of rule.matches) {
        if (!matches(match, request, path, url.searchParams)) continue;
        const r = rank(match);
        if (!best || compareRanks(r, best.rank) < 0) best = { route, rule, match, rank: r };
      }
    }
  }
  if (!best) return { kind: 'no-match' };
  const backend: BackendView | undefined = chooseWeighted(best.rule.backends.map((b) => ({ item: b, weight: b.weight })), draw());
  if (!backend) return { kind: 'no-backend', message: `HTTPRoute ${best.route.namespace}/${best.route.name}: the matching rule has no backend with a positive weight` };
  const filters = [...best.rule.filters, ...backend.filters];
  const mirrors = filters.flatMap((f) => (f.mirror && draw() * 100 < f.mirror.percent ? [{ namespace: f.mirror.namespace, service: f.mirror.service }] : []));
  return {
    kind: 'routed',
    backend: { namespace: backend.namespace, service: backend.service },
    requestHeaders: editsOf(filters, 'requestHeaders'),
    responseHeaders: editsOf(filters, 'responseHeaders'),
    path: rewritePath(filters, best.match, path, url.search),
    host: filters.find((f) => f.rewrite?.hostname)?.rewrite?.hostname,
    mirrors,
    routeVersion: best.route.resourceVersion,
  };
}
