import { chooseSmiVersions } from '../../../src/router/smi-versions.ts';
import { readWeights, trafficSplit } from '../../../src/router/traffic-split.ts';
import { httpRouteGroup, matchRegex, routeMatches } from '../../../src/router/http-route-group.ts';
import { parseProvider } from '../../../src/router/provider.ts';
import { ABTestingNotSupported, TrafficSplitNotServed, TrafficSplitVersionNotServed, UnknownProvider } from '../../../src/router/router-errors.ts';

const services = { root: 'app', canary: 'app-canary', primary: 'app-primary', baseline: 'app-baseline' };

describe('choosing SMI versions', () => {
  const all = { split: ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'], specs: ['v1alpha4', 'v1alpha3'] };

  it('prefers the newest served TrafficSplit', () => {
    expect(chooseSmiVersions(all, false).split).toBe('v1alpha4');
    expect(chooseSmiVersions({ split: ['v1alpha1', 'v1alpha2'], specs: [] }, false)).toEqual({ split: 'v1alpha2' });
  });

  it('honours a pinned version and refuses one that is not served', () => {
    expect(chooseSmiVersions(all, false, 'v1alpha2').split).toBe('v1alpha2');
    expect(() => chooseSmiVersions({ split: ['v1alpha4'], specs: [] }, false, 'v1alpha1')).toThrow(TrafficSplitVersionNotServed);
  });

  it('needs v1alpha3+ and an HTTPRouteGroup with headers for A/B', () => {
    expect(chooseSmiVersions(all, true)).toEqual({ split: 'v1alpha4', routeGroup: 'v1alpha4' });
    expect(() => chooseSmiVersions({ split: ['v1alpha2'], specs: ['v1alpha4'] }, true)).toThrow(ABTestingNotSupported);
    expect(() => chooseSmiVersions({ split: ['v1alpha3'], specs: ['v1alpha1'] }, true)).toThrow(ABTestingNotSupported);
    expect(() => chooseSmiVersions(all, true, 'v1alpha2')).toThrow(/A\/B testing/);
  });

  it('says how to fix a cluster without TrafficSplit', () => {
    expect(() => chooseSmiVersions({ split: [], specs: [] }, false)).toThrow(TrafficSplitNotServed);
    expect(() => chooseSmiVersions({ split: [], specs: [] }, false)).toThrow(/install your mesh's SMI extension/);
  });
});

describe('TrafficSplit bodies', () => {
  it('writes Quantity strings for v1alpha1 and integers otherwise, summing to 100', () => {
    expect(trafficSplit('v1alpha1', 'app', 'ns', services, { canary: 30, primary: 70 }).spec.backends).toEqual([
      { service: 'app-canary', weight: '30' },
      { service: 'app-primary', weight: '70' },
    ]);
    const v4 = trafficSplit('v1alpha4', 'app', 'ns', services, { canary: 33.4, primary: 66.6 }, { name: 'app' });
    expect(v4.spec.backends).toEqual([
      { service: 'app-canary', weight: 33 },
      { service: 'app-primary', weight: 67 },
    ]);
    expect(v4.spec.matches).toEqual([{ kind: 'HTTPRouteGroup', name: 'app', apiGroup: 'specs.smi-spec.io' }]);
    expect(trafficSplit('v1alpha2', 'app', 'ns', services, { canary: 0, primary: 100 }, { name: 'app' }).spec.matches).toBeUndefined();
  });

  it('reads numbers and Quantity strings, scaled to percentages', () => {
    const split = (c: number | string, p: number | string) => ({ spec: { backends: [{ service: 'app-canary', weight: c }, { service: 'app-primary', weight: p }] } });
    expect(readWeights(split('20', '80'), services)).toEqual({ canary: 20, primary: 80 });
    expect(readWeights(split(40, 60), services)).toEqual({ canary: 40, primary: 60 });
    expect(readWeights(split('500m', '1500m'), services)).toEqual({ canary: 25, primary: 75 });
    expect(readWeights(split(1, 3), services)).toEqual({ canary: 25, primary: 75 });
    expect(readWeights(split('bogus', 3), services)).toBeUndefined();
    expect(readWeights({ spec: { backends: [{ service: 'app-primary', weight: 100 }] } }, services)).toEqual({ canary: 0, primary: 100 });
  });

  it('writes the baseline as a third backend only while the weights give it one, and reads it back', () => {
    const three = trafficSplit('v1alpha1', 'app', 'ns', services, { canary: 20, primary: 60, baseline: 20 });
    expect(three.spec.backends).toEqual([
      { service: 'app-canary', weight: '20' },
      { service: 'app-primary', weight: '60' },
      { service: 'app-baseline', weight: '20' },
    ]);
    expect(readWeights(three, services)).toEqual({ canary: 20, primary: 60, baseline: 20 });
    // At 60 the baseline gets what the canary leaves; the primary nothing.
    expect(trafficSplit('v1alpha4', 'app', 'ns', services, { canary: 60, primary: 0, baseline: 60 }).spec.backends).toEqual([
      { service: 'app-canary', weight: 60 },
      { service: 'app-primary', weight: 0 },
      { service: 'app-baseline', weight: 40 },
    ]);
    expect(trafficSplit('v1alpha4', 'app', 'ns', services, { canary: 0, primary: 100 }).spec.backends.map((b) => b.service)).toEqual(['app-canary', 'app-primary']);
  });
});

describe('HTTPRouteGroup from header matches', () => {
  it('turns exact, prefix, suffix and regex into anchored regular expressions', () => {
    expect(matchRegex({ exact: 'a.b+c' })).toBe('^a\\.b\\+c$');
    expect(matchRegex({ prefix: 'insider' })).toBe('^insider.*');
    expect(matchRegex({ suffix: '.example.com' })).toBe('.*\\.example\\.com$');
    expect(matchRegex({ regex: '^(canary|beta)$' })).toBe('^(canary|beta)$');
    expect(new RegExp(matchRegex({ exact: 'a.b' })).test('axb')).toBe(false);
  });

  it('writes v1alpha3+ under spec.matches and v1alpha2 at the top level', () => {
    const matches = routeMatches([{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }]);
    expect(httpRouteGroup('v1alpha4', 'app', 'ns', matches)).toEqual({
      apiVersion: 'specs.smi-spec.io/v1alpha4',
      kind: 'HTTPRouteGroup',
      metadata: { name: 'app', namespace: 'ns' },
      spec: { matches: [{ name: 'kanari-ab-0', headers: { 'x-canary': '^insider$' } }, { name: 'kanari-ab-1', headers: { cookie: '^(.*?;)?(canary=always)(;.*)?$' } }] },
    });
    const v2 = httpRouteGroup('v1alpha2', 'app', 'ns', matches) as { matches: { headers: unknown }[] };
    expect(v2.matches[0].headers).toEqual([{ 'x-canary': '^insider$' }]);
  });
});

describe('provider', () => {
  it('parses smi and pinned versions, refuses the rest', () => {
    expect(parseProvider(undefined)).toEqual({ kind: 'smi' });
    expect(parseProvider('smi:v1alpha2')).toEqual({ kind: 'smi', pinnedVersion: 'v1alpha2' });
    // Flagger's SMI mesh providers validate as Kanari Canaries, so the router must serve them too.
    expect(parseProvider('linkerd')).toEqual({ kind: 'smi' });
    expect(parseProvider('osm')).toEqual({ kind: 'smi' });
    expect(parseProvider('gatewayapi')).toEqual({ kind: 'gatewayapi' });
    expect(parseProvider('gatewayapi:v1beta1')).toEqual({ kind: 'gatewayapi', pinnedVersion: 'v1beta1' });
    expect(() => parseProvider('gatewayapi:v2')).toThrow(UnknownProvider);
    expect(() => parseProvider('istio')).toThrow(UnknownProvider);
    expect(() => parseProvider('smi:v9')).toThrow(UnknownProvider);
  });
});
