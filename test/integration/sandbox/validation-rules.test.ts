import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiextensionsV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { apiFailure, startSandbox, type CrdDocument, type Sandbox } from '../../helpers/sandbox.ts';

// CRD validation rules (x-kubernetes-validations) of a small CRD of our own, through client-node: a rule
// that does not compile keeps the CRD out, transition rules see oldSelf on updates only, rules under status
// judge /status writes, messageExpression words the message, and tightening a CRD leaves unchanged
// objects alone (ratcheting) while changed ones must pass.

type Rule = { rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string };
const bucketSchema = (specRules: Rule[] = []) => ({
  type: 'object',
  'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('b-')", messageExpression: "'name ' + self.metadata.name + ' must start with b-'" }],
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': [
        { rule: 'self.minSize <= self.maxSize', messageExpression: "'minSize ' + string(self.minSize) + ' exceeds maxSize ' + string(self.maxSize)", fieldPath: '.minSize' },
        ...specRules,
      ],
      properties: {
        region: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'region is immutable' }] },
        minSize: { type: 'integer' },
        maxSize: { type: 'integer' },
        tags: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 8', message: 'tag values hold at most 8 characters' }] } },
      },
    },
    status: {
      type: 'object',
      'x-kubernetes-validations': [{ rule: '!has(self.used) || self.used >= 0', message: 'used cannot be negative', reason: 'FieldValueForbidden', fieldPath: '.used' }],
      properties: { used: { type: 'integer' } },
    },
  },
});

const bucketsCrd = (specRules: Rule[] = []): CrdDocument => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'buckets.example.dev' },
  spec: {
    group: 'example.dev',
    scope: 'Namespaced',
    names: { plural: 'buckets', singular: 'bucket', kind: 'Bucket' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: bucketSchema(specRules) }, subresources: { status: {} } }],
  },
});

interface Bucket {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; resourceVersion?: string };
  spec: { region: string; minSize: number; maxSize: number; tags?: Record<string, string> };
  status?: { used?: number };
}
const bucket = (name: string, spec: Partial<Bucket['spec']> = {}): Bucket => ({
  apiVersion: 'example.dev/v1',
  kind: 'Bucket',
  metadata: { name },
  spec: { region: 'eu-west', minSize: 1, maxSize: 10, ...spec },
});

describe('sandbox API server: CRD validation rules', () => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  const ns = 'rules';
  const at = { group: 'example.dev', version: 'v1', namespace: ns, plural: 'buckets' };
  const create = (b: Bucket) => custom.createNamespacedCustomObject({ ...at, body: b }) as Promise<Bucket>;
  const merge = { ...setHeaderOptions('Content-Type', PatchStrategy.MergePatch) };

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: [ns] });
    await sandbox.installCrds(bucketsCrd());
    custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => sandbox.stop());

  test('a CRD whose rule does not compile is refused, naming the rule and cel-go\'s error', async () => {
    const broken = bucketsCrd([{ rule: 'self.maxSize > self.capacity' }]);
    (broken.metadata as { name: string }).name = 'buckets.broken.dev';
    (broken.spec as Record<string, unknown>).group = 'broken.dev';
    const res = await sandbox.rawRequest('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', broken);
    expect(res.status).toBe(422);
    const status = res.body as { message: string; details: { causes: { field: string; message: string }[] } };
    expect(status.details.causes.map((c) => c.field)).toEqual(['spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].rule']);
    expect(status.message).toContain('CustomResourceDefinition.apiextensions.k8s.io "buckets.broken.dev" is invalid: ');
    expect(status.message).toContain("compilation failed: ERROR: <input>:1:20: undefined field 'capacity'");
    const crds = await sandbox.kubeConfig.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition();
    expect(crds.items.map((c) => c.metadata?.name)).not.toContain('buckets.broken.dev');
  });

  test('rules at the root, on spec (with messageExpression and fieldPath) and on map values judge creates', async () => {
    expect(await create(bucket('b-ok', { tags: { team: 'infra' } }))).toMatchObject({ spec: { region: 'eu-west' } });
    const badName = await apiFailure(create(bucket('a-bucket')));
    expect(badName.message).toBe('Bucket.example.dev "a-bucket" is invalid: <nil>: Invalid value: "object": name a-bucket must start with b-');
    const inverted = await apiFailure(create(bucket('b-inverted', { minSize: 20 })));
    expect(inverted.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.minSize', message: 'Invalid value: "object": minSize 20 exceeds maxSize 10' }]);
    const longTag = await apiFailure(create(bucket('b-tags', { tags: { team: 'infrastructure' } })));
    expect(longTag.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.tags[team]', message: 'Invalid value: "string": tag values hold at most 8 characters' }]);
  });

  test('a transition rule lets an update keep the value and refuses one that changes it', async () => {
    const created = await create(bucket('b-moving'));
    const same = (await custom.patchNamespacedCustomObject({ ...at, name: 'b-moving', body: { spec: { maxSize: 20 } } }, merge)) as Bucket;
    expect(same.spec).toEqual({ region: 'eu-west', minSize: 1, maxSize: 20 });
    const moved = await apiFailure(custom.replaceNamespacedCustomObject({ ...at, name: 'b-moving', body: { ...created, metadata: { ...created.metadata, resourceVersion: undefined }, spec: { ...created.spec, region: 'us-east' } } }));
    expect(moved.message).toBe('Bucket.example.dev "b-moving" is invalid: spec.region: Invalid value: "string": region is immutable');
    const applied = custom.patchNamespacedCustomObject({ ...at, name: 'b-moving', fieldManager: 'test', force: true, body: bucket('b-moving', { region: 'us-east' }) }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    expect((await apiFailure(applied)).message).toBe(moved.message);
    expect(((await custom.getNamespacedCustomObject({ ...at, name: 'b-moving' })) as Bucket).spec.region).toBe('eu-west');
  });

  test('rules under status judge writes to /status', async () => {
    await create(bucket('b-status'));
    const ok = (await custom.patchNamespacedCustomObjectStatus({ ...at, name: 'b-status', body: { status: { used: 3 } } }, merge)) as Bucket;
    expect(ok.status).toEqual({ used: 3 });
    const negative = await apiFailure(custom.patchNamespacedCustomObjectStatus({ ...at, name: 'b-status', body: { status: { used: -1 } } }, merge));
    expect(negative.details?.causes).toEqual([{ reason: 'FieldValueForbidden', field: 'status.used', message: 'Forbidden: used cannot be negative' }]);
  });

  test('after the CRD tightens a rule, objects that break it can still change elsewhere, but not break it anew', async () => {
    await create(bucket('b-large', { maxSize: 500 }));
    const ext = sandbox.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = await ext.readCustomResourceDefinition({ name: 'buckets.example.dev' });
    const tightened = { ...bucketsCrd([{ rule: 'self.maxSize <= 100', message: 'maxSize is at most 100' }]), metadata: { name: 'buckets.example.dev', resourceVersion: crd.metadata?.resourceVersion } };
    const put = await sandbox.rawRequest('PUT', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/buckets.example.dev', tightened);
    expect(put.status).toBe(200);
    const relabelled = (await custom.patchNamespacedCustomObject({ ...at, name: 'b-large', body: { metadata: { labels: { tier: 'gold' } } } }, merge)) as Bucket;
    expect(relabelled.metadata.labels).toEqual({ tier: 'gold' });
    const grown = await apiFailure(custom.patchNamespacedCustomObject({ ...at, name: 'b-large', body: { spec: { maxSize: 600 } } }, merge));
    expect(grown.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": maxSize is at most 100' }]);
    expect((await apiFailure(create(bucket('b-new', { maxSize: 101 })))).details?.causes?.[0].message).toBe('Invalid value: "object": maxSize is at most 100');
  });
});

test('a restarted sandbox with a data file compiles the stored CRDs\' rules again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kanari-cel-'));
  const dataFile = join(dir, 'store.json');
  try {
    const first = await startSandbox({ dataFile, namespaces: ['rules'] });
    await first.installCrds(bucketsCrd());
    await first.stop();
    const second = await startSandbox({ dataFile });
    try {
      const custom = second.kubeConfig.makeApiClient(CustomObjectsApi);
      const failure = await apiFailure(custom.createNamespacedCustomObject({ group: 'example.dev', version: 'v1', namespace: 'rules', plural: 'buckets', body: bucket('nameless') }));
      expect(failure.message).toBe('Bucket.example.dev "nameless" is invalid: <nil>: Invalid value: "object": name nameless must start with b-');
    } finally {
      await second.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
