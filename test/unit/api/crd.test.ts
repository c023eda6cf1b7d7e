import { readFileSync, readdirSync } from 'node:fs';
import { crdFileName, customResourceDefinitions, renderCrdYaml } from '../../../src/api/crd.ts';
import { createKubernetesAjv } from '../../../src/api/kubernetes-ajv.ts';
import { messagesFromAjv } from '../../../src/api/ajv-messages.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';
import { isKanariDocument } from '../../../src/api/validation.ts';
import { parseYamlDocuments } from '../../../src/api/yaml-documents.ts';

type Node = Record<string, unknown>;
const crdsDirectory = new URL('../../../crds/', import.meta.url);

function schemaOf(crd: Node): Node {
  const versions = (crd.spec as { versions: Array<{ schema: { openAPIV3Schema: Node } }> }).versions;
  return versions[0].schema.openAPIV3Schema;
}

/** Every rule of a structural schema a real API server enforces, reported with the node's path. */
function structuralViolations(node: Node, path: string): string[] {
  const problems: string[] = [];
  if (Object.getOwnPropertySymbols(node).length > 0) problems.push(`${path}: carries TypeBox symbols`);
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined) problems.push(`${path}.${key}: is undefined`);
  }
  for (const forbidden of ['$id', 'const', 'anyOf', 'oneOf', 'allOf', 'not', 'patternProperties', '$ref']) {
    if (forbidden in node) problems.push(`${path}: has ${forbidden}`);
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    if ('type' in node) problems.push(`${path}: int-or-string node must not have a type`);
  } else if (typeof node.type !== 'string') {
    problems.push(`${path}: has no type`);
  }
  if ('properties' in node && 'additionalProperties' in node) problems.push(`${path}: has additionalProperties beside properties`);
  if (node.additionalProperties === false || node.additionalProperties === true) problems.push(`${path}: additionalProperties must be a schema`);
  if ('required' in node) {
    const properties = (node.properties ?? {}) as Node;
    for (const name of node.required as string[]) if (!(name in properties)) problems.push(`${path}: requires unknown ${name}`);
  }
  for (const [name, child] of Object.entries((node.properties ?? {}) as Node)) problems.push(...structuralViolations(child as Node, `${path}.${name}`));
  if (node.items) problems.push(...structuralViolations(node.items as Node, `${path}[]`));
  if (typeof node.additionalProperties === 'object') problems.push(...structuralViolations(node.additionalProperties as Node, `${path}{}`));
  return problems;
}

describe('the CustomResourceDefinitions', () => {
  const crds = customResourceDefinitions();

  test('crds/ holds exactly what `npm run generate` writes from the schemas', () => {
    const expected = Object.fromEntries(crds.map((crd) => [crdFileName(crd), renderCrdYaml(crd)]));
    const onDisk = Object.fromEntries(
      readdirSync(crdsDirectory)
        .filter((file) => file.endsWith('.yaml'))
        .map((file) => [file, readFileSync(new URL(file, crdsDirectory), 'utf8')]),
    );
    // On a difference: run `npm run generate` and commit crds/.
    expect(onDisk).toEqual(expected);
  });

  test.each(crds.map((crd) => [(crd.metadata as { name: string }).name, crd]))('%s has a structural schema', (_name, crd) => {
    const root = schemaOf(crd as Node);
    expect(structuralViolations(root, '')).toEqual([]);
    expect((root.properties as Node).metadata).toEqual({ type: 'object' });
  });

  test('the checker catches the mistakes it looks for', () => {
    const broken = { type: 'object', additionalProperties: false, properties: { a: { default: undefined }, b: { type: 'string', 'x-kubernetes-int-or-string': true } } };
    expect(structuralViolations(broken, '')).toEqual([
      ': has additionalProperties beside properties',
      ': additionalProperties must be a schema',
      '.a.default: is undefined',
      '.a: has no type',
      '.b: int-or-string node must not have a type',
    ]);
  });

  test('each kind is namespaced in kanari.dev/v1alpha1 with short names and the kanari category', () => {
    const summary = crds.map((crd) => {
      const spec = crd.spec as { group: string; scope: string; names: Node; versions: Array<Node> };
      return [spec.group, spec.scope, spec.names.kind, spec.names.plural, spec.names.shortNames, spec.names.categories, spec.versions.map((v) => [v.name, v.served, v.storage])];
    });
    expect(summary).toEqual([
      ['kanari.dev', 'Namespaced', 'Canary', 'canaries', ['cd'], ['all', 'kanari'], [['v1alpha1', true, true]]],
      ['kanari.dev', 'Namespaced', 'MetricTemplate', 'metrictemplates', ['mt'], ['all', 'kanari'], [['v1alpha1', true, true]]],
      ['kanari.dev', 'Namespaced', 'AlertProvider', 'alertproviders', ['ap'], ['all', 'kanari'], [['v1alpha1', true, true]]],
    ]);
  });

  test('Canary has a status subresource and the printer columns kubectl shows', () => {
    const version = (crds[0].spec as { versions: Array<Node> }).versions[0];
    expect(version.subresources).toEqual({ status: {} });
    const columns = (version.additionalPrinterColumns as Array<{ name: string; type: string; jsonPath: string }>).map((c) => `${c.name} ${c.type} ${c.jsonPath}`);
    expect(columns).toEqual([
      'Status string .status.phase',
      'Weight integer .status.canaryWeight',
      'FailedChecks integer .status.failedChecks',
      'LastTransitionTime date .status.lastTransitionTime',
      'Age date .metadata.creationTimestamp',
    ]);
  });

  test('int-or-string and string maps use the Kubernetes forms', () => {
    const service = ((((schemaOf(crds[0]).properties as Node).spec as Node).properties as Node).service as Node).properties as Node;
    expect(service.targetPort).toMatchObject({ 'x-kubernetes-int-or-string': true });
    expect(service.targetPort).not.toHaveProperty('type');
    expect(((service.apex as Node).properties as Node).labels).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });
});

describe('the CRD schemas agree with the validator', () => {
  const crds = customResourceDefinitions();
  const ajv = createKubernetesAjv({ strict: false });

  test('every default is valid for the field it defaults, as the API server requires', () => {
    const problems: string[] = [];
    const visit = (node: Node, path: string): void => {
      if ('default' in node) {
        const { default: value, ...rest } = node;
        if (!ajv.validate(rest, value)) problems.push(`${path}: default ${JSON.stringify(value)} is invalid`);
      }
      for (const [name, child] of Object.entries((node.properties ?? {}) as Node)) visit(child as Node, `${path}.${name}`);
      if (node.items) visit(node.items as Node, `${path}[]`);
      if (typeof node.additionalProperties === 'object') visit(node.additionalProperties as Node, `${path}{}`);
    };
    for (const crd of crds) visit(schemaOf(crd), (crd.metadata as { name: string }).name);
    expect(problems).toEqual([]);
  });

  test('the API server would accept every example object and reject what the schema can say is wrong', () => {
    const byKind = new Map(crds.map((crd) => [(crd.spec as { names: { kind: string } }).names.kind, ajv.compile(schemaOf(crd))]));
    const documents = parseYamlDocuments(readFileSync(new URL('../../../examples/canary.yaml', import.meta.url), 'utf8'));
    const kanari = documents.flatMap((d) => (d.ok && isKanariDocument(d.value) ? [d.value as Node] : []));
    expect(kanari.length).toBe(3);
    for (const object of kanari) expect([object.kind, byKind.get(object.kind as string)!(object)]).toEqual([object.kind, true]);

    const canary = structuredClone(kanari.find((o) => o.kind === 'Canary')!) as { spec: { analysis: { stepWeight: number } } };
    canary.spec.analysis.stepWeight = 200;
    const check = byKind.get('Canary')!;
    expect(check(canary)).toBe(false);
    expect(messagesFromAjv(check.errors ?? []).map(formatValidationError)).toEqual(['spec.analysis.stepWeight = 200: must be between 1 and 100']);
  });
});
