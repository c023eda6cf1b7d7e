import { stringify } from 'yaml';
import { applyPatch, type PatchTarget } from '../../../../src/sandbox/apiserver/patch/index.ts';
import { canaryTarget, deploymentTarget, NOW } from './fixtures.ts';

type Obj = Record<string, unknown>;

const apply = (current: Obj | undefined, config: Obj, fieldManager: string, extra: { force?: boolean; target?: PatchTarget; json?: boolean } = {}) =>
  applyPatch({
    contentType: 'application/apply-patch+yaml',
    current,
    body: extra.json ? JSON.stringify(config) : stringify(config),
    target: extra.target ?? deploymentTarget,
    fieldManager,
    force: extra.force,
    now: NOW,
  });

function config(overrides: { replicas?: number; labels?: Obj; env?: Obj[]; image?: string } = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'test', labels: overrides.labels ?? { app: 'web', team: 'a' } },
    spec: {
      replicas: overrides.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: overrides.image ?? 'web:1', env: overrides.env ?? [{ name: 'A', value: '1' }] }] },
      },
    },
  };
}

const managedFields = (object: Obj) => (object.metadata as { managedFields: Obj[] }).managedFields;

describe('server-side apply', () => {
  it('creates the object and records what the manager applied in managedFields', () => {
    const created = apply(undefined, config(), 'kubectl');
    expect(created).toHaveProperty('spec.template.spec.containers.0.image', 'web:1');
    expect(managedFields(created)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: NOW,
        fieldsType: 'FieldsV1',
        fieldsV1: expect.objectContaining({
          'f:metadata': { 'f:labels': { 'f:app': {}, 'f:team': {} } },
          'f:spec': expect.objectContaining({
            'f:replicas': {},
            'f:template': expect.objectContaining({
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {}, 'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } } },
                },
              },
            }),
          }),
        }),
      },
    ]);
  });

  it('accepts a JSON body as kubectl may send one', () => {
    expect(apply(undefined, config(), 'kubectl', { json: true })).toHaveProperty('spec.replicas', 2);
  });

  it('removes on re-apply the fields the same manager applied before and omits now', () => {
    const first = apply(undefined, config({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }), 'kubectl');
    const second = apply(first, config({ labels: { app: 'web' }, env: [{ name: 'A', value: '1' }] }), 'kubectl');
    expect(second).toHaveProperty('metadata.labels', { app: 'web' });
    expect(second).toHaveProperty('spec.template.spec.containers.0.env', [{ name: 'A', value: '1' }]);
    expect(managedFields(second)).toHaveLength(1);
  });

  it('keeps fields it never managed, such as what the server or another writer set', () => {
    const first = apply(undefined, config(), 'kubectl');
    const withStatus = { ...first, status: { replicas: 2 }, metadata: { ...(first.metadata as Obj), uid: 'u-1' } };
    const second = apply(withStatus, config({ image: 'web:2' }), 'kubectl');
    expect(second).toHaveProperty('status.replicas', 2);
    expect(second).toHaveProperty('metadata.uid', 'u-1');
    expect(second).toHaveProperty('spec.template.spec.containers.0.image', 'web:2');
  });

  it('merges keyed lists of built-ins with what another manager applied', () => {
    const first = apply(undefined, config(), 'kubectl');
    const sidecar = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'proxy', image: 'envoy' }] } } },
    };
    const second = apply(first, sidecar, 'mesh-injector');
    expect((second as { spec: { template: { spec: { containers: Obj[] } } } }).spec.template.spec.containers.map((c) => c.name)).toEqual([
      'web',
      'proxy',
    ]);
    expect(managedFields(second).map((e) => e.manager)).toEqual(['kubectl', 'mesh-injector']);
  });

  it('answers 409 Conflict when another manager applies a different value to an owned field, naming it', () => {
    const first = apply(undefined, config(), 'kubectl');
    let error: unknown;
    try {
      apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } }, 'kanari');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas',
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using apps/v1', field: '.spec.replicas' }],
    });
  });

  it('shares ownership without conflict when the value is the same', () => {
    const first = apply(undefined, config(), 'kubectl');
    const same = apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, 'kanari');
    expect(managedFields(same).map((e) => e.manager)).toEqual(['kubectl', 'kanari']);
  });

  it('takes the field over with force, so the old owner no longer removes it', () => {
    const first = apply(undefined, config(), 'kubectl');
    const forced = apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } }, 'kanari', { force: true });
    expect(forced).toHaveProperty('spec.replicas', 5);
    const kubectlEntry = managedFields(forced).find((e) => e.manager === 'kubectl') as { fieldsV1: { 'f:spec': Obj } };
    expect(kubectlEntry.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
    // kubectl re-applies without replicas: the field is kanari's now, so it stays.
    const { replicas: _dropped, ...specWithoutReplicas } = config().spec as Obj;
    const reapplied = apply(forced, { ...config(), spec: specWithoutReplicas }, 'kubectl');
    expect(reapplied).toHaveProperty('spec.replicas', 5);
  });

  it('replaces lists of custom resources whole (no merge keys without Go structs)', () => {
    const canary = (hosts: string[]) => ({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'c' }, spec: { service: { hosts } } });
    const first = apply(undefined, canary(['a', 'b']), 'kubectl', { target: canaryTarget });
    const second = apply(first, canary(['c']), 'kubectl', { target: canaryTarget });
    expect(second).toHaveProperty('spec.service.hosts', ['c']);
  });

  it('requires a field manager and a matching kind (400)', () => {
    expect(() => apply(undefined, config(), '')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => apply(undefined, { ...config(), kind: 'Service' }, 'kubectl')).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('never mutates the stored object', () => {
    const first = apply(undefined, config(), 'kubectl');
    const before = JSON.stringify(first);
    apply(first, config({ labels: {}, image: 'web:3' }), 'kubectl');
    apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 9 } }, 'x', { force: true });
    expect(JSON.stringify(first)).toBe(before);
  });
});
