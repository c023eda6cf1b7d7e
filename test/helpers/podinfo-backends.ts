import { AppsV1Api, CoreV1Api, type KubeConfig, type V1PodSpec } from '@kubernetes/client-node';

/**
 * The two versions a data-plane test routes between, as a Canary leaves them: Deployments
 * `podinfo-primary` (VERSION v1) and `podinfo-canary` (v2) of two replicas, a Service for each, and the
 * apex Service `podinfo` selecting the primary. `pod` adds to each pod spec (e.g. a ServiceAccount), `env`
 * to each container's environment.
 */
export async function createPodinfoBackends(kubeConfig: KubeConfig, namespace: string, options: { env?: { name: string; value: string }[]; pod?: Partial<V1PodSpec> } = {}): Promise<void> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  for (const [name, version] of [['podinfo-primary', 'v1'], ['podinfo-canary', 'v2']]) {
    const containers = [{ name: 'podinfo', image: 'podinfo', env: [{ name: 'VERSION', value: version }, ...(options.env ?? [])] }];
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name },
        spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { ...options.pod, containers } } },
      },
    });
    await core.createNamespacedService({ namespace, body: { metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } } });
  }
  await core.createNamespacedService({ namespace, body: { metadata: { name: 'podinfo' }, spec: { selector: { app: 'podinfo-primary' }, ports: [{ port: 80 }] } } });
}
