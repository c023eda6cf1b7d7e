import { accessPreflight, trafficTargetView, type TrafficTargetView } from '../../../src/mesh/traffic-access.ts';

const sa = (name: string, namespace = 'shop') => ({ namespace, name });
const target = (name: string, destination: string, ...sources: string[]): TrafficTargetView => ({ name, namespace: 'shop', destination: sa(destination), sources: sources.map((s) => sa(s)) });

describe('TrafficAccess preflight', () => {
  test('the canary runs as the primary: the same TrafficTargets admit its callers', () => {
    const result = accessPreflight(sa('web'), sa('web'), [target('frontend-to-web', 'web', 'frontend')]);
    expect(result).toMatchObject({ result: 'ok', callers: [sa('frontend')], refused: [] });
  });

  test('a new ServiceAccount that only some callers may reach: those are named', () => {
    const targets = [target('frontend-to-web', 'web', 'frontend', 'checkout'), target('frontend-to-web-v2', 'web-v2', 'frontend')];
    const result = accessPreflight(sa('web'), sa('web-v2'), targets);
    expect(result.result).toBe('warn');
    expect(result.refused).toEqual([sa('checkout')]);
    expect(result.message).toBe(
      "the canary runs as ServiceAccount shop/web-v2, but no TrafficTarget admits shop/checkout to it (TrafficTarget frontend-to-web admits them to the primary's shop/web): the canary would refuse their requests",
    );
  });

  test('a new ServiceAccount every caller may reach is fine', () => {
    const targets = [target('a', 'web', 'frontend'), target('b', 'web-v2', 'frontend', 'admin')];
    expect(accessPreflight(sa('web'), sa('web-v2'), targets).result).toBe('ok');
  });

  test('no TrafficTarget names either account: nothing to check', () => {
    expect(accessPreflight(sa('web'), sa('web-v2'), [target('x', 'other', 'frontend')]).result).toBe('no-policy');
  });

  test('reads v1alpha1 (fields at the top) and v1alpha3 (under spec); sources default to the TrafficTarget\'s namespace', () => {
    expect(trafficTargetView({ metadata: { name: 'old', namespace: 'shop' }, destination: { kind: 'ServiceAccount', name: 'web' }, sources: [{ kind: 'ServiceAccount', name: 'frontend' }] })).toEqual(target('old', 'web', 'frontend'));
    expect(trafficTargetView({ metadata: { name: 'new', namespace: 'shop' }, spec: { destination: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' }, sources: [{ kind: 'ServiceAccount', name: 'frontend', namespace: 'shop' }] } })).toEqual(target('new', 'web', 'frontend'));
    expect(trafficTargetView({ metadata: { name: 'pods' }, spec: { destination: { kind: 'Pod', name: 'x' } } })).toBeUndefined();
  });
});
