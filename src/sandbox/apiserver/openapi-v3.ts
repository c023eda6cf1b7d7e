import { createHash } from 'node:crypto';
import type { JsonObject } from './json.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import type { ResourceType } from './resource-type.ts';

/**
 * A minimal OpenAPI v3 document per group/version. kubectl reads it only to learn that PATCH accepts
 * `fieldValidation`, which makes it leave validation to the server instead of demanding a full schema.
 */
export function openApiV3GroupVersion(registry: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const paths: JsonObject = {};
  for (const t of types) paths[`${prefix}/${t.namespaced ? 'namespaces/{namespace}/' : ''}${t.plural}/{name}`] = { patch: patchOperation(t) };
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}

function patchOperation(t: ResourceType): JsonObject {
  const query = (name: string): JsonObject => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  return {
    operationId: `patch${t.kind}`,
    parameters: [query('dryRun'), query('fieldManager'), query('fieldValidation'), { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }],
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
  };
}

/** The /openapi/v3 index: each group/version with a URL whose hash changes when its content does. */
export function openApiV3Index(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const doc = openApiV3GroupVersion(registry, g.name, v);
      if (!doc) continue;
      const key = g.name === '' ? `api/${v}` : `apis/${g.name}/${v}`;
      const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase();
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    }
  }
  return { paths };
}
