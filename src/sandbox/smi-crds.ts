// CustomResourceDefinitions for the SMI kinds Kanari routes with, shaped after the SMI SDK and the meshes
// that served them (see /work/shared/reference/smi.md). Installing a chosen set of versions into the sandbox
// API server lets tests and the playground look like Linkerd (split v1alpha1+v1alpha2), OSM (v1alpha2),
// Traefik Mesh (v1alpha3) or the SDK (v1alpha4).

type Schema = Record<string, unknown>;

export const SPLIT_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const;
export const SPECS_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const;
export const ACCESS_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3'] as const;

export interface SmiCrdOptions {
  /** TrafficSplit versions to serve; the first listed is the storage version. Default: all, v1alpha4 stored. */
  split?: string[];
  /** HTTPRouteGroup versions to serve (first is storage). Default: all, v1alpha4 stored. */
  specs?: string[];
  /** TrafficTarget versions to serve (first is storage). Default: all, v1alpha3 stored. An empty list skips the CRD. */
  access?: string[];
}

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const obj = (properties: Record<string, Schema>, required?: string[]): Schema => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});
const list = (items: Schema): Schema => ({ type: 'array', items });
const stringList = list(str);
const stringMap: Schema = { type: 'object', additionalProperties: str };

// v1alpha1 weights are resource.Quantity: a number or a string such as "500m".
const quantity: Schema = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };

function trafficSplitSpec(version: string): Schema {
  const weight = version === 'v1alpha1' ? quantity : int;
  const backends = list(obj({ service: str, weight }, ['service', 'weight']));
  if (version === 'v1alpha1' || version === 'v1alpha2') return obj({ service: str, backends }, ['backends']);
  const matches = list(obj({ kind: str, name: str, apiGroup: str }, ['kind', 'name']));
  return obj({ service: str, backends, matches }, ['service', 'backends']);
}

function httpRouteGroupMatches(version: string): Schema {
  const match: Record<string, Schema> = { name: str, methods: stringList, pathRegex: str };
  if (version !== 'v1alpha1') match.headers = version === 'v1alpha2' ? list(stringMap) : stringMap;
  return list(obj(match, ['name']));
}

function trafficTargetFields(version: string): Record<string, Schema> {
  const identity: Record<string, Schema> = { kind: str, name: str, namespace: str };
  const destination = obj(version === 'v1alpha3' ? identity : { ...identity, port: quantity }, ['kind', 'name']);
  const sources = list(obj(identity, ['kind', 'name']));
  const rules = list(obj({ kind: str, name: str, matches: stringList }, ['kind', 'name']));
  if (version === 'v1alpha1') return { destination, sources, specs: rules };
  const required = version === 'v1alpha3' ? ['destination', 'sources', 'rules'] : ['destination'];
  return { spec: obj({ destination, sources, rules }, required) };
}

interface KindDefinition {
  group: string;
  plural: string;
  singular: string;
  kind: string;
  shortName: string;
  allVersions: readonly string[];
  defaultOrder: string[];
  /** Properties of the object beside apiVersion, kind and metadata, per version. */
  fields: (version: string) => Record<string, Schema>;
  columns: (version: string) => Schema[];
}

const definitions: KindDefinition[] = [
  {
    group: 'split.smi-spec.io',
    plural: 'trafficsplits',
    singular: 'trafficsplit',
    kind: 'TrafficSplit',
    shortName: 'ts',
    allVersions: SPLIT_VERSIONS,
    defaultOrder: ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'],
    fields: (version) => ({ spec: trafficSplitSpec(version) }),
    columns: () => [
      { name: 'Service', type: 'string', description: 'The apex service of this split.', jsonPath: '.spec.service' },
    ],
  },
  {
    group: 'specs.smi-spec.io',
    plural: 'httproutegroups',
    singular: 'httproutegroup',
    kind: 'HTTPRouteGroup',
    shortName: 'htr',
    allVersions: SPECS_VERSIONS,
    defaultOrder: ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'],
    fields: (version): Record<string, Schema> =>
      version === 'v1alpha1' || version === 'v1alpha2'
        ? { matches: httpRouteGroupMatches(version) }
        : { spec: obj({ matches: httpRouteGroupMatches(version) }) },
    columns: () => [],
  },
  {
    group: 'access.smi-spec.io',
    plural: 'traffictargets',
    singular: 'traffictarget',
    kind: 'TrafficTarget',
    shortName: 'tt',
    allVersions: ACCESS_VERSIONS,
    defaultOrder: ['v1alpha3', 'v1alpha2', 'v1alpha1'],
    fields: trafficTargetFields,
    columns: () => [],
  },
];

function crdFor(definition: KindDefinition, requested: string[] | undefined): object | undefined {
  const versions = requested ?? definition.defaultOrder;
  if (versions.length === 0) return undefined;
  for (const version of versions) {
    if (!definition.allVersions.includes(version)) {
      throw new Error(`${definition.kind} has no version ${version}; SMI defines ${definition.allVersions.join(', ')}`);
    }
  }
  const storage = versions[0];
  const served = definition.allVersions.filter((v) => versions.includes(v));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${definition.plural}.${definition.group}` },
    spec: {
      group: definition.group,
      scope: 'Namespaced',
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular: definition.singular,
        shortNames: [definition.shortName],
        categories: ['smi'],
      },
      // conversion None, as linkerd-smi does: stored objects come back unchanged from every served version.
      conversion: { strategy: 'None' },
      versions: served.map((version) => {
        const columns = definition.columns(version);
        return {
          name: version,
          served: true,
          storage: version === storage,
          schema: {
            openAPIV3Schema: obj({ apiVersion: str, kind: str, ...definition.fields(version) }),
          },
          ...(columns.length > 0 ? { additionalPrinterColumns: columns } : {}),
        };
      }),
    },
  };
}

/** CustomResourceDefinitions for TrafficSplit, HTTPRouteGroup and TrafficTarget serving exactly the versions asked. */
export function smiCrds(opts: SmiCrdOptions = {}): object[] {
  const requested = [opts.split, opts.specs, opts.access];
  return definitions
    .map((definition, i) => crdFor(definition, requested[i]))
    .filter((crd): crd is object => crd !== undefined);
}
