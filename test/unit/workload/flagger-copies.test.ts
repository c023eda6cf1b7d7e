import type { V1DaemonSet, V1PodSpec } from '@kubernetes/client-node';
import type { Canary } from '../../../src/api/canary.ts';
import { isConfigTracked } from '../../../src/workload/config-tracking.ts';
import { daemonSetTemplate, observeDaemonSet, primaryDaemonSet } from '../../../src/workload/daemonset-target.ts';
import { discoveredPorts } from '../../../src/workload/port-discovery.ts';
import { copiedAnnotations, includeLabelsByPrefix, primaryWorkloadLabels } from '../../../src/workload/primary-metadata.ts';
import { primarySchedulingSelectors } from '../../../src/workload/primary-selectors.ts';
import { servicePort } from '../../../src/workload/services.ts';

const owner = { apiVersion: 'kanari.dev/v1alpha1', kind: 'Canary', metadata: { name: 'podinfo', uid: 'u1' } };
const copied = { copiedConfigMaps: new Set<string>(), copiedSecrets: new Set<string>() };

function canary(service: Canary['spec']['service']): Canary {
  return { apiVersion: 'kanari.dev/v1alpha1', kind: 'Canary', metadata: { name: 'podinfo' }, spec: { targetRef: { kind: 'Deployment', name: 'podinfo' }, service, analysis: { iterations: 1 } } };
}

describe('portDiscovery, as Flagger discovers ports', () => {
  const spec: V1PodSpec = {
    containers: [
      { name: 'app', image: 'a', ports: [{ name: 'http', containerPort: 9898 }, { name: 'grpc', containerPort: 9999, protocol: 'TCP' }, { containerPort: 8080 }] },
      { name: 'istio-proxy', image: 'p', ports: [{ name: 'http-envoy-prom', containerPort: 15090 }] },
      { name: 'worker', image: 'w', ports: [{ containerPort: 7070, protocol: 'UDP' }] },
    ],
  };
  const names = (service: Canary['spec']['service']) => discoveredPorts(service, servicePort(canary(service)), spec).map((p) => `${p.name} ${p.port}/${p.protocol}`);

  test('every other port by its name, unnamed ones as tcp-<container>-<index>, sidecars skipped', () => {
    expect(names({ port: 9898 })).toEqual(['grpc 9999/TCP', 'tcp-app-2 8080/TCP', 'tcp-worker-0 7070/UDP']);
  });

  test('the main port is the one targetPort names, by number or by name', () => {
    expect(names({ port: 80, targetPort: 9999 })).toEqual(['tcp-app-2 8080/TCP', 'tcp-worker-0 7070/UDP']);
    // Port 80 forwards to "grpc": http (9898) is another port, discovered unless its name is the main port's (by default "http").
    expect(names({ port: 80, targetPort: 'grpc', portName: 'grpc-web' })).toEqual(['http 9898/TCP', 'tcp-app-2 8080/TCP', 'tcp-worker-0 7070/UDP']);
    expect(names({ port: 80, targetPort: 'grpc' })).toEqual(['tcp-app-2 8080/TCP', 'tcp-worker-0 7070/UDP']);
  });
});

describe('what the primary copies', () => {
  test('labels only by prefix (* for all), never Flux\'s; annotations but Flux\'s and last-applied', () => {
    const labels = { app: 'podinfo', 'team.example.com/owner': 'a', 'app.kubernetes.io/instance': 'argo', 'kustomize.toolkit.fluxcd.io/name': 'x' };
    expect(includeLabelsByPrefix(labels, [])).toEqual({});
    expect(includeLabelsByPrefix(labels, ['team.example.com', ''])).toEqual({ 'team.example.com/owner': 'a' });
    expect(includeLabelsByPrefix(labels, ['*'])).toEqual({ app: 'podinfo', 'team.example.com/owner': 'a', 'app.kubernetes.io/instance': 'argo' });
    expect(primaryWorkloadLabels({ labels }, { app: 'podinfo' }, [])).toEqual({ app: 'podinfo-primary', 'app.kubernetes.io/managed-by': 'kanari' });
    expect(copiedAnnotations({ a: '1', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'helm.toolkit.fluxcd.io/driftDetection': 'x' })).toEqual({ a: '1' });
  });

  test('scheduling selectors that pick the target\'s own pods pick the primary\'s; others are kept', () => {
    const spec: V1PodSpec = {
      containers: [],
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'h', labelSelector: { matchLabels: { app: 'podinfo', tier: 'web' } } }],
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'z', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['podinfo', 'other'] }] } } }],
        },
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'h', labelSelector: { matchLabels: { app: 'podinfo' } } }] },
      },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'z', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'cache' } } }],
    };
    const primary = primarySchedulingSelectors(spec, { app: 'podinfo' });
    expect(primary.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0].labelSelector?.matchLabels).toEqual({ app: 'podinfo-primary', tier: 'web' });
    expect(primary.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0].podAffinityTerm.labelSelector?.matchExpressions?.[0].values).toEqual(['podinfo-primary', 'other']);
    // Affinity to other pods and spreading relative to another app are the app's own choices, as in Flagger.
    expect(primary.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0].labelSelector?.matchLabels).toEqual({ app: 'podinfo' });
    expect(primary.topologySpreadConstraints?.[0].labelSelector?.matchLabels).toEqual({ app: 'cache' });
    expect(spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0].labelSelector?.matchLabels?.app).toBe('podinfo');
  });

  test('a config opts out of tracking with Flagger\'s annotation or Kanari\'s', () => {
    expect(isConfigTracked({})).toBe(true);
    expect(isConfigTracked({ annotations: { 'flagger.app/config-tracking': 'disabled' } })).toBe(false);
    expect(isConfigTracked({ annotations: { 'kanari.dev/config-tracking': 'disable' } })).toBe(false);
    expect(isConfigTracked({ annotations: { 'flagger.app/config-tracking': 'enabled' } })).toBe(true);
  });
});

describe('DaemonSet targets', () => {
  const daemonSet: V1DaemonSet = {
    metadata: { name: 'agent', namespace: 'test', generation: 3, labels: { app: 'agent' } },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { 'kubernetes.io/os': 'linux', 'kanari.dev/scale-to-zero': 'true', 'flagger.app/scale-to-zero': 'true' }, containers: [{ name: 'a', image: 'agent:1' }] } },
      updateStrategy: { type: 'RollingUpdate' },
    },
    status: { observedGeneration: 3, desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 2, numberReady: 2, numberAvailable: 2, numberMisscheduled: 0 },
  };

  test('the scale-to-zero selector is no part of the release nor of the primary', () => {
    expect(daemonSetTemplate(daemonSet).spec?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    const primary = primaryDaemonSet(daemonSet, owner, copied);
    expect(primary.metadata?.name).toBe('agent-primary');
    expect(primary.spec?.selector.matchLabels).toEqual({ app: 'agent-primary' });
    expect(primary.spec?.template.metadata?.labels).toEqual({ app: 'agent-primary' });
    expect(primary.spec?.template.spec?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(primary.spec?.updateStrategy).toEqual({ type: 'RollingUpdate' });
  });

  test('one replica per node it should run on; a rollout is unfinished until every node runs the new pod', () => {
    expect(observeDaemonSet(daemonSet)).toEqual({ exists: true, desiredReplicas: 3, replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGenerationCurrent: true });
    expect(observeDaemonSet(undefined).exists).toBe(false);
    expect(observeDaemonSet({ ...daemonSet, metadata: { ...daemonSet.metadata, generation: 4 } }).observedGenerationCurrent).toBe(false);
  });
});
