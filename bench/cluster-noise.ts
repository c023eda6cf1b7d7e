// What a real cluster adds to the objects a controller watches, which the bench's own objects lack:
// kubectl's server-side apply leaves managedFields and a last-applied annotation on each Deployment, and
// Helm keeps every release in a Secret of tens of kilobytes that no Canary reads. Added by the scale
// bench with --noise-kb, before the controller starts, to show what the informer caches keep of them.
import { CoreV1Api } from '@kubernetes/client-node';
import type { BenchWorld } from './bench-world.ts';
import { NAMESPACE } from './bench-world.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Re-applies each app's Deployment as `kubectl apply --server-side` would and adds a release Secret of `kb` KiB. */
export async function addClusterNoise(world: BenchWorld, names: string[], kb: number, parallel = 16): Promise<void> {
  const core = world.sandbox.kubeConfig.makeApiClient(CoreV1Api);
  const release = 'H4sI'.padEnd(kb * 1024, 'A'); // base64 of gzip, as Helm stores a release
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < names.length) {
      const name = names[next++];
      const manifest = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: NAMESPACE, labels: { app: name }, annotations: {} as Record<string, string> },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'podinfo:6.0.0', ports: [{ name: 'http', containerPort: 9898 }] }] } },
        },
      };
      manifest.metadata.annotations[LAST_APPLIED] = JSON.stringify(manifest);
      const applied = await world.sandbox.rawRequest('PATCH', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}?fieldManager=kubectl&force=true`, JSON.stringify(manifest), 'application/apply-patch+yaml');
      if (applied.status >= 300) throw new Error(`applying Deployment ${name}: ${JSON.stringify(applied.body)}`);
      await core.createNamespacedSecret({
        namespace: NAMESPACE,
        body: { metadata: { name: `sh.helm.release.v1.${name}.v1`, labels: { owner: 'helm', name } }, type: 'helm.sh/release.v1', data: { release } },
      });
    }
  }));
}
