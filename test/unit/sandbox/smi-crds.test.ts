import { smiCrds } from '../../../src/sandbox/smi-crds.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const byName = (crds: object[]) => Object.fromEntries((crds as Obj[]).map((crd) => [crd.metadata.name, crd]));
const version = (crd: Obj, name: string) => crd.spec.versions.find((v: Obj) => v.name === name);
const schemaOf = (crd: Obj, name: string) => version(crd, name).schema.openAPIV3Schema;

/** Every schema node states its type, except int-or-string nodes, which must not (structural schema rules). */
function nonStructuralPaths(node: Obj, path = ''): string[] {
  const problems: string[] = [];
  if (node['x-kubernetes-int-or-string'] === true) {
    if ('type' in node) problems.push(`${path}: int-or-string must not set type`);
  } else if (typeof node.type !== 'string') {
    problems.push(`${path || '/'}: no type`);
  }
  for (const [key, child] of Object.entries((node.properties ?? {}) as Obj)) problems.push(...nonStructuralPaths(child, `${path}.${key}`));
  if (node.items) problems.push(...nonStructuralPaths(node.items, `${path}[]`));
  if (typeof node.additionalProperties === 'object') problems.push(...nonStructuralPaths(node.additionalProperties, `${path}{}`));
  return problems;
}

describe('SMI CRDs', () => {
  it('defaults to every version of the three kinds, newest stored', () => {
    const crds = byName(smiCrds({}));
    expect(Object.keys(crds).sort()).toEqual([
      'httproutegroups.specs.smi-spec.io',
      'trafficsplits.split.smi-spec.io',
      'traffictargets.access.smi-spec.io',
    ]);
    const split = crds['trafficsplits.split.smi-spec.io'];
    expect(split.spec.versions.map((v: Obj) => [v.name, v.served, v.storage])).toEqual([
      ['v1alpha1', true, false],
      ['v1alpha2', true, false],
      ['v1alpha3', true, false],
      ['v1alpha4', true, true],
    ]);
    expect(split.spec.names).toMatchObject({ kind: 'TrafficSplit', plural: 'trafficsplits', shortNames: ['ts'] });
    expect(split.spec.scope).toBe('Namespaced');
    expect(crds['httproutegroups.specs.smi-spec.io'].spec.names.shortNames).toEqual(['htr']);
    expect(crds['traffictargets.access.smi-spec.io'].spec.names.shortNames).toEqual(['tt']);
    expect(version(crds['traffictargets.access.smi-spec.io'], 'v1alpha3').storage).toBe(true);
  });

  it('serves only the versions asked, the first stored, as Linkerd does', () => {
    const split = byName(smiCrds({ split: ['v1alpha1', 'v1alpha2'], access: [] }))['trafficsplits.split.smi-spec.io'];
    expect(split.spec.versions.map((v: Obj) => [v.name, v.storage])).toEqual([
      ['v1alpha1', true],
      ['v1alpha2', false],
    ]);
    expect(smiCrds({ access: [] })).toHaveLength(2);
  });

  it('gives v1alpha1 Quantity weights (int-or-string) and later versions integer weights', () => {
    const split = byName(smiCrds({}))['trafficsplits.split.smi-spec.io'];
    const weight = (v: string) => schemaOf(split, v).properties.spec.properties.backends.items.properties.weight;
    expect(weight('v1alpha1')).toMatchObject({ 'x-kubernetes-int-or-string': true });
    expect(weight('v1alpha2')).toEqual({ type: 'integer' });
    expect(weight('v1alpha4')).toEqual({ type: 'integer' });
  });

  it('has matches only from v1alpha3, where service is required', () => {
    const split = byName(smiCrds({}))['trafficsplits.split.smi-spec.io'];
    expect(schemaOf(split, 'v1alpha2').properties.spec.properties).not.toHaveProperty('matches');
    const v3 = schemaOf(split, 'v1alpha3').properties.spec;
    expect(v3.properties.matches.items.properties).toHaveProperty('kind');
    expect(v3.required).toContain('service');
  });

  it('places HTTPRouteGroup matches and TrafficTarget rules per version', () => {
    const crds = byName(smiCrds({}));
    const htr = crds['httproutegroups.specs.smi-spec.io'];
    expect(schemaOf(htr, 'v1alpha1').properties.matches.items.properties).not.toHaveProperty('headers');
    expect(schemaOf(htr, 'v1alpha4').properties.spec.properties.matches.items.properties.headers.type).toBe('object');
    const tt = crds['traffictargets.access.smi-spec.io'];
    expect(schemaOf(tt, 'v1alpha1').properties).toHaveProperty('specs');
    expect(schemaOf(tt, 'v1alpha3').properties.spec.required).toEqual(['destination', 'sources', 'rules']);
  });

  it('has structural schemas in every version', () => {
    for (const crd of smiCrds({}) as Obj[]) {
      for (const v of crd.spec.versions) expect(nonStructuralPaths(v.schema.openAPIV3Schema)).toEqual([]);
    }
  });

  it('shows the apex service as a printer column of TrafficSplit', () => {
    const split = byName(smiCrds({ split: ['v1alpha2'] }))['trafficsplits.split.smi-spec.io'];
    expect(split.spec.versions[0].additionalPrinterColumns).toEqual([expect.objectContaining({ name: 'Service', jsonPath: '.spec.service' })]);
  });

  it('refuses a version SMI never defined', () => {
    expect(() => smiCrds({ split: ['v1beta1'] })).toThrow(/no version v1beta1/);
  });
});
