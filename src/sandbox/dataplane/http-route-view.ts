/**
 * A Gateway API HTTPRoute (v1 or v1beta1, the same shape) read into what the sandbox data plane routes
 * by: the parents it attaches to, its hostnames, and each rule's matches, filters and weighted backends.
 * Unreadable parts read as absent rather than take the proxy down, as a gateway skips a rule it cannot use.
 */

export interface ParentView {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface StringMatchView {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface MatchView {
  path: { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
  headers: StringMatchView[];
  queryParams: StringMatchView[];
  method?: string;
}

export interface HeaderEdits {
  add: { name: string; value: string }[];
  set: { name: string; value: string }[];
  remove: string[];
}

export interface FilterView {
  type: string;
  requestHeaders?: HeaderEdits;
  responseHeaders?: HeaderEdits;
  mirror?: { namespace: string; service: string; percent: number };
  rewrite?: { hostname?: string; path?: { type: string; value: string } };
}

export interface BackendView {
  namespace: string;
  service: string;
  weight: number;
  filters: FilterView[];
}

export interface RuleView {
  matches: MatchView[];
  filters: FilterView[];
  backends: BackendView[];
}

export interface RouteView {
  namespace: string;
  name: string;
  /** Epoch ms of creation: the oldest route wins a precedence tie. */
  created: number;
  /** The state of the route that was read. */
  resourceVersion?: string;
  parents: ParentView[];
  hostnames: string[];
  rules: RuleView[];
}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const asList = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asObject) : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function stringMatches(value: unknown): StringMatchView[] {
  return asList(value).flatMap((m) => {
    const name = asString(m.name);
    const text = asString(m.value);
    if (name === undefined || text === undefined) return [];
    return [{ type: m.type === 'RegularExpression' ? 'RegularExpression' : 'Exact', name, value: text } as StringMatchView];
  });
}

function matchesOf(value: unknown): MatchView[] {
  const list = asList(value);
  // The API defaults an absent list to one match of every path.
  if (list.length === 0) return [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }];
  return list.map((m) => {
    const path = asObject(m.path);
    const type = path.type === 'Exact' || path.type === 'RegularExpression' ? path.type : 'PathPrefix';
    return { path: { type, value: asString(path.value) ?? '/' }, headers: stringMatches(m.headers), queryParams: stringMatches(m.queryParams), method: asString(m.method) };
  });
}

function edits(value: unknown): HeaderEdits {
  const modifier = asObject(value);
  const pairs = (list: unknown) => asList(list).flatMap((h) => (typeof h.name === 'string' && typeof h.value === 'string' ? [{ name: h.name, value: h.value }] : []));
  return { add: pairs(modifier.add), set: pairs(modifier.set), remove: (Array.isArray(modifier.remove) ? modifier.remove : []).filter((n): n is string => typeof n === 'string') };
}

function filtersOf(value: unknown, namespace: string): FilterView[] {
  return asList(value).map((f) => {
    const type = asString(f.type) ?? '';
    const view: FilterView = { type };
    if (type === 'RequestHeaderModifier') view.requestHeaders = edits(f.requestHeaderModifier);
    if (type === 'ResponseHeaderModifier') view.responseHeaders = edits(f.responseHeaderModifier);
    if (type === 'RequestMirror') {
      const mirror = asObject(f.requestMirror);
      const ref = asObject(mirror.backendRef);
      const fraction = asObject(mirror.fraction);
      const percent = typeof mirror.percent === 'number' ? mirror.percent
        : typeof fraction.numerator === 'number' ? (100 * fraction.numerator) / (typeof fraction.denominator === 'number' && fraction.denominator > 0 ? fraction.denominator : 100)
        : 100;
      const service = asString(ref.name);
      if (service) view.mirror = { namespace: asString(ref.namespace) ?? namespace, service, percent };
    }
    if (type === 'URLRewrite') {
      const rewrite = asObject(f.urlRewrite);
      const path = asObject(rewrite.path);
      const pathType = asString(path.type);
      const pathValue = pathType === 'ReplaceFullPath' ? asString(path.replaceFullPath) : asString(path.replacePrefixMatch);
      view.rewrite = { hostname: asString(rewrite.hostname), path: pathType && pathValue !== undefined ? { type: pathType, value: pathValue } : undefined };
    }
    return view;
  });
}

/** Reads an HTTPRoute object; undefined when it has no spec. */
export function readHttpRoute(object: { metadata?: { name?: string; namespace?: string; creationTimestamp?: unknown; resourceVersion?: string }; spec?: unknown }): RouteView | undefined {
  const spec = asObject(object.spec);
  if (Object.keys(spec).length === 0) return undefined;
  const namespace = object.metadata?.namespace ?? 'default';
  const created = Date.parse(String(object.metadata?.creationTimestamp ?? ''));
  return {
    namespace,
    name: object.metadata?.name ?? '',
    created: Number.isNaN(created) ? 0 : created,
    resourceVersion: object.metadata?.resourceVersion,
    parents: asList(spec.parentRefs).flatMap((p) => {
      const name = asString(p.name);
      if (!name) return [];
      return [{ group: asString(p.group) ?? 'gateway.networking.k8s.io', kind: asString(p.kind) ?? 'Gateway', namespace: asString(p.namespace) ?? namespace, name, sectionName: asString(p.sectionName), port: typeof p.port === 'number' ? p.port : undefined }];
    }),
    hostnames: (Array.isArray(spec.hostnames) ? spec.hostnames : []).filter((h): h is string => typeof h === 'string'),
    rules: asList(spec.rules).map((rule) => ({
      matches: matchesOf(rule.matches),
      filters: filtersOf(rule.filters, namespace),
      backends: asList(rule.backendRefs).flatMap((b) => {
        const service = asString(b.name);
        if (!service || (b.kind !== undefined && b.kind !== 'Service')) return [];
        return [{ namespace: asString(b.namespace) ?? namespace, service, weight: typeof b.weight === 'number' ? Math.max(0, b.weight) : 1, filters: filtersOf(b.filters, namespace) }];
      }),
    })),
  };
}

/** Whether a parentRef names a Service (a GAMMA, in-mesh route): group "" or "core", kind Service. */
export function isServiceParent(parent: ParentView): boolean {
  return (parent.group === '' || parent.group === 'core') && parent.kind === 'Service';
}
