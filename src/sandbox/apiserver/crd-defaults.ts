import { isObject, type JsonObject } from './json.ts';

/** CRD defaults of apiextensions/v1: conversion None, singular and listKind derived from the names. */
export function crdDefaulter(obj: JsonObject): void {
  if (!isObject(obj.spec)) return;
  const spec = obj.spec;
  if (!isObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  if (isObject(spec.names)) {
    const names = spec.names;
    if (typeof names.kind === 'string') {
      if (!names.singular) names.singular = names.kind.toLowerCase();
      if (!names.listKind) names.listKind = `${names.kind}List`;
    }
  }
}

/** The status the real apiextensions controllers converge a served CRD to: accepted and established. */
export function crdServedStatus(crd: JsonObject, now: string): JsonObject {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  const storage = versions.find((v) => v.storage === true)?.name;
  const old = isObject(crd.status) ? crd.status : {};
  const stored = new Set<string>(Array.isArray(old.storedVersions) ? (old.storedVersions as string[]) : []);
  if (typeof storage === 'string') stored.add(storage);
  const condition = (type: string, reason: string, message: string): JsonObject => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: spec.names ?? {},
    storedVersions: [...stored],
  };
}
