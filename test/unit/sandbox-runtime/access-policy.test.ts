import { decideAccess, parseSourceIdentity } from '../../../src/sandbox/dataplane/access-policy.ts';

const request = { method: 'GET', path: '/api', headers: {} };
const podinfo = { namespace: 'app', name: 'podinfo' };
const lookup = (_ns: string, name: string) => (name === 'api' ? [{ name: 'get-api', methods: ['GET'], pathRegex: '/api' }] : undefined);
const target = (source: string, rules = [{ kind: 'HTTPRouteGroup', name: 'api' }]) => ({
  metadata: { name: 't', namespace: 'app' },
  spec: { destination: { kind: 'ServiceAccount', name: 'podinfo', namespace: 'app' }, sources: [{ kind: 'ServiceAccount', name: source, namespace: 'app' }], rules },
});

describe('TrafficTarget access', () => {
  it('reads the source header as namespace/name', () => {
    expect(parseSourceIdentity('app/loadtester')).toEqual({ namespace: 'app', name: 'loadtester' });
    expect(parseSourceIdentity('loadtester')).toBeUndefined();
    expect(parseSourceIdentity(undefined)).toBeUndefined();
  });

  it('denies by default and without a source, allows a named source whose rule matches', () => {
    const source = { namespace: 'app', name: 'loadtester' };
    expect(decideAccess([], source, podinfo, request, lookup).allowed).toBe(false);
    expect(decideAccess([target('loadtester')], undefined, podinfo, request, lookup).allowed).toBe(false);
    expect(decideAccess([target('loadtester')], source, podinfo, request, lookup).allowed).toBe(true);
    expect(decideAccess([target('other')], source, podinfo, request, lookup).allowed).toBe(false);
  });

  it('denies when no rule matches the request, and says so', () => {
    const decision = decideAccess([target('loadtester')], { namespace: 'app', name: 'loadtester' }, podinfo, { ...request, method: 'POST' }, lookup);
    expect(decision).toEqual({ allowed: false, reason: expect.stringContaining('none of its rules matches POST /api') });
  });

  it('reads v1alpha1 targets (top-level fields, rules as specs)', () => {
    const v1alpha1 = { metadata: { name: 'old', namespace: 'app' }, destination: { kind: 'ServiceAccount', name: 'podinfo' }, sources: [{ kind: 'ServiceAccount', name: 'loadtester' }], specs: [{ kind: 'HTTPRouteGroup', name: 'api' }] };
    expect(decideAccess([v1alpha1], { namespace: 'app', name: 'loadtester' }, podinfo, request, lookup).allowed).toBe(true);
  });
});
