import type { V1Deployment } from '@kubernetes/client-node';
import { keepFields, LAST_APPLIED_ANNOTATION, selectFields } from '../../../src/kube/field-selection.ts';
import { DEPLOYMENT_FIELDS } from '../../../src/controller/cache-fields.ts';

/** A Deployment as a cluster returns it: managedFields, kubectl's last-applied copy, conditions. */
function clusterDeployment(): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'podinfo',
      namespace: 'test',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      labels: { app: 'podinfo' },
      annotations: { [LAST_APPLIED_ANNOTATION]: '{"apiVersion":"apps/v1","kind":"Deployment"}', 'kanari.dev/original-replicas': '2' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'owner', uid: 'o-1' }],
      managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'podinfo' } },
      template: { metadata: { labels: { app: 'podinfo' } }, spec: { containers: [{ name: 'app', image: 'podinfo:6.0.0' }] } },
    },
    status: {
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }],
    },
  };
}

describe('keepFields: what an informer cache keeps of an object', () => {
  const transform = keepFields<V1Deployment>(DEPLOYMENT_FIELDS);

  it('drops managedFields, the last-applied annotation and the status the controller never reads', () => {
    const kept = transform(clusterDeployment());
    expect(kept.metadata?.managedFields).toBeUndefined();
    expect(kept.metadata?.annotations).toEqual({ 'kanari.dev/original-replicas': '2' });
    expect(kept.status).toEqual({ observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it('keeps names, versions, labels, owners and the whole spec; a uid only where a kind asks for it', () => {
    const input = clusterDeployment();
    const kept = transform(input);
    expect(kept.apiVersion).toBe('apps/v1');
    expect(kept.kind).toBe('Deployment');
    expect(kept.metadata).toMatchObject({ name: 'podinfo', namespace: 'test', resourceVersion: '42', generation: 3, labels: { app: 'podinfo' } });
    expect(kept.metadata?.uid).toBeUndefined();
    expect(keepFields({ metadata: { uid: true } })(input).metadata?.uid).toBe('u-1');
    expect(kept.metadata?.ownerReferences).toEqual(input.metadata?.ownerReferences);
    expect(kept.spec).toEqual(input.spec);
  });

  it('leaves the object it was given as it was', () => {
    const input = clusterDeployment();
    const before = structuredClone(input);
    transform(input);
    expect(input).toEqual(before);
  });

  it('keeps an object without the dropped parts as it is', () => {
    const bare: V1Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bare', namespace: 'test' } };
    expect(transform(bare)).toEqual(bare);
  });

  it('lets a kind add metadata fields and select inside nested objects', () => {
    const keep = keepFields({ metadata: { selfLink: true }, spec: { group: true } });
    const crd = { apiVersion: 'v1', kind: 'CRD', metadata: { name: 'a', selfLink: '/x', managedFields: [] }, spec: { group: 'g', versions: [{ schema: {} }] } };
    expect(keep(crd)).toEqual({ apiVersion: 'v1', kind: 'CRD', metadata: { name: 'a', selfLink: '/x' }, spec: { group: 'g' } });
  });

  it('copies arrays and scalars whole where a nested selection meets them', () => {
    expect(selectFields({ a: [1, 2], b: 'x' }, { a: { c: true }, b: { d: true } })).toEqual({ a: [1, 2], b: 'x' });
  });
});
