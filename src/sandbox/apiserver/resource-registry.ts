import type { ResourceType } from './resource-type.ts';

/** A group/version served by someone else (mountAggregatedApi); discovery lists it, requests are proxied. */
export interface AggregatedResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  singularName?: string;
  shortNames?: string[];
}

export interface AggregatedApi {
  group: string;
  version: string;
  resources: AggregatedResource[];
}

/**
 * Which resources are served at which group/version right now: built-ins, the versions of every CRD
 * (replaced wholesale when the CRD changes), and aggregated APIs.
 */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly crdTypes = new Map<string, ResourceType[]>();
  private readonly builtins: ResourceType[] = [];
  readonly aggregated = new Map<string, AggregatedApi>();

  constructor(builtins: ResourceType[]) {
    for (const t of builtins) {
      this.builtins.push(t);
      this.byPath.set(pathKey(t.group, t.version, t.plural), t);
    }
  }

  /** The type served at group/version/plural, if any. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(pathKey(group, version, plural));
  }

  /** Replaces what a CRD serves (an empty list unserves it). */
  serveCrd(crdName: string, types: ResourceType[]): void {
    for (const t of this.crdTypes.get(crdName) ?? []) this.byPath.delete(pathKey(t.group, t.version, t.plural));
    if (types.length === 0) this.crdTypes.delete(crdName);
    else this.crdTypes.set(crdName, types);
    for (const t of types) this.byPath.set(pathKey(t.group, t.version, t.plural), t);
  }

  /** Every served type, built-ins first. */
  all(): ResourceType[] {
    return [...this.builtins, ...[...this.crdTypes.values()].flat()];
  }

  /** The types of one group/version. */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  /**
   * Groups with their versions, preferred (first) version first: built-in groups in Kubernetes' order,
   * then CRD and aggregated groups sorted by name.
   */
  groups(): { name: string; versions: string[] }[] {
    const order: string[] = [];
    const versions = new Map<string, string[]>();
    const add = (group: string, version: string): void => {
      if (!versions.has(group)) {
        versions.set(group, []);
        order.push(group);
      }
      const vs = versions.get(group) as string[];
      if (!vs.includes(version)) vs.push(version);
    };
    for (const t of this.builtins) add(t.group, t.version);
    const extra = [...[...this.crdTypes.values()].flat().map((t) => [t.group, t.version]), ...[...this.aggregated.values()].map((a) => [a.group, a.version])];
    extra.sort((a, b) => a[0].localeCompare(b[0]));
    for (const [g, v] of extra) add(g, v);
    return order.map((name) => ({ name, versions: sortVersions(versions.get(name) as string[]) }));
  }
}

function pathKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

/** Kubernetes' version priority: GA > beta > alpha, higher numbers first. */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
  });
}
