import type { StatusCause } from './api-error.ts';
import { crdValidationRuleCauses, servedValidationRules } from './cel/validation-rules.ts';
import { isObject, metadataOf, type JsonObject } from './json.ts';
import { allVerbs, type PrinterColumn, type ResourceType, type ScalePaths } from './resource-type.ts';
import type { SchemaProps } from './structural-schema.ts';

/** The resource types a CRD serves: one per served version, sharing storage by group and plural. */
export function typesServedByCrd(crd: JsonObject): ResourceType[] {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = (isObject(spec.names) ? spec.names : {}) as Record<string, unknown>;
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  if (metadataOf(crd).deletionTimestamp) return [];
  return versions
    .filter((v) => v.served === true)
    .map((v) => {
      const sub = isObject(v.subresources) ? v.subresources : {};
      const schema = isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? (v.schema.openAPIV3Schema as SchemaProps) : undefined;
      const scale = isObject(sub.scale) ? (sub.scale as unknown as ScalePaths) : undefined;
      const kind = String(names.kind);
      return {
        group: String(spec.group),
        version: String(v.name),
        kind,
        listKind: String(names.listKind ?? `${kind}List`),
        plural: String(names.plural),
        singular: String(names.singular ?? kind.toLowerCase()),
        namespaced: spec.scope !== 'Cluster',
        shortNames: Array.isArray(names.shortNames) ? (names.shortNames as string[]) : [],
        categories: Array.isArray(names.categories) ? (names.categories as string[]) : [],
        verbs: allVerbs,
        hasStatus: isObject(sub.status),
        scale,
        hasGeneration: true,
        builtin: false,
        returnsDeletedObject: true,
        schema,
        celRules: servedValidationRules(crd, String(v.name)),
        printerColumns: Array.isArray(v.additionalPrinterColumns) ? (v.additionalPrinterColumns as PrinterColumn[]) : undefined,
        defaulter: undefined,
      } satisfies ResourceType;
    });
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The checks of apiextensions validation Kanari's CRDs could trip, with the real field paths. */
export function validateCrd(crd: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const name = metadataOf(crd).name;
  const required = (field: string): void => {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  };
  if (typeof spec.group !== 'string' || spec.group === '') required('spec.group');
  else if (!spec.group.includes('.')) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${spec.group}": should be a domain with at least one dot`, field: 'spec.group' });
  if (typeof names.plural !== 'string' || names.plural === '') required('spec.names.plural');
  else if (!dns1123Subdomain.test(names.plural)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${names.plural}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`, field: 'spec.names.plural' });
  if (typeof names.kind !== 'string' || names.kind === '') required('spec.names.kind');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${String(spec.scope ?? '')}": supported values: "Cluster", "Namespaced"`, field: 'spec.scope' });
  }
  if (typeof spec.group === 'string' && typeof names.plural === 'string' && name !== `${names.plural}.${spec.group}`) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${String(name)}": must be spec.names.plural+"."+spec.group`, field: 'metadata.name' });
  }
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  if (versions.length === 0) required('spec.versions');
  else {
    const storage = versions.filter((v) => v.storage === true).length;
    if (storage !== 1) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version`, field: 'spec.versions' });
    versions.forEach((v, i) => {
      if (typeof v.name !== 'string' || v.name === '') required(`spec.versions[${i}].name`);
      if (!isObject(v.schema) || !isObject(v.schema.openAPIV3Schema)) required(`spec.versions[${i}].schema.openAPIV3Schema`);
    });
  }
  causes.push(...crdValidationRuleCauses(crd));
  return causes;
}
