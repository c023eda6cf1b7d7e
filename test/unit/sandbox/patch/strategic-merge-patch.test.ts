import { applyPatch, type PatchTarget } from '../../../../src/sandbox/apiserver/patch/index.ts';
import { canaryTarget, deployment, deploymentTarget, NOW, serviceTarget } from './fixtures.ts';

type Obj = Record<string, unknown>;

const strategic = (current: Obj, patch: unknown, target: PatchTarget = deploymentTarget) =>
  applyPatch({
    contentType: 'application/strategic-merge-patch+json',
    current,
    body: JSON.stringify(patch),
    target,
    now: NOW,
  });

const podSpec = (object: Obj) => (object.spec as { template: { spec: Obj } }).template.spec;
const containers = (object: Obj) => podSpec(object).containers as Obj[];

describe('strategic merge patch', () => {
  it('changes one container image by name as `kubectl set image` sends it, keeping the others', () => {
    const result = strategic(deployment(), {
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.1.0', name: 'podinfod' }] } } },
    });
    expect(containers(result).map((c) => [c.name, c.image])).toEqual([
      ['podinfod', 'ghcr.io/stefanprodan/podinfo:6.1.0'],
      ['sidecar', 'busybox:1.36'],
    ]);
    expect(containers(result)[0].ports).toEqual([{ containerPort: 9898, name: 'http' }]);
  });

  it('merges env by name: changes one, adds one, keeps the rest', () => {
    const result = strategic(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'podinfod', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } } },
    });
    expect(containers(result)[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ]);
  });

  it('adds a container and deletes another with `$patch: delete`', () => {
    const result = strategic(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }, { name: 'proxy', image: 'envoy' }] } } },
    });
    expect(containers(result).map((c) => c.name)).toEqual(['podinfod', 'proxy']);
  });

  it('replaces the whole list on a `$patch: replace` item', () => {
    const result = strategic(deployment(), {
      spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'solo', image: 'x' }] } } },
    });
    expect(containers(result)).toEqual([{ name: 'solo', image: 'x' }]);
  });

  it('applies the 3-way patch client-side `kubectl apply` sends: element order, item delete, annotation', () => {
    const result = strategic(deployment(), {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'podinfod' }],
            containers: [{ '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], name: 'podinfod' }],
          },
        },
      },
    });
    expect(containers(result).map((c) => c.name)).toEqual(['sidecar', 'podinfod']);
    expect(containers(result)[1].env).toEqual([{ name: 'A', value: '1' }]);
    expect(result).toHaveProperty(['metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'], '{}');
  });

  it('keeps server-only items in their place among the items the client orders', () => {
    const current = deployment();
    podSpec(current).containers = ['a', 'b', 'c'].map((name) => ({ name, image: name }));
    const result = strategic(current, {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'd' }], containers: [{ name: 'd', image: 'd' }] } } },
    });
    // b is known only to the server and stays before c, where it was; the client's order c, a, d holds.
    expect(containers(result).map((c) => c.name)).toEqual(['b', 'c', 'a', 'd']);
  });

  it('clears the other one-of fields of `strategy` with `$retainKeys` (switching to Recreate)', () => {
    const result = strategic(deployment(), {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } },
    });
    expect((result.spec as Obj).strategy).toEqual({ type: 'Recreate' });
  });

  it('replaces a map with `$patch: replace` and drops it with `$patch: delete`', () => {
    const replaced = strategic(deployment(), { metadata: { labels: { $patch: 'replace', only: 'me' } } });
    expect(replaced).toHaveProperty('metadata.labels', { only: 'me' });
    const deleted = strategic(deployment(), { spec: { strategy: { $patch: 'delete' } } });
    expect(deleted.spec as Obj).not.toHaveProperty('strategy');
  });

  it('adds and removes labels, null deleting', () => {
    const result = strategic(deployment(), { metadata: { labels: { team: 'a', tier: null } } });
    expect(result).toHaveProperty('metadata.labels', { app: 'podinfo', team: 'a' });
  });

  it('treats finalizers as a set and removes with `$deleteFromPrimitiveList/finalizers`', () => {
    const added = strategic(deployment(), { metadata: { finalizers: ['b.example/keep', 'c.example/keep'] } });
    expect(added).toHaveProperty('metadata.finalizers', ['a.example/keep', 'b.example/keep', 'c.example/keep']);
    const removed = strategic(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/keep'] } });
    expect(removed).toHaveProperty('metadata.finalizers', ['b.example/keep']);
  });

  it('replaces lists without a merge strategy (tolerations, args)', () => {
    const result = strategic(deployment(), {
      spec: { template: { spec: { tolerations: [{ key: 'y', operator: 'Exists' }], containers: [{ name: 'sidecar', args: ['true'] }] } } },
    });
    expect(podSpec(result).tolerations).toEqual([{ key: 'y', operator: 'Exists' }]);
    expect(containers(result)[1].args).toEqual(['true']);
  });

  it('merges container ports by containerPort and service ports by port', () => {
    const result = strategic(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'podinfod', ports: [{ containerPort: 9797, name: 'metrics' }] }] } } },
    });
    expect(containers(result)[0].ports).toEqual([
      { containerPort: 9898, name: 'http' },
      { containerPort: 9797, name: 'metrics' },
    ]);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } };
    const patched = strategic(service, { spec: { ports: [{ port: 80, targetPort: 9898 }, { port: 443 }] } }, serviceTarget);
    expect(patched).toHaveProperty('spec.ports', [{ port: 80, targetPort: 9898 }, { port: 443 }]);
  });

  it('merges status conditions by type', () => {
    const current = { ...deployment(), status: { conditions: [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }] } };
    const result = strategic(current, { status: { conditions: [{ type: 'Available', status: 'True' }] } });
    expect(result).toHaveProperty('status.conditions', [
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'True' },
    ]);
  });

  it('answers 400 when an item of a keyed list lacks its merge key', () => {
    expect(() => strategic(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } })).toThrow(
      expect.objectContaining({ code: 400, reason: 'BadRequest' }),
    );
  });

  it('refuses custom resources with 415 and the media types the real server lists', () => {
    expect(() => strategic({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'c' } }, {}, canaryTarget)).toThrow(
      expect.objectContaining({
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      }),
    );
  });

  it('never mutates the stored object', () => {
    const current = deployment();
    const before = JSON.stringify(current);
    strategic(current, { spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'x', env: [{ name: 'A', $patch: 'delete' }] }] } } } });
    expect(JSON.stringify(current)).toBe(before);
  });
});
