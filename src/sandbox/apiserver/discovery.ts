import type { JsonObject } from './json.ts';
import type { AggregatedResource, ResourceRegistry } from './resource-registry.ts';
import { apiVersionOf, type ResourceType } from './resource-type.ts';

/** The Kubernetes version the sandbox claims to be (the kubectl on these machines is 1.32). */
export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kanari-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const subresourceVerbs = ['get', 'patch', 'update'];

function legacyEntries(t: ResourceType): JsonObject[] {
  const main: JsonObject = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
  if (t.shortNames.length > 0) main.shortNames = t.shortNames;
  if (t.categories.length > 0) main.categories = t.categories;
  const out = [main];
  if (t.hasStatus) out.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: subresourceVerbs });
  if (t.scale) out.push({ name: `${t.plural}/scale`, singularName: '', namespaced: t.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: subresourceVerbs });
  return out;
}

function aggregatedLegacyEntry(r: AggregatedResource): JsonObject {
  const e: JsonObject = { name: r.name, singularName: r.singularName ?? r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
  if (r.shortNames?.length) e.shortNames = r.shortNames;
  return e;
}

/** GET /api: the core group's versions. */
export function apiVersions(serverAddress: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string, versions: string[]): JsonObject {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

/** GET /apis: every named group with its versions, preferred first. */
export function apiGroupList(registry: ResourceRegistry): JsonObject {
  const groups = registry.groups().filter((g) => g.name !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupEntry(g.name, g.versions)) };
}

/** GET /apis/{group}: one APIGroup, or undefined when nothing serves it. */
export function apiGroup(registry: ResourceRegistry, group: string): JsonObject | undefined {
  const g = registry.groups().find((x) => x.name === group);
  if (!g || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) };
}

/** GET /api/v1 or /apis/{g}/{v}: the APIResourceList, or undefined when the version is not served. */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const agg = registry.aggregated.get(`${group}/${version}`);
  const types = registry.inGroupVersion(group, version);
  if (!agg && types.length === 0) return undefined;
  const resources = agg ? agg.resources.map(aggregatedLegacyEntry) : types.flatMap(legacyEntries);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

function discoveryResource(t: ResourceType): JsonObject {
  const r: JsonObject = {
    resource: t.plural,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
  };
  if (t.shortNames.length > 0) r.shortNames = t.shortNames;
  if (t.categories.length > 0) r.categories = t.categories;
  const subresources: JsonObject[] = [];
  if (t.hasStatus) subresources.push({ subresource: 'status', responseKind: { group: t.group, version: t.version, kind: t.kind }, verbs: subresourceVerbs });
  if (t.scale) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: subresourceVerbs });
  if (subresources.length > 0) r.subresources = subresources;
  return r;
}

function aggregatedDiscoveryResource(group: string, version: string, a: AggregatedResource): JsonObject {
  const r: JsonObject = {
    resource: a.name,
    responseKind: { group, version, kind: a.kind },
    scope: a.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: a.singularName ?? a.kind.toLowerCase(),
    verbs: a.verbs,
  };
  if (a.shortNames?.length) r.shortNames = a.shortNames;
  return r;
}

/**
 * The aggregated discovery document (apidiscovery.k8s.io v2 or v2beta1) kubectl 1.30+ asks for: for
 * /api only the core group, for /apis every named group.
 */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean, apiVersion: string): JsonObject {
  const groups = registry.groups().filter((g) => (legacy ? g.name === '' : g.name !== ''));
  const items = groups.map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map((v) => {
      const agg = registry.aggregated.get(`${g.name}/${v}`);
      const resources = agg ? agg.resources.map((a) => aggregatedDiscoveryResource(g.name, v, a)) : registry.inGroupVersion(g.name, v).map(discoveryResource);
      return { version: v, resources, freshness: 'Current' };
    }),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}
