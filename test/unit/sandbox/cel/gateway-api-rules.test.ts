import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { compileSchema, type RuleNode } from '../../../../src/sandbox/apiserver/cel/rule-compiler.ts';
import { GATEWAY_API_VERSIONS, gatewayApiCrdFiles } from '../../../../src/sandbox/gateway-api-crds.ts';
import type { SchemaProps } from '../../../../src/sandbox/apiserver/structural-schema.ts';

// Every x-kubernetes-validations rule of every upstream Gateway API CRD (every served version) compiles,
// with none dropped on the way: the count of compiled rules equals the count in the YAML.

type Crd = { metadata: { name: string }; spec: { versions: { name: string; schema: { openAPIV3Schema: SchemaProps } }[] } };

function rulesInSchema(s: SchemaProps | undefined): number {
  if (!s) return 0;
  const own = ((s as Record<string, unknown>)['x-kubernetes-validations'] as unknown[] | undefined)?.length ?? 0;
  const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  return own + Object.values(s.properties ?? {}).reduce((n, p) => n + rulesInSchema(p), 0) + rulesInSchema(s.items) + rulesInSchema(ap);
}

function compiledRules(node: RuleNode | undefined): number {
  if (!node) return 0;
  return node.rules.length + [...node.properties.values()].reduce((n, p) => n + compiledRules(p), 0) + compiledRules(node.items) + compiledRules(node.additionalProperties);
}

const cases = GATEWAY_API_VERSIONS.flatMap((release) =>
  gatewayApiCrdFiles(release).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((d) => d.toJS() as Crd)
      .flatMap((crd) => crd.spec.versions.map((v) => [`${release} ${crd.metadata.name} ${v.name}`, v.schema.openAPIV3Schema] as const)),
  ),
);

test.each(cases)('%s: every rule compiles', (_name, schema) => {
  const { root, causes } = compileSchema(schema, 'spec.versions[0].schema.openAPIV3Schema');
  expect(causes).toEqual([]);
  expect(compiledRules(root)).toBe(rulesInSchema(schema));
});

test('the releases carry rules at all (HTTPRoute v1 alone has dozens)', () => {
  const httproute = cases.find(([name]) => name === 'v1.6.1 httproutes.gateway.networking.k8s.io v1');
  expect(rulesInSchema(httproute?.[1])).toBeGreaterThan(50);
});
