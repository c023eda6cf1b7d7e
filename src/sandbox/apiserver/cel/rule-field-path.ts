import { isObject } from '../json.ts';
import type { SchemaProps } from '../structural-schema.ts';

/**
 * Resolves a rule's `fieldPath` (".spec.x", ".labels['a.b']") against the schema of the rule's node, as
 * apiextensions' ValidFieldPath does: only property and map-key steps, each naming something the schema
 * declares. Returns the path as error messages show it ("spec.x", "labels[a.b]"), or undefined if invalid.
 */
export function ruleFieldPath(jsonPath: string, schema: SchemaProps): string | undefined {
  const tokens = jsonPath.match(/'(?:[^'\\]|\\.)*'|[.[\]]|[^.[\]']+/g) ?? [];
  let s: SchemaProps | undefined = schema;
  let path = '';
  const step = (name: string): boolean => {
    if (!s) return false;
    if (s.properties) {
      s = s.properties[name];
      path += path === '' ? name : `.${name}`;
      return s !== undefined;
    }
    if (isObject(s.additionalProperties)) {
      s = s.additionalProperties as SchemaProps;
      path += `[${name}]`;
      return true;
    }
    return false;
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok === '.') {
      const name = tokens[++i];
      if (name === undefined || name === '.' || name === '[' || name === ']' || !step(name)) return undefined;
    } else if (tok === '[') {
      const quoted = tokens[++i];
      if (quoted === undefined || !/^'.*'$/s.test(quoted) || tokens[++i] !== ']') return undefined;
      if (!step(quoted.slice(1, -1).replace(/\\(.)/g, '$1'))) return undefined;
    } else {
      return undefined;
    }
  }
  return path;
}
