import { ProtobufCodec, UnknownProtobufKind } from '../../../src/sandbox/apiserver/protobuf/codec.ts';
import { ProtobufMappingError } from '../../../src/sandbox/apiserver/protobuf/mapping-error.ts';
import { kubernetesProtoSchema } from '../../../src/sandbox/apiserver/protobuf/schema.ts';

// The JSON <-> Kubernetes protobuf mapping, checked against bytes built the way Go's marshaller builds
// them (every non-pointer field written, zero or not) with the upstream message types.

const codec = new ProtobufCodec();
const schema = kubernetesProtoSchema();
const magic = Buffer.from('k8s\0', 'latin1');

/** A body as client-go sends it: `k8s\0` + runtime.Unknown around the message bytes. */
function goBody(apiVersion: string, kind: string, message: Record<string, unknown>): Buffer {
  const type = schema.messageFor(apiVersion, kind)!;
  return codec.envelope(apiVersion, kind, type.encode(type.fromObject(message)).finish());
}

describe('Kubernetes protobuf codec', () => {
  test('a Deployment survives JSON -> protobuf -> JSON, with int-or-string, quantities, times and managed fields', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'shop',
        uid: '6c1f0c5e-1111-2222-3333-444455556666',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2025-01-02T03:04:05Z',
        labels: { app: 'web' },
        annotations: { note: '' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2025-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { limits: { cpu: '500m', memory: '1Gi' } } }] },
        },
      },
      status: { observedGeneration: 3, replicas: 2, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2025-01-02T03:04:06Z', reason: 'MinimumReplicasAvailable' }] },
    };
    const bytes = codec.encodeObject(deployment);
    expect(bytes.subarray(0, 4)).toEqual(magic);
    expect(codec.decodeObject(bytes)).toEqual(deployment);
  });

  test('Go zero values of value fields are dropped, pointers set to zero and map values kept, as encoding/json does', () => {
    const body = goBody('apps/v1', 'Deployment', {
      // What kubectl create deployment --replicas=0 sends: Go writes every non-pointer field.
      metadata: { name: 'web', generateName: '', namespace: '', uid: '', generation: 0, creationTimestamp: {}, labels: { app: 'web', empty: '' } },
      spec: {
        replicas: 0,
        minReadySeconds: 0,
        paused: false,
        strategy: {},
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { name: '', creationTimestamp: {} }, spec: { containers: [{ name: 'nginx', image: 'nginx', workingDir: '', tty: false, resources: {} }], restartPolicy: '' } },
      },
      status: {},
    });
    expect(codec.decodeObject(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web', empty: '' } },
      spec: {
        replicas: 0,
        strategy: {},
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: {}, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
      },
      status: {},
    });
  });

  test('Secret data is bytes on the wire and base64 in JSON; a Lease keeps its microsecond times', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' }, type: 'Opaque', data: { key: Buffer.from('s3cret\u0000\u00ff', 'latin1').toString('base64') } };
    const wire = schema.messageFor('v1', 'Secret')!.decode(codec.encodeMessage('v1', 'Secret', secret)) as unknown as { data: Record<string, Uint8Array> };
    expect(Buffer.from(wire.data.key).toString('latin1')).toBe('s3cret\u0000\u00ff');
    expect(codec.decodeObject(codec.encodeObject(secret))).toEqual(secret);
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' }, spec: { holderIdentity: 'kanari-0', leaseDurationSeconds: 15, renewTime: '2025-01-02T03:04:05.123456Z' } };
    expect(codec.decodeObject(codec.encodeObject(lease))).toEqual(lease);
  });

  test('Status (shared by every group) and autoscaling/v1 Scale have messages; Table and custom resources do not', () => {
    const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', code: 404, details: { name: 'x', kind: 'pods' } };
    expect(codec.decodeObject(codec.encodeObject(status))).toEqual(status);
    expect(codec.supports('autoscaling/v1', 'Scale')).toBe(true);
    expect(codec.supports('meta.k8s.io/v1', 'Table')).toBe(false);
    expect(codec.supports('split.smi-spec.io/v1alpha2', 'TrafficSplit')).toBe(false);
    expect(codec.supports('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBe(false);
  });

  test('a list is its metadata and the message bytes of its items', () => {
    const items = ['a', 'b'].map((name) => codec.encodeMessage('v1', 'ConfigMap', { metadata: { name }, data: { k: name } }));
    const decoded = codec.decodeObject(codec.encodeList('v1', 'ConfigMapList', { resourceVersion: '7', continue: 'token', remainingItemCount: 3 }, items));
    expect(decoded).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMapList',
      metadata: { resourceVersion: '7', continue: 'token', remainingItemCount: 3 },
      items: [{ metadata: { name: 'a' }, data: { k: 'a' } }, { metadata: { name: 'b' }, data: { k: 'b' } }],
    });
  });

  test('a watch frame is a 4-byte big-endian length and a WatchEvent whose object is an enveloped object', () => {
    const object = codec.encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '9' } });
    const frame = codec.watchFrame('MODIFIED', object);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    const event = schema.watchEvent.decode(frame.subarray(4)) as unknown as { type: string; object: { raw: Uint8Array } };
    expect(event.type).toBe('MODIFIED');
    expect(codec.decodeObject(event.object.raw)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '9' } });
  });

  test('bad input is named: the field and value that have no protobuf form, a missing prefix, an unknown kind', () => {
    expect(() => codec.encodeObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'three' } })).toThrow(
      new ProtobufMappingError('spec.replicas', 'three', 'an integer'),
    );
    expect(() => codec.encodeObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: true }] } })).toThrow(/spec\.ports\[0\]\.targetPort: true is not an integer or a string/);
    expect(() => codec.decodeObject(Buffer.from('{"kind":"ConfigMap"}'))).toThrow(/k8s protobuf prefix/);
    expect(() => codec.decodeObject(goBody('v1', 'ConfigMap', {}).fill(0xff, 4))).toThrow(ProtobufMappingError);
    const crd = codec.envelope('apiextensions.k8s.io/v1', 'CustomResourceDefinition', new Uint8Array(0));
    expect(() => codec.decodeObject(crd)).toThrow(UnknownProtobufKind);
  });
});
