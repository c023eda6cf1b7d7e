import { matchesAny, matchesRequest, routeGroupMatches } from '../../../src/sandbox/dataplane/http-route-match.ts';

const request = (method: string, path: string, headers: Record<string, string> = {}) => ({ method, path, headers });

describe('HTTPRouteGroup matching', () => {
  it('matches header values as whole-value regular expressions, names case-insensitively', () => {
    const match = { name: 'insiders', headers: { 'X-Canary': 'insider|beta' } };
    expect(matchesRequest(match, request('GET', '/', { 'x-canary': 'insider' }))).toBe(true);
    expect(matchesRequest(match, request('GET', '/', { 'x-canary': 'beta' }))).toBe(true);
    expect(matchesRequest(match, request('GET', '/', { 'x-canary': 'insiders' }))).toBe(false);
    expect(matchesRequest(match, request('GET', '/'))).toBe(false);
  });

  it('anchors pathRegex at the start of the path and ignores the query', () => {
    const match = { name: 'api', pathRegex: '/api/v[0-9]+' };
    expect(matchesRequest(match, request('GET', '/api/v2/items?x=1'))).toBe(true);
    expect(matchesRequest(match, request('GET', '/v1/api/v2'))).toBe(false);
  });

  it('restricts methods, with * for any', () => {
    expect(matchesRequest({ name: 'get', methods: ['GET'] }, request('GET', '/'))).toBe(true);
    expect(matchesRequest({ name: 'get', methods: ['GET'] }, request('POST', '/'))).toBe(false);
    expect(matchesRequest({ name: 'all', methods: ['*'] }, request('DELETE', '/'))).toBe(true);
  });

  it('requires every condition of one match, and any match of a group (filtered by rule names)', () => {
    const group = routeGroupMatches({ spec: { matches: [{ name: 'get-api', methods: ['GET'], pathRegex: '/api' }, { name: 'metrics', pathRegex: '/metrics' }] } });
    expect(matchesAny(group, request('GET', '/api'))).toBe(true);
    expect(matchesAny(group, request('POST', '/api'))).toBe(false);
    expect(matchesAny(group, request('POST', '/metrics'))).toBe(true);
    expect(matchesAny(group, request('POST', '/metrics'), ['get-api'])).toBe(false);
  });

  it('reads v1alpha2 groups with matches at the top level and tolerates a broken regex', () => {
    expect(routeGroupMatches({ matches: [{ name: 'x' }] })).toEqual([{ name: 'x' }]);
    expect(matchesRequest({ name: 'bad', pathRegex: '(' }, request('GET', '/'))).toBe(false);
  });
});
