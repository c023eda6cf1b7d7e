import { applyPatch } from '../../../../src/sandbox/apiserver/patch/index.ts';
import { deployment, deploymentTarget, NOW } from './fixtures.ts';

const jsonPatch = (current: Record<string, unknown>, body: string) =>
  applyPatch({ contentType: 'application/json-patch+json', current, body, target: deploymentTarget, now: NOW });

describe('JSON patch (RFC 6902)', () => {
  it('replaces a container image by index as `kubectl patch --type=json` sends it', () => {
    const result = jsonPatch(
      deployment(),
      JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'podinfo:6.1.0' }]),
    );
    expect(result).toHaveProperty('spec.template.spec.containers.0.image', 'podinfo:6.1.0');
    expect(result).toHaveProperty('spec.template.spec.containers.1.image', 'busybox:1.36');
  });

  it('applies a passing test then the change, and leaves the stored object alone', () => {
    const current = deployment();
    const result = jsonPatch(
      current,
      JSON.stringify([
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'add', path: '/metadata/labels/team', value: 'a' },
        { op: 'remove', path: '/metadata/labels/tier' },
      ]),
    );
    expect((result.metadata as { labels: unknown }).labels).toEqual({ app: 'podinfo', team: 'a' });
    expect((current.metadata as { labels: unknown }).labels).toEqual({ app: 'podinfo', tier: 'web' });
  });

  it('answers a failed test with 422 Invalid and the real server message, applying nothing', () => {
    expect(() =>
      jsonPatch(
        deployment(),
        JSON.stringify([
          { op: 'test', path: '/spec/replicas', value: 3 },
          { op: 'replace', path: '/spec/replicas', value: 4 },
        ]),
      ),
    ).toThrow(
      expect.objectContaining({
        code: 422,
        reason: 'Invalid',
        message: 'the server rejected our request due to an error in our request',
        causes: [{ reason: 'UnexpectedServerResponse', message: 'testing value /spec/replicas failed: test failed' }],
        generic: true,
      }),
    );
  });

  it.each([
    ['remove of a missing path', [{ op: 'remove', path: '/metadata/labels/nope' }]],
    ['replace of a missing path', [{ op: 'replace', path: '/spec/paused', value: true }]],
    ['add under a missing parent', [{ op: 'add', path: '/spec/nope/deeper', value: 1 }]],
    ['an unknown op', [{ op: 'frobnicate', path: '/spec' }]],
  ])('answers %s with 422 Invalid', (_name, operations) => {
    expect(() => jsonPatch(deployment(), JSON.stringify(operations))).toThrow(
      expect.objectContaining({ code: 422, reason: 'Invalid' }),
    );
  });

  it('answers a body that is not a list of operations with 400 BadRequest', () => {
    expect(() => jsonPatch(deployment(), '{"op":"add"}')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => jsonPatch(deployment(), '[{"op":')).toThrow(expect.objectContaining({ code: 400 }));
  });
});
