import type { StatusCause } from '../api-error.ts';
import { isObject, type JsonObject } from '../json.ts';
import type { SchemaProps } from '../structural-schema.ts';
import { compileSchema, type CompiledSchema, type RuleNode } from './rule-compiler.ts';
import { evaluateRules } from './rule-validator.ts';

// The sandbox's entry to CRD validation rules (x-kubernetes-validations): compile a CRD's rules once when
// the CRD is written (rejecting the CRD when one does not compile), keep the programs with the served
// type, and evaluate them on every write of a custom resource.

export type { RuleNode } from './rule-compiler.ts';

const cache = new Map<string, CompiledSchema>();
const cacheSize = 64;

/** The compiled rules of a schema; the same schema text compiles once (CRD admission, then serving). */
function compiled(schema: SchemaProps, path: string): CompiledSchema {
  const key = `${path}\n${JSON.stringify(schema)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = compileSchema(schema, path);
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

const versionsOf = (crd: JsonObject): JsonObject[] => {
  const spec = isObject(crd.spec) ? crd.spec : {};
  return Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
};

const schemaPath = (i: number) => `spec.versions[${i}].schema.openAPIV3Schema`;
const schemaOf = (v: JsonObject): SchemaProps | undefined =>
  isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? (v.schema.openAPIV3Schema as SchemaProps) : undefined;

/** Why a CRD's validation rules are unacceptable (a rule that does not compile, a bad reason...). */
export function crdValidationRuleCauses(crd: JsonObject): StatusCause[] {
  return versionsOf(crd).flatMap((v, i) => {
    const schema = schemaOf(v);
    return schema ? compiled(schema, schemaPath(i)).causes : [];
  });
}

/** The compiled rules of one served version of a CRD, or undefined when it has none. */
export function servedValidationRules(crd: JsonObject, version: string): RuleNode | undefined {
  const versions = versionsOf(crd);
  const i = versions.findIndex((v) => v.name === version);
  const schema = i < 0 ? undefined : schemaOf(versions[i]);
  return schema ? compiled(schema, schemaPath(i)).root : undefined;
}

// Schema errors of these kinds keep kube-apiserver from running the rules at all (hasBlockingErr).
const blockingReasons = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

/**
 * The causes the validation rules add for a custom resource (`old` on updates), after the schema
 * checks gave `schemaCauses`: rules are skipped, with the real server's notice, when those are blocking.
 */
export function validationRuleCauses(rules: RuleNode | undefined, obj: JsonObject, old: JsonObject | undefined, schemaCauses: StatusCause[]): StatusCause[] {
  if (!rules) return [];
  if (schemaCauses.some((c) => blockingReasons.has(c.reason))) {
    return [{
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      field: '<nil>',
    }];
  }
  return evaluateRules(rules, obj, old);
}
