import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { createKubeClients, type KubeClients } from '../../../src/kube/client.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { apiReader } from '../../../src/workload/cluster-reader.ts';
import { KubeWorkloads } from '../../../src/workload/kube-workloads.ts';
import { ORIGINAL_REPLICAS_ANNOTATION } from '../../../src/workload/managed-labels.ts';
import type { Canary } from '../../../src/api/canary.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { ApiDiscovery } from '../../../src/router/api-discovery.ts';
import { SmiTrafficSplitRouter } from '../../../src/router/smi-trafficsplit.ts';
import { appCanary, createApp, createCanary } from './fixtures.ts';

describe('workloads against the sandbox API server', () => {
  let sandbox: Sandbox;
  let clients: KubeClients;
  let workloads: KubeWorkloads;
  let nsCounter = 0;

  beforeAll(async () => {
    sandbox = await startSandbox();
    await sandbox.installCrds('crds/kanari.dev_canaries.yaml');
    clients = createKubeClients({ kind: 'given', kubeConfig: sandbox.kubeConfig });
    workloads = new KubeWorkloads({ clients, reader: apiReader(clients), includeLabelPrefix: ['team'] });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  async function setup(options: { hpa?: boolean } = {}): Promise<{ namespace: string; canary: Canary }> {
    const namespace = `wl-${++nsCounter}`;
    await sandbox.createNamespace(namespace);
    await createApp(sandbox.kubeConfig, namespace, options);
    const spec = options.hpa ? { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' as const, name: 'app', primaryScalerReplicas: { minReplicas: 3 } } } : {};
    const canary = await createCanary(sandbox.kubeConfig, appCanary(namespace, { service: { port: 80, targetPort: 8080, portName: 'http', apex: { annotations: { 'mesh.example/expose': 'true' } } }, ...spec }));
    return { namespace, canary };
  }

  it('initializes the primary, copied configs, Services and primary HPA, all owned by the Canary', async () => {
    const { namespace, canary } = await setup({ hpa: true });
    await workloads.ensurePrimary(canary);

    const primary = await clients.apps.readNamespacedDeployment({ name: 'app-primary', namespace });
    expect(primary.spec?.selector.matchLabels).toEqual({ app: 'app-primary' });
    expect(primary.spec?.template.metadata?.labels).toEqual({ app: 'app-primary' });
    expect(primary.spec?.replicas).toBe(3);
    // The target's labels are copied by --include-label-prefix, here "team" (Flagger copies none by default).
    expect(primary.metadata?.labels).toMatchObject({ app: 'app-primary', team: 'checkout' });
    const pod = primary.spec!.template.spec!;
    expect(pod.volumes?.[0].configMap?.name).toBe('app-conf-primary');
    expect(pod.containers[0].envFrom?.[0].configMapRef?.name).toBe('app-env-primary');
    expect(pod.containers[0].env?.[0].valueFrom?.secretKeyRef?.name).toBe('app-token-primary');
    expect(primary.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Canary', name: 'app', uid: canary.metadata.uid, controller: true })]);

    const conf = await clients.core.readNamespacedConfigMap({ name: 'app-conf-primary', namespace });
    expect(conf.data).toEqual({ 'app.yaml': 'level: info' });
    expect(conf.metadata?.ownerReferences?.[0].uid).toBe(canary.metadata.uid);
    const token = await clients.core.readNamespacedSecret({ name: 'app-token-primary', namespace });
    expect(Buffer.from(token.data!.token, 'base64').toString()).toBe('s3cret');
    await expect(clients.core.readNamespacedConfigMap({ name: 'unrelated-primary', namespace })).rejects.toMatchObject({ code: 404 });

    const apex = await clients.core.readNamespacedService({ name: 'app', namespace });
    const primarySvc = await clients.core.readNamespacedService({ name: 'app-primary', namespace });
    const canarySvc = await clients.core.readNamespacedService({ name: 'app-canary', namespace });
    expect(apex.spec?.selector).toEqual({ app: 'app-primary' });
    expect(primarySvc.spec?.selector).toEqual({ app: 'app-primary' });
    expect(canarySvc.spec?.selector).toEqual({ app: 'app' });
    for (const svc of [apex, primarySvc, canarySvc]) {
      expect(svc.spec?.ports).toEqual([expect.objectContaining({ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' })]);
      expect(svc.metadata?.ownerReferences?.[0].uid).toBe(canary.metadata.uid);
    }
    expect(apex.metadata?.annotations).toMatchObject({ 'mesh.example/expose': 'true' });

    const hpa = await clients.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'app-primary', namespace });
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'app-primary' });
    expect(hpa.spec?.minReplicas).toBe(3);
    expect(hpa.spec?.maxReplicas).toBe(6);
    expect(hpa.spec?.metrics?.[0].resource?.name).toBe('cpu');
  });

  it('is idempotent: a second ensure changes nothing', async () => {
    const { namespace, canary } = await setup();
    await workloads.ensurePrimary(canary);
    const versions = async () => [
      (await clients.apps.readNamespacedDeployment({ name: 'app-primary', namespace })).metadata?.resourceVersion,
      (await clients.core.readNamespacedService({ name: 'app', namespace })).metadata?.resourceVersion,
      (await clients.core.readNamespacedConfigMap({ name: 'app-conf-primary', namespace })).metadata?.resourceVersion,
    ];
    const before = await versions();
    await workloads.ensurePrimary(canary);
    expect(await versions()).toEqual(before);
  });

  it('adopts an existing apex Service without clobbering foreign fields', async () => {
    const { namespace, canary } = await setup();
    await clients.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'app', labels: { owner: 'platform' }, annotations: { 'example.com/note': 'keep me' } },
        spec: { type: 'NodePort', selector: { app: 'app', tier: 'web' }, ports: [{ name: 'web', port: 8081, targetPort: 8080 }] },
      },
    });
    const before = await clients.core.readNamespacedService({ name: 'app', namespace });
    await workloads.ensurePrimary(canary);
    const after = await clients.core.readNamespacedService({ name: 'app', namespace });
    expect(after.metadata?.labels).toMatchObject({ owner: 'platform' });
    expect(after.metadata?.annotations).toMatchObject({ 'example.com/note': 'keep me', 'mesh.example/expose': 'true' });
    expect(after.spec?.type).toBe('NodePort');
    expect(after.spec?.clusterIP).toBe(before.spec?.clusterIP);
    expect(after.spec?.selector).toEqual({ app: 'app-primary' });
    expect(after.spec?.ports?.map((p) => [p.name, p.port])).toEqual([['http', 80]]);
    // The person's Service must outlive the Canary: adoption never makes the Canary its owner.
    expect(after.metadata?.ownerReferences ?? []).toEqual([]);
  });

  it('changes the revision when a referenced ConfigMap changes, not an unrelated one', async () => {
    const { namespace, canary } = await setup();
    const first = (await workloads.observe(canary)).target!;
    expect(Object.keys(first.trackedConfigs).sort()).toEqual(['configmap/app-conf', 'configmap/app-env', 'secret/app-token']);
    await clients.core.patchNamespacedConfigMap({ name: 'unrelated', namespace, body: { data: { x: '2' } } }, mergePatchOptions());
    expect((await workloads.observe(canary)).target!.revision).toBe(first.revision);
    await clients.core.patchNamespacedConfigMap({ name: 'app-conf', namespace, body: { data: { 'app.yaml': 'level: debug' } } }, mergePatchOptions());
    const second = (await workloads.observe(canary)).target!;
    expect(second.revision).not.toBe(first.revision);
    expect(second.trackedConfigs['configmap/app-conf']).not.toBe(first.trackedConfigs['configmap/app-conf']);
    expect(second.trackedConfigs['configmap/app-env']).toBe(first.trackedConfigs['configmap/app-env']);
  });

  it('scales the canary to zero and back to the replicas it had', async () => {
    const { namespace, canary } = await setup();
    await workloads.ensurePrimary(canary);
    await workloads.scaleCanary(canary, 'zero');
    const down = await clients.apps.readNamespacedDeployment({ name: 'app', namespace });
    expect(down.spec?.replicas).toBe(0);
    expect(down.metadata?.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]).toBe('3');
    await workloads.scaleCanary(canary, 'up');
    expect((await clients.apps.readNamespacedDeployment({ name: 'app', namespace })).spec?.replicas).toBe(3);
  });

  it('promotes the canary pod spec and configs to the primary', async () => {
    const { namespace, canary } = await setup();
    await workloads.ensurePrimary(canary);
    await clients.apps.patchNamespacedDeployment(
      { name: 'app', namespace, body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:2.0.0', envFrom: [{ configMapRef: { name: 'app-env' } }] }] } } } } },
      mergePatchOptions(),
    );
    await clients.core.patchNamespacedConfigMap({ name: 'app-env', namespace, body: { data: { MODE: 'safe', EXTRA: '1' } } }, mergePatchOptions());
    await workloads.promotePrimary(canary);
    const primary = await clients.apps.readNamespacedDeployment({ name: 'app-primary', namespace });
    expect(primary.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['ghcr.io/acme/app:2.0.0']);
    expect(primary.spec?.template.spec?.containers[0].env).toBeUndefined();
    expect(primary.spec?.template.spec?.containers[0].envFrom?.[0].configMapRef?.name).toBe('app-env-primary');
    expect((await clients.core.readNamespacedConfigMap({ name: 'app-env-primary', namespace })).data).toEqual({ MODE: 'safe', EXTRA: '1' });
  });

  it('observes a primary that does not exist yet and the target revision', async () => {
    const { canary } = await setup();
    const seen = await workloads.observe(canary);
    expect(seen.primary).toBeUndefined();
    expect(seen.target).toMatchObject({ exists: true, desiredReplicas: 3 });
    expect(seen.target?.revision).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reverts on deletion: target back to its replicas, apex to the target, generated objects and split gone', async () => {
    const { namespace, canary } = await setup();
    await sandbox.installCrds(...(smiCrds({ split: ['v1alpha4'], specs: ['v1alpha4'], access: [] }) as never[]));
    const router = new SmiTrafficSplitRouter({ custom: clients.custom, discovery: new ApiDiscovery(clients.apis) });
    const withSplit = new KubeWorkloads({ clients, reader: apiReader(clients) });
    await withSplit.ensurePrimary(canary);
    await router.ensureRoute(canary);
    expect(await router.getWeights(canary)).toEqual({ canary: 0, primary: 100 });
    await withSplit.scaleCanary(canary, 'zero');
    await withSplit.ensureFinalizer(canary);
    const withFinalizer = (await clients.custom.getNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries', namespace, name: 'app' })) as Canary;
    expect(withFinalizer.metadata.finalizers).toEqual(['kanari.dev/finalizer']);

    await router.removeRoute(withFinalizer);
    await withSplit.finalize(withFinalizer);
    expect((await clients.apps.readNamespacedDeployment({ name: 'app', namespace })).spec?.replicas).toBe(3);
    expect((await clients.core.readNamespacedService({ name: 'app', namespace })).spec?.selector).toEqual({ app: 'app' });
    await expect(clients.apps.readNamespacedDeployment({ name: 'app-primary', namespace })).rejects.toMatchObject({ code: 404 });
    await expect(clients.core.readNamespacedService({ name: 'app-canary', namespace })).rejects.toMatchObject({ code: 404 });
    await expect(clients.core.readNamespacedConfigMap({ name: 'app-conf-primary', namespace })).rejects.toMatchObject({ code: 404 });
    expect(await router.getWeights(canary)).toBeUndefined();
    const released = (await clients.custom.getNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries', namespace, name: 'app' })) as Canary;
    expect(released.metadata.finalizers ?? []).toEqual([]);
  });
});
