/**
 * What the installed HTTPRoute CRD can hold, read from its OpenAPI schema. Fields promoted to the
 * standard channel after v1.0 (parentRefs[].port in v1.1, rules[].timeouts in v1.1, RequestMirror
 * percent in v1.2) are silently pruned by an API server whose CRD lacks them, so a route written with
 * them would never read back as written and Kanari would rewrite it forever.
 */

/** Optional fields of the served HTTPRoute version. */
export interface HttpRouteFeatures {
  parentRefPort: boolean;
  timeouts: boolean;
  mirrorPercent: boolean;
}

/** What to assume when the CRD cannot be read: only what every standard channel release has. */
export const BASELINE_FEATURES: HttpRouteFeatures = { parentRefPort: false, timeouts: false, mirrorPercent: false };

type Schema = { properties?: Record<string, Schema>; items?: Schema };

interface CrdLike {
  spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: unknown } }[] };
}

function at(schema: Schema | undefined, path: string[]): Schema | undefined {
  let node = schema;
  for (const step of path) {
    if (node === undefined) return undefined;
    node = step === '[]' ? node.items : node.properties?.[step];
  }
  return node;
}

/** The features of `version` in the HTTPRoute CRD; the baseline when the CRD or version is unknown. */
export function httpRouteFeatures(crd: CrdLike | undefined, version: string): HttpRouteFeatures {
  const schema = crd?.spec?.versions?.find((v) => v.name === version)?.schema?.openAPIV3Schema as Schema | undefined;
  if (!schema) return BASELINE_FEATURES;
  const spec = at(schema, ['spec']);
  return {
    parentRefPort: at(spec, ['parentRefs', '[]', 'port']) !== undefined,
    timeouts: at(spec, ['rules', '[]', 'timeouts']) !== undefined,
    mirrorPercent: at(spec, ['rules', '[]', 'filters', '[]', 'requestMirror', 'percent']) !== undefined,
  };
}
