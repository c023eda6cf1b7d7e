import type { PatchTarget } from '../../../../src/sandbox/apiserver/patch/index.ts';

export const deploymentTarget: PatchTarget = { group: 'apps', version: 'v1', kind: 'Deployment', builtin: true };
export const serviceTarget: PatchTarget = { group: '', version: 'v1', kind: 'Service', builtin: true };
export const canaryTarget: PatchTarget = { group: 'flagger.app', version: 'v1beta1', kind: 'Canary', builtin: false };

/** A Deployment as the sandbox API server would store it, with two containers and a rolling strategy. */
export function deployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'podinfo',
      namespace: 'test',
      uid: 'u-1',
      resourceVersion: '7',
      labels: { app: 'podinfo', tier: 'web' },
      finalizers: ['a.example/keep', 'b.example/keep'],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'podinfo' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'podinfo' } },
        spec: {
          containers: [
            {
              name: 'podinfod',
              image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
              ports: [{ containerPort: 9898, name: 'http' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'sidecar', image: 'busybox:1.36', args: ['sleep', '3600'] },
          ],
          tolerations: [{ key: 'x', operator: 'Exists' }],
        },
      },
    },
  };
}

export const NOW = '2026-05-01T10:00:00Z';
