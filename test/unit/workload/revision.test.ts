import type { V1ConfigMap, V1PodTemplateSpec, V1Secret } from '@kubernetes/client-node';
import { computeRevision, configSourceFrom } from '../../../src/workload/revision.ts';
import { referencedConfigs, renameConfigRefs } from '../../../src/workload/config-refs.ts';

function template(overrides: Partial<V1PodTemplateSpec['spec']> = {}): V1PodTemplateSpec {
  return {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'ghcr.io/acme/web:1.0.0',
          ports: [{ containerPort: 8080 }],
          env: [
            { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'web-env', key: 'level' } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'web-token', key: 'token' } } },
          ],
          envFrom: [{ configMapRef: { name: 'web-bulk' } }, { secretRef: { name: 'web-bulk-secret' } }],
        },
      ],
      volumes: [
        { name: 'conf', configMap: { name: 'web-conf' } },
        { name: 'tls', secret: { secretName: 'web-tls' } },
        { name: 'mixed', projected: { sources: [{ configMap: { name: 'web-proj' } }, { secret: { name: 'web-proj-secret' } }] } },
      ],
      ...overrides,
    },
  };
}

const cm = (name: string, data: Record<string, string>): V1ConfigMap => ({ metadata: { name }, data });
const secret = (name: string, data: Record<string, string>): V1Secret => ({ metadata: { name }, data });

const configMaps = [cm('web-env', { level: 'info' }), cm('web-bulk', { a: '1' }), cm('web-conf', { 'app.yaml': 'x: 1' }), cm('web-proj', { p: '1' }), cm('unrelated', { z: '1' })];
const secrets = [secret('web-token', { token: 'c2VjcmV0' }), secret('web-bulk-secret', { b: 'Mg==' }), secret('web-tls', { crt: 'Y3J0' }), secret('web-proj-secret', { q: 'cQ==' })];

describe('referenced configs', () => {
  it('finds ConfigMaps and Secrets in volumes, projected volumes, env valueFrom and envFrom', () => {
    expect(referencedConfigs(template().spec)).toEqual({
      configMaps: ['web-bulk', 'web-conf', 'web-env', 'web-proj'],
      secrets: ['web-bulk-secret', 'web-proj-secret', 'web-tls', 'web-token'],
    });
  });

  it('renames every reference without touching the input', () => {
    const original = template().spec!;
    const renamed = renameConfigRefs(original, { configMap: (n) => `${n}-primary`, secret: (n) => `${n}-primary` });
    expect(referencedConfigs(renamed).configMaps).toEqual(['web-bulk-primary', 'web-conf-primary', 'web-env-primary', 'web-proj-primary']);
    expect(referencedConfigs(renamed).secrets).toContain('web-tls-primary');
    expect(referencedConfigs(original).configMaps).toContain('web-env');
  });
});

describe('revision', () => {
  const base = computeRevision(template(), configSourceFrom(configMaps, secrets));

  it("tracks referenced configs in Flagger's format", () => {
    expect(Object.keys(base.trackedConfigs).sort()).toEqual([
      'configmap/web-bulk', 'configmap/web-conf', 'configmap/web-env', 'configmap/web-proj',
      'secret/web-bulk-secret', 'secret/web-proj-secret', 'secret/web-tls', 'secret/web-token',
    ]);
  });

  it('changes when a referenced ConfigMap or Secret changes', () => {
    const changedCm = configMaps.map((c) => (c.metadata!.name === 'web-conf' ? cm('web-conf', { 'app.yaml': 'x: 2' }) : c));
    expect(computeRevision(template(), configSourceFrom(changedCm, secrets)).hash).not.toBe(base.hash);
    const changedSecret = secrets.map((s) => (s.metadata!.name === 'web-tls' ? secret('web-tls', { crt: 'bmV3' }) : s));
    expect(computeRevision(template(), configSourceFrom(configMaps, changedSecret)).hash).not.toBe(base.hash);
  });

  it('does not change for an unrelated ConfigMap or for metadata-only changes', () => {
    const others = configMaps.map((c) => (c.metadata!.name === 'unrelated' ? cm('unrelated', { z: '2' }) : c));
    expect(computeRevision(template(), configSourceFrom(others, secrets)).hash).toBe(base.hash);
    const relabelled = configMaps.map((c) => ({ ...c, metadata: { ...c.metadata, resourceVersion: '99', labels: { x: 'y' } } }));
    expect(computeRevision(template(), configSourceFrom(relabelled, secrets)).hash).toBe(base.hash);
  });

  it('changes with the image', () => {
    const t = template();
    t.spec!.containers[0].image = 'ghcr.io/acme/web:1.0.1';
    expect(computeRevision(t, configSourceFrom(configMaps, secrets)).hash).not.toBe(base.hash);
  });

  it('ignores fields the API server defaults and empty values', () => {
    const defaulted = template({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, securityContext: {} });
    const c = defaulted.spec!.containers[0];
    c.imagePullPolicy = 'IfNotPresent';
    c.terminationMessagePath = '/dev/termination-log';
    c.terminationMessagePolicy = 'File';
    c.resources = {};
    c.ports![0].protocol = 'TCP';
    defaulted.spec!.volumes![0].configMap!.defaultMode = 420;
    defaulted.metadata!.creationTimestamp = null as unknown as Date;
    expect(computeRevision(defaulted, configSourceFrom(configMaps, secrets)).hash).toBe(base.hash);
  });

  it('is independent of key order', () => {
    const t = template();
    const reordered = { spec: t.spec, metadata: t.metadata } as V1PodTemplateSpec;
    expect(computeRevision(reordered, configSourceFrom(configMaps, secrets)).hash).toBe(base.hash);
  });

  it('leaves out references to configs that do not exist', () => {
    const revision = computeRevision(template(), configSourceFrom([], []));
    expect(revision.trackedConfigs).toEqual({});
  });
});
