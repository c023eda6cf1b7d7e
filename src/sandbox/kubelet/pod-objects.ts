/**
 * The kubelet's half of a replica: the ReplicaSet and Pod objects a cluster would show for it (and the
 * Deployment's revision annotation), and, when serving, one sample-app server per ready pod on a
 * loopback port, named in a Pod annotation.
 */
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { startSampleApp, type SampleApp } from '../sample-app/sample-app.ts';
import { behaviourFromEnv, type SampleAppBehaviour } from '../sample-app/sample-app-behaviour.ts';
import type { DeploymentState, PodLayer, Replica, ReplicaSetState } from './deployment-controller.ts';
import { isConflict, isNotFound, mergePatch } from './sandbox-requests.ts';

/** How long a replica being replaced may finish the requests it already has, like a pod's terminationGracePeriod. */
const TERMINATION_GRACE_MS = 2000;
/** Where the deployment controller numbers the rollouts of a Deployment and its ReplicaSets. */
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** The Pod annotation that carries the loopback port of a replica's server. */
export const PORT_ANNOTATION = 'sandbox.kanari.dev/port';

/** What the kubelet runs for one pod. */
export interface PodRuntime {
  behaviour: SampleAppBehaviour;
  /** The pod's ServiceAccount (`default` when the template names none). */
  serviceAccount: string;
  /** Its server once ready, when serving. */
  app?: SampleApp;
}

/** ReplicaSet and Pod objects plus (when `serve`) a server per ready pod. */
export class PodObjects implements PodLayer {
  readonly #apps: AppsV1Api;
  readonly #core: CoreV1Api;
  readonly #serve: boolean;
  readonly #seed: string;
  readonly #runtimes = new Map<string, PodRuntime>();
  readonly #replicaSetUids = new Map<string, string>();

  constructor(options: { kubeConfig: KubeConfig; serve: boolean; seed?: number | string }) {
    this.#apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#serve = options.serve;
    this.#seed = String(options.seed ?? 'kanari');
  }

  /** What runs for the pod, while it exists. */
  runtimeOf(namespace: string, pod: string): PodRuntime | undefined {
    return this.#runtimes.get(`${namespace}/${pod}`);
  }

  async replicaSetCreated(state: DeploymentState, rs: ReplicaSetState, deployment: V1Deployment): Promise<void> {
    const template = deployment.spec?.template ?? {};
    const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': rs.hash };
    const body = {
      metadata: {
        name: rs.name,
        namespace: state.namespace,
        labels,
        annotations: { [REVISION_ANNOTATION]: String(rs.revision), 'deployment.kubernetes.io/desired-replicas': String(deployment.spec?.replicas ?? 1) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: state.name, uid: state.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { ...(deployment.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': rs.hash } },
        template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
      },
    };
    let uid: string | undefined;
    try {
      uid = (await this.#apps.createNamespacedReplicaSet({ namespace: state.namespace, body })).metadata?.uid;
    } catch (error) {
      if (!isConflict(error)) throw error;
      uid = (await this.#apps.readNamespacedReplicaSet({ namespace: state.namespace, name: rs.name })).metadata?.uid;
    }
    this.#replicaSetUids.set(`${state.namespace}/${rs.name}`, uid ?? '');
  }

  async replicaSetRevised(state: DeploymentState, rs: ReplicaSetState): Promise<void> {
    await this.#apps.patchNamespacedReplicaSet({ namespace: state.namespace, name: rs.name, body: { metadata: { annotations: { [REVISION_ANNOTATION]: String(rs.revision) } } } }, mergePatch);
  }

  async currentRevision(state: DeploymentState, deployment: V1Deployment, rs: ReplicaSetState): Promise<void> {
    // `kubectl rollout undo` replaces /metadata/annotations with a JSON patch, which needs them to exist.
    if (deployment.metadata?.annotations?.[REVISION_ANNOTATION] === String(rs.revision)) return;
    await this.#apps.patchNamespacedDeployment({ namespace: state.namespace, name: state.name, body: { metadata: { annotations: { [REVISION_ANNOTATION]: String(rs.revision) } } } }, mergePatch);
  }

  async replicaCreated(state: DeploymentState, rs: ReplicaSetState, replica: Replica): Promise<void> {
    const container = replica.template.spec?.containers?.[0];
    const runtime: PodRuntime = {
      behaviour: behaviourFromEnv(container?.env, container?.image?.split(':')[1]),
      serviceAccount: replica.template.spec?.serviceAccountName || 'default',
    };
    await this.#core.createNamespacedPod({
      namespace: state.namespace,
      body: {
        metadata: {
          name: replica.pod,
          namespace: state.namespace,
          labels: replica.labels,
          annotations: { ...(replica.template.metadata?.annotations ?? {}) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: this.#replicaSetUids.get(`${state.namespace}/${rs.name}`) ?? '', controller: true, blockOwnerDeletion: true }],
        },
        spec: { ...(replica.template.spec ?? { containers: [] }), nodeName: 'kanari-sandbox' },
      },
    });
    await this.#core.patchNamespacedPodStatus({ namespace: state.namespace, name: replica.pod, body: { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } } }, mergePatch);
    this.#runtimes.set(`${state.namespace}/${replica.pod}`, runtime);
  }

  async replicaReady(state: DeploymentState, replica: Replica): Promise<void> {
    const runtime = this.runtimeOf(state.namespace, replica.pod);
    if (this.#serve && runtime) {
      runtime.app = await startSampleApp({ behaviour: runtime.behaviour, seed: `${this.#seed}/${replica.pod}`, podName: replica.pod });
      await this.#core.patchNamespacedPod({ namespace: state.namespace, name: replica.pod, body: { metadata: { annotations: { [PORT_ANNOTATION]: String(runtime.app.port) } } } }, mergePatch);
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await this.#core.patchNamespacedPodStatus(
      {
        namespace: state.namespace,
        name: replica.pod,
        body: {
          status: {
            phase: 'Running',
            podIP: '127.0.0.1',
            podIPs: [{ ip: '127.0.0.1' }],
            hostIP: '127.0.0.1',
            startTime: now,
            conditions: [
              { type: 'PodScheduled', status: 'True' },
              { type: 'Initialized', status: 'True' },
              { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
              { type: 'Ready', status: 'True', lastTransitionTime: now },
            ],
            containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: '', imageID: '', state: { running: { startedAt: now } } }],
          },
        },
      },
      mergePatch,
    );
  }

  async replicaStopped(state: DeploymentState, replica: Replica): Promise<void> {
    const key = `${state.namespace}/${replica.pod}`;
    // Already out of the endpoints: a graceful stop still answers the requests routed to it before.
    await this.#runtimes.get(key)?.app?.stop(TERMINATION_GRACE_MS);
    this.#runtimes.delete(key);
    await this.#core.deleteNamespacedPod({ namespace: state.namespace, name: replica.pod, gracePeriodSeconds: 0 }).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }

  async replicaSetChanged(state: DeploymentState, rs: ReplicaSetState, desired: number, generation: number): Promise<void> {
    const ready = rs.replicas.filter((r) => r.ready).length;
    const status = { replicas: rs.replicas.length, fullyLabeledReplicas: rs.replicas.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: generation };
    await this.#apps.patchNamespacedReplicaSet({ namespace: state.namespace, name: rs.name, body: { spec: { replicas: desired } } }, mergePatch);
    await this.#apps.patchNamespacedReplicaSetStatus({ namespace: state.namespace, name: rs.name, body: { status } }, mergePatch);
  }

  async replicaSetRemoved(state: DeploymentState, rs: ReplicaSetState): Promise<void> {
    this.#replicaSetUids.delete(`${state.namespace}/${rs.name}`);
    await this.#apps.deleteNamespacedReplicaSet({ namespace: state.namespace, name: rs.name }).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.#runtimes.values()].map((runtime) => runtime.app?.stop()));
    this.#runtimes.clear();
  }
}
