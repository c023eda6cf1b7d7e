import { applyPatch } from '../../../../src/sandbox/apiserver/patch/index.ts';
import { canaryTarget, deployment, deploymentTarget, NOW } from './fixtures.ts';

const merge = (current: Record<string, unknown>, patch: unknown) =>
  applyPatch({
    contentType: 'application/merge-patch+json',
    current,
    body: JSON.stringify(patch),
    target: canaryTarget,
    now: NOW,
  });

describe('merge patch (RFC 7386)', () => {
  it('adds and removes labels the way `kubectl label --type=merge` does, null deleting', () => {
    const result = merge(deployment(), { metadata: { labels: { team: 'a', tier: null } } });
    expect((result.metadata as { labels: unknown }).labels).toEqual({ app: 'podinfo', team: 'a' });
  });

  it('replaces lists whole instead of merging them by name', () => {
    const result = merge(deployment(), { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }] } } } });
    expect(result).toHaveProperty('spec.template.spec.containers', [{ name: 'only', image: 'x' }]);
  });

  it('never mutates the stored object', () => {
    const current = deployment();
    const before = JSON.stringify(current);
    merge(current, { spec: { replicas: 5 }, metadata: { labels: null } });
    expect(JSON.stringify(current)).toBe(before);
  });

  it('accepts a Content-Type with parameters', () => {
    const result = applyPatch({
      contentType: 'application/merge-patch+json; charset=utf-8',
      current: deployment(),
      body: '{"spec":{"replicas":0}}',
      target: deploymentTarget,
      now: NOW,
    });
    expect(result).toHaveProperty('spec.replicas', 0);
  });

  it('answers 400 BadRequest to a body that is not JSON', () => {
    expect(() => applyPatch({ contentType: 'application/merge-patch+json', current: deployment(), body: '{nope', target: canaryTarget, now: NOW })).toThrow(expect.objectContaining({ code: 400, reason: 'BadRequest' }));
  });

  it('answers 415 to an unknown media type with the list the real server gives', () => {
    expect(() =>
      applyPatch({ contentType: 'text/plain', current: deployment(), body: '{}', target: canaryTarget, now: NOW }),
    ).toThrow(
      expect.objectContaining({
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      }),
    );
  });
});
