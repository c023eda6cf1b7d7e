import { ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { eventually } from '../../helpers/eventually.ts';
import { apiFailure, startSandbox, type CrdDocument, type Sandbox } from '../../helpers/sandbox.ts';

// CRDs through client-node: served versions, schema validation as 422 with causes, defaults, pruning,
// the status subresource and printer columns in Table responses.

const widgetSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 100 },
        color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
};

const widgets: CrdDocument = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.dev' },
  spec: {
    group: 'example.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: widgetSchema },
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        ],
      },
      { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: widgetSchema } },
      { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: widgetSchema } },
    ],
  },
};

interface Widget {
  apiVersion: string;
  kind: string;
  metadata: { name: string; generation?: number; resourceVersion?: string };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('sandbox API server custom resources', () => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  const ns = 'crs';
  const at = (version = 'v1') => ({ group: 'example.dev', version, namespace: ns, plural: 'widgets' });

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: [ns] });
    await sandbox.installCrds(widgets);
    custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => sandbox.stop());

  test('a created CRD is Established and its served versions appear in discovery', async () => {
    const crd = await sandbox.kubeConfig.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: 'widgets.example.dev' });
    expect(crd.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['NamesAccepted=True', 'Established=True']);
    const res = await fetch(`${sandbox.server.url}/apis/example.dev`, { headers: { authorization: `Bearer ${sandbox.server.token}` } });
    const group = (await res.json()) as { versions: { version: string }[]; preferredVersion: { version: string } };
    expect(group.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(group.preferredVersion.version).toBe('v1');
  });

  test('defaults are applied, unknown fields pruned, preserved fields kept, int-or-string accepted', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...at(),
      body: { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3, bogus: true, extra: { anything: 1 }, port: 'http' }, status: { phase: 'x' } },
    })) as Widget;
    expect(created.spec).toEqual({ size: 3, color: 'red', extra: { anything: 1 }, port: 'http' });
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);
  });

  test('invalid objects are refused with 422 and one cause per field, in the real server\'s words', async () => {
    const err = await apiFailure(custom.createNamespacedCustomObject({ ...at(), body: { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 120, color: 'green' } } }));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.details?.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.size', message: 'Invalid value: 120: spec.size in body should be less than or equal to 100' },
      { reason: 'FieldValueNotSupported', field: 'spec.color', message: 'Unsupported value: "green": supported values: "red", "blue"' },
    ]);
    expect(err.message).toBe('Widget.example.dev "bad" is invalid: [spec.size: Invalid value: 120: spec.size in body should be less than or equal to 100, spec.color: Unsupported value: "green": supported values: "red", "blue"]');
    const missing = await apiFailure(custom.createNamespacedCustomObject({ ...at(), body: { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'bad2' }, spec: {} } }));
    expect(missing.details?.causes).toEqual([{ reason: 'FieldValueRequired', field: 'spec.size', message: 'Required value' }]);
  });

  test('status goes through /status only, without bumping generation', async () => {
    await custom.createNamespacedCustomObject({ ...at(), body: { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'st' }, spec: { size: 1 } } });
    const after = (await custom.patchNamespacedCustomObjectStatus({ ...at(), name: 'st', body: [{ op: 'add', path: '/status', value: { phase: 'Ready' } }] })) as Widget;
    expect(after.status).toEqual({ phase: 'Ready' });
    expect(after.metadata.generation).toBe(1);
    const got = (await custom.getNamespacedCustomObject({ ...at(), name: 'st' })) as Widget;
    got.spec.size = 2;
    got.status = { phase: 'Ignored' };
    const replaced = (await custom.replaceNamespacedCustomObject({ ...at(), name: 'st', body: got })) as Widget;
    expect(replaced.status).toEqual({ phase: 'Ready' });
    expect(replaced.metadata.generation).toBe(2);
  });

  test('objects pass between served versions unchanged apart from apiVersion; unserved versions are 404', async () => {
    await custom.createNamespacedCustomObject({ ...at(), body: { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'multi' }, spec: { size: 5 } } });
    const beta = (await custom.getNamespacedCustomObject({ ...at('v1beta1'), name: 'multi' })) as Widget;
    expect(beta.apiVersion).toBe('example.dev/v1beta1');
    expect(beta.spec).toEqual({ size: 5, color: 'red' });
    expect((await apiFailure(custom.getNamespacedCustomObject({ ...at('v1alpha1'), name: 'multi' }))).code).toBe(404);
  });

  test('Table responses carry the printer columns kubectl shows', async () => {
    await custom.createNamespacedCustomObject({ ...at(), body: { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'tbl' }, spec: { size: 42 } } });
    const res = await fetch(`${sandbox.server.url}/apis/example.dev/v1/namespaces/${ns}/widgets?fieldSelector=metadata.name%3Dtbl`, {
      headers: { authorization: `Bearer ${sandbox.server.token}`, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = (await res.json()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Size', 'Phase']);
    expect(table.rows[0].cells).toEqual(['tbl', 42, null]);
  });

  test('a schema that declares metadata as a bare object never prunes or wipes the object meta', async () => {
    // Real CRDs (and generated ones) often say `metadata: {type: object}`; the real server ignores that
    // beyond name checks, so labels, annotations, finalizers and ownerReferences must all survive.
    const gadgetSchema = {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: { type: 'object', properties: { size: { type: 'integer' } } },
        status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    };
    await sandbox.installCrds({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.dev' },
      spec: {
        group: 'example.dev',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: gadgetSchema }, subresources: { status: {} } }],
      },
    });
    const g = { group: 'example.dev', version: 'v1', namespace: ns, plural: 'gadgets' };
    const meta = { name: 'g1', labels: { app: 'x' }, annotations: { note: 'kept' }, finalizers: ['example.dev/keep'] };
    type Gadget = { metadata: { labels?: object; annotations?: object; finalizers?: string[]; uid?: string }; spec: object };
    const created = (await custom.createNamespacedCustomObject({ ...g, body: { apiVersion: 'example.dev/v1', kind: 'Gadget', metadata: meta, spec: { size: 1 } } })) as Gadget;
    expect(created.metadata).toMatchObject(meta);
    expect(created.metadata.uid).toBeTruthy();
    const merged = (await custom.patchNamespacedCustomObject({ ...g, name: 'g1', body: [{ op: 'add', path: '/metadata/labels/tier', value: 'web' }] })) as Gadget;
    expect(merged.metadata.labels).toEqual({ app: 'x', tier: 'web' });
    const status = (await custom.patchNamespacedCustomObjectStatus({ ...g, name: 'g1', body: [{ op: 'add', path: '/status', value: { ok: true } }] })) as Gadget;
    expect(status.metadata).toMatchObject({ annotations: { note: 'kept' }, finalizers: ['example.dev/keep'] });
    const got = (await custom.getNamespacedCustomObject({ ...g, name: 'g1' })) as Gadget;
    expect(got.metadata).toMatchObject({ labels: { app: 'x', tier: 'web' }, annotations: { note: 'kept' }, finalizers: ['example.dev/keep'] });
    // With no printer columns the Table is NAME and AGE, the AGE a date column as the real server declares it.
    const res = await fetch(`${sandbox.server.url}/apis/example.dev/v1/namespaces/${ns}/gadgets`, {
      headers: { authorization: `Bearer ${sandbox.server.token}`, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = (await res.json()) as { columnDefinitions: { name: string; type: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.type}`)).toEqual(['Name:string', 'Age:date']);
    expect(table.rows[0].cells[0]).toBe('g1');
    expect(table.rows[0].cells[1]).toMatch(/^\d+s$/);
    await custom.patchNamespacedCustomObject({ ...g, name: 'g1', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
  });

  test('deleting the CRD stops serving it and removes its objects', async () => {
    const ext = sandbox.kubeConfig.makeApiClient(ApiextensionsV1Api);
    await ext.deleteCustomResourceDefinition({ name: 'widgets.example.dev' });
    let code = 0;
    await eventually('the CRD to stop being served', async () => (code = (await apiFailure(custom.listNamespacedCustomObject(at()))).code) === 404, { lastSeen: () => code });
    await sandbox.installCrds(widgets);
    expect(((await custom.listNamespacedCustomObject(at())) as { items: unknown[] }).items).toEqual([]);
  });
});
