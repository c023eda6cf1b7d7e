import protobuf from 'protobufjs';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';
import { ProtobufCodec } from '../../../src/sandbox/apiserver/protobuf/codec.ts';
import { kubernetesProtoSchema } from '../../../src/sandbox/apiserver/protobuf/schema.ts';

// Kubernetes protobuf over HTTP, as client-go's typed clients speak it: protobuf bodies and
// `Accept: application/vnd.kubernetes.protobuf, application/json`. Answers are read with protobufjs
// straight from the upstream message types (the real kubectl binaries are in kubectl.test.ts).

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const ACCEPT = `${PROTOBUF}, application/json`;
const schema = kubernetesProtoSchema();
const codec = new ProtobufCodec();

interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
}

/** A message read from an answer's envelope with protobufjs alone, as plain values. */
function envelopeOf(body: Buffer): { apiVersion: string; kind: string; message: Record<string, unknown> } {
  expect(body.subarray(0, 4).toString('latin1')).toBe('k8s\0');
  const unknown = schema.unknown.decode(body.subarray(4)) as unknown as { typeMeta: { apiVersion: string; kind: string }; raw: Uint8Array };
  const type = schema.messageFor(unknown.typeMeta.apiVersion, unknown.typeMeta.kind) as protobuf.Type;
  const message = type.toObject(type.decode(unknown.raw), { longs: Number, bytes: String, defaults: false });
  return { apiVersion: unknown.typeMeta.apiVersion, kind: unknown.typeMeta.kind, message };
}

describe('sandbox API server in Kubernetes protobuf', () => {
  let server: SandboxApiServer;

  async function call(method: string, path: string, opts: { body?: Buffer | string; contentType?: string; accept?: string } = {}): Promise<Reply> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${server.token}`, Accept: opts.accept ?? ACCEPT, ...(opts.contentType ? { 'Content-Type': opts.contentType } : {}) },
      body: typeof opts.body === 'string' || opts.body === undefined ? opts.body : new Uint8Array(opts.body),
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
  }

  const deployment = (name: string, image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
  });

  beforeAll(async () => {
    server = await startApiServer({ https: false });
  });
  afterAll(() => server.stop());

  test('creates from a protobuf body and answers the created object in protobuf, defaulted and with replicas: 0 kept', async () => {
    const created = await call('POST', '/apis/apps/v1/namespaces/default/deployments', { body: codec.encodeObject(deployment('web', 'nginx:1.27')), contentType: PROTOBUF });
    expect(created.status).toBe(201);
    expect(created.contentType).toBe(PROTOBUF);
    const { kind, message } = envelopeOf(created.body);
    expect(kind).toBe('Deployment');
    expect(message).toMatchObject({
      metadata: { name: 'web', namespace: 'default', generation: 1 },
      spec: { replicas: 0, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate' } },
    });
    expect((message.metadata as { uid: string }).uid).toMatch(/^[0-9a-f-]{36}$/);
    // The same object read as JSON: the store holds JSON, protobuf is only the encoding.
    const asJson = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web', { accept: 'application/json' });
    expect(asJson.contentType).toBe('application/json');
    expect(JSON.parse(asJson.body.toString())).toMatchObject({ spec: { replicas: 0, template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } });
  });

  test('gets, lists and scales in protobuf; errors come back as a protobuf Status', async () => {
    const got = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect(envelopeOf(got.body).message).toMatchObject({ metadata: { name: 'web' } });
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', { body: codec.encodeObject(deployment('api', 'api:1')), contentType: PROTOBUF });
    const list = envelopeOf((await call('GET', '/apis/apps/v1/namespaces/default/deployments?limit=1')).body);
    expect(list.kind).toBe('DeploymentList');
    expect(list.message).toMatchObject({ metadata: { remainingItemCount: 1 }, items: [{ metadata: { name: 'api' } }] });
    const scale = envelopeOf((await call('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale')).body);
    expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', message: { metadata: { name: 'web' } } });
    const missing = await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(missing.status).toBe(404);
    expect(envelopeOf(missing.body)).toMatchObject({ kind: 'Status', message: { reason: 'NotFound', code: 404, message: 'deployments.apps "nope" not found' } });
  });

  test('updates from a protobuf body and deletes with protobuf DeleteOptions', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', { body: codec.encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'a', empty: '' } }), contentType: PROTOBUF });
    const stored = codec.decodeObject((await call('GET', '/api/v1/namespaces/default/configmaps/settings')).body);
    const updated = await call('PUT', '/api/v1/namespaces/default/configmaps/settings', { body: codec.encodeObject({ ...stored, data: { mode: 'b', empty: '' } }), contentType: PROTOBUF });
    expect(updated.status).toBe(200);
    expect(envelopeOf(updated.body).message).toMatchObject({ data: { mode: 'b', empty: '' } });
    const options = codec.encodeObject({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: '1' } });
    const stale = await call('DELETE', '/api/v1/namespaces/default/configmaps/settings', { body: options, contentType: PROTOBUF });
    expect(envelopeOf(stale.body).message).toMatchObject({ reason: 'Conflict', code: 409 });
    const deleted = await call('DELETE', '/api/v1/namespaces/default/configmaps/settings', { body: codec.encodeObject({ apiVersion: 'v1', kind: 'DeleteOptions' }), contentType: PROTOBUF });
    expect(envelopeOf(deleted.body).message).toMatchObject({ status: 'Success', details: { name: 'settings', kind: 'configmaps' } });
  });

  test('streams a protobuf watch as length-prefixed WatchEvent frames', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true`, {
      headers: { Authorization: `Bearer ${server.token}`, Accept: ACCEPT },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toBe(`${PROTOBUF};stream=watch`);
    const reader = res.body!.getReader();
    let buffered = Buffer.alloc(0);
    const events: { type: string; name: string; data?: unknown }[] = [];
    const nextEvent = async () => {
      for (;;) {
        if (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
          const size = buffered.readUInt32BE(0);
          const event = schema.watchEvent.decode(buffered.subarray(4, 4 + size)) as unknown as { type: string; object: { raw: Uint8Array } };
          buffered = buffered.subarray(4 + size);
          const { message } = envelopeOf(Buffer.from(event.object.raw));
          return { type: event.type, name: String((message.metadata as { name?: string }).name ?? ''), data: message.data };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('watch ended');
        buffered = Buffer.concat([buffered, Buffer.from(value)]);
      }
    };
    try {
      const body = (data: Record<string, string>) => codec.encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' }, data });
      await call('POST', '/api/v1/namespaces/default/configmaps', { body: body({ v: '1' }), contentType: PROTOBUF });
      await call('PATCH', '/api/v1/namespaces/default/configmaps/watched', { body: '{"data":{"v":"2"}}', contentType: 'application/merge-patch+json' });
      while (events.filter((e) => e.name === 'watched').length < 2) {
        const event = await nextEvent();
        if (event.type !== 'BOOKMARK') events.push(event);
      }
      expect(events.filter((e) => e.name === 'watched')).toEqual([
        { type: 'ADDED', name: 'watched', data: { v: '1' } },
        { type: 'MODIFIED', name: 'watched', data: { v: '2' } },
      ]);
    } finally {
      controller.abort();
    }
  });

  test('custom resources, CRDs and Tables stay JSON; a protobuf body of a kind without protobuf gets 415', async () => {
    const crds = await call('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
    expect(crds.contentType).toBe('application/json');
    expect(JSON.parse(crds.body.toString()).kind).toBe('CustomResourceDefinitionList');
    const table = await call('GET', '/api/v1/namespaces', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(JSON.parse(table.body.toString()).kind).toBe('Table');
    const crdBody = codec.envelope('apiextensions.k8s.io/v1', 'CustomResourceDefinition', new Uint8Array(0));
    const refused = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crdBody, contentType: PROTOBUF, accept: 'application/json' });
    expect(refused.status).toBe(415);
    expect(JSON.parse(refused.body.toString()).message).toContain('the body of the request was in an unknown format');
    const garbage = await call('POST', '/api/v1/namespaces/default/configmaps', { body: Buffer.from('not protobuf'), contentType: PROTOBUF, accept: 'application/json' });
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body.toString()).message).toContain('the object provided is unrecognized');
  });

  test('serves /openapi/v2 as a gnostic protobuf document, which kubectl 1.27 and 1.28 require', async () => {
    const res = await call('GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(res.status).toBe(200);
    const root = protobuf.loadSync(new URL('../../../third_party/gnostic-openapiv2/OpenAPIv2.proto', import.meta.url).pathname);
    const doc = root.lookupType('openapi.v2.Document').decode(res.body) as unknown as { swagger: string; info: { title: string } };
    expect(doc.swagger).toBe('2.0');
    expect(doc.info.title).toBe('Kubernetes');
  });
});
