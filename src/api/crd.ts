import { stringify } from 'yaml';
import { API_GROUP, API_VERSION, CanarySchema } from './canary.ts';
import { MetricTemplateSchema } from './metric-template.ts';
import { AlertProviderSchema } from './alert-provider.ts';

/**
 * The CustomResourceDefinitions, generated from the same schemas ajv validates with, so the API server and
 * `kanari validate` cannot disagree about a field. The TypeBox nodes are rewritten into Kubernetes'
 * structural schema dialect: closed objects become plain `properties` (the API server prunes unknown
 * fields instead), string maps become `additionalProperties`, `const` becomes a one-value `enum`.
 */

type JsonObject = { [key: string]: unknown };

interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  schema: unknown;
  statusSubresource: boolean;
  printerColumns: JsonObject[];
}

const AGE_COLUMN = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

const KINDS: KindDefinition[] = [
  {
    kind: 'Canary',
    plural: 'canaries',
    singular: 'canary',
    shortNames: ['cd'],
    schema: CanarySchema,
    statusSubresource: true,
    printerColumns: [
      { name: 'Status', type: 'string', jsonPath: '.status.phase' },
      { name: 'Weight', type: 'integer', jsonPath: '.status.canaryWeight' },
      { name: 'FailedChecks', type: 'integer', jsonPath: '.status.failedChecks' },
      { name: 'LastTransitionTime', type: 'date', jsonPath: '.status.lastTransitionTime' },
      AGE_COLUMN,
    ],
  },
  {
    kind: 'MetricTemplate',
    plural: 'metrictemplates',
    singular: 'metrictemplate',
    shortNames: ['mt'],
    schema: MetricTemplateSchema,
    statusSubresource: false,
    printerColumns: [{ name: 'Provider', type: 'string', jsonPath: '.spec.provider.type' }, AGE_COLUMN],
  },
  {
    kind: 'AlertProvider',
    plural: 'alertproviders',
    singular: 'alertprovider',
    shortNames: ['ap'],
    schema: AlertProviderSchema,
    statusSubresource: false,
    printerColumns: [{ name: 'Type', type: 'string', jsonPath: '.spec.type' }, AGE_COLUMN],
  },
];

/** Every CRD Kanari serves, in a stable order. */
export function customResourceDefinitions(): JsonObject[] {
  return KINDS.map(customResourceDefinition);
}

/** The file a CRD is written to under `crds/`, named like controller-gen's output. */
export function crdFileName(crd: JsonObject): string {
  const plural = (crd.spec as { names: { plural: string } }).names.plural;
  return `${API_GROUP}_${plural}.yaml`;
}

/** The YAML text of one CRD file, with a header saying where it comes from. */
export function renderCrdYaml(crd: JsonObject): string {
  return `# Generated from src/api by \`npm run generate\`; do not edit by hand.\n${stringify(crd, { lineWidth: 0 })}`;
}

function customResourceDefinition(definition: KindDefinition): JsonObject {
  const root = structuralSchema(definition.schema) as JsonObject;
  const properties = root.properties as JsonObject;
  // The API server owns apiVersion, kind and metadata; a CRD may only say they exist.
  properties.apiVersion = { type: 'string' };
  properties.kind = { type: 'string' };
  properties.metadata = { type: 'object' };
  root.required = (root.required as string[]).filter((name) => !['apiVersion', 'kind', 'metadata'].includes(name));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${definition.plural}.${API_GROUP}` },
    spec: {
      group: API_GROUP,
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular: definition.singular,
        shortNames: definition.shortNames,
        categories: ['all', 'kanari'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          ...(definition.statusSubresource ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: definition.printerColumns,
          schema: { openAPIV3Schema: root },
        },
      ],
    },
  };
}

// Keywords a structural schema may carry; anything else in a TypeBox node is a mistake to surface.
const KEPT_KEYWORDS = new Set([
  'type',
  'description',
  'properties',
  'required',
  'items',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  'nullable',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
]);

/** Rewrites one TypeBox/JSON Schema node (recursively) into a structural CRD schema node. */
export function structuralSchema(node: unknown): unknown {
  const source = node as JsonObject;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || key === '$id' || key === 'additionalProperties' || key === 'patternProperties') continue;
    if (key === 'const') {
      result.enum = [value];
    } else if (key === 'properties') {
      result.properties = Object.fromEntries(Object.entries(value as JsonObject).map(([name, child]) => [name, structuralSchema(child)]));
    } else if (key === 'items') {
      result.items = structuralSchema(value);
    } else if (KEPT_KEYWORDS.has(key)) {
      result[key] = structuredClone(value);
    } else {
      throw new Error(`schema keyword "${key}" has no structural CRD equivalent`);
    }
  }
  const mapValues = mapValueSchema(source);
  if (mapValues !== undefined) result.additionalProperties = mapValues;
  if (Array.isArray(result.required) && result.required.length === 0) delete result.required;
  return result;
}

/** A string-keyed map (TypeBox Record, or an open additionalProperties schema) as the CRD's additionalProperties. */
function mapValueSchema(source: JsonObject): unknown {
  const patterns = source.patternProperties as JsonObject | undefined;
  if (patterns) {
    const entries = Object.entries(patterns);
    if (entries.length !== 1 || !['^(.*)$', '^.*$'].includes(entries[0][0])) {
      throw new Error('patternProperties other than one catch-all pattern cannot be expressed in a CRD');
    }
    return structuralSchema(entries[0][1]);
  }
  const additional = source.additionalProperties;
  if (typeof additional === 'object' && additional !== null) return structuralSchema(additional);
  return undefined;
}
