import { AppsV1Api, AutoscalingV2Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, CANARY_API_VERSION, type Canary, type CanarySpec } from '../../../src/api/canary.ts';

/** The Deployment `app` most workload and router tests start from: reads a ConfigMap and a Secret. */
export function appDeployment(namespace: string, image = 'ghcr.io/acme/app:1.0.0'): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace, labels: { app: 'app', team: 'checkout' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: {
          containers: [
            {
              name: 'app',
              image,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'app-token', key: 'token' } } }],
              envFrom: [{ configMapRef: { name: 'app-env' } }],
              volumeMounts: [{ name: 'conf', mountPath: '/etc/app' }],
            },
          ],
          volumes: [{ name: 'conf', configMap: { name: 'app-conf' } }],
        },
      },
    },
  };
}

/** A Canary for Deployment `app`, service `app` on port 80 → 8080. */
export function appCanary(namespace: string, spec: Partial<CanarySpec> = {}): Canary {
  return {
    apiVersion: CANARY_API_VERSION,
    kind: 'Canary',
    metadata: { name: 'app', namespace },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' },
      service: { port: 80, targetPort: 8080, portName: 'http' },
      analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50 },
      ...spec,
    },
  };
}

/** Creates the Canary and returns it as the server stored it (with uid and resourceVersion). */
export async function createCanary(kubeConfig: KubeConfig, canary: Canary): Promise<Canary> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return (await custom.createNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: canary.metadata.namespace!, plural: 'canaries', body: canary })) as Canary;
}

/** Creates `app`'s ConfigMaps and Secret, the Deployment and, when asked, its HPA. */
export async function createApp(kubeConfig: KubeConfig, namespace: string, options: { hpa?: boolean } = {}): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'app-conf' }, data: { 'app.yaml': 'level: info' } } });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'app-env' }, data: { MODE: 'fast' } } });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'unrelated' }, data: { x: '1' } } });
  await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'app-token' }, stringData: { token: 's3cret' } } });
  await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace, body: appDeployment(namespace) });
  if (options.hpa) {
    await kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: 'app' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' },
          minReplicas: 2,
          maxReplicas: 6,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      },
    });
  }
}
