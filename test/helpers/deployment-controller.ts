import { AppsV1Api, type KubeConfig, type V1Deployment, type V1DeploymentStatus } from '@kubernetes/client-node';
import { ResilientInformer } from '../../src/kube/informer.ts';
import { mergePatchOptions } from '../../src/kube/patch.ts';

/**
 * Plays the Kubernetes deployment controller's part against the sandbox API server: a while after a
 * Deployment's spec changes, its status says every replica is updated, ready and available (as if the
 * pods had rolled out). A Deployment can be held unready to test progress deadlines.
 */
export class DeploymentControllerSim {
  readonly #apps: AppsV1Api;
  readonly #informer: ResilientInformer<V1Deployment>;
  readonly #delayMs: number;
  readonly #held = new Set<string>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #writes = new Set<Promise<unknown>>();

  constructor(options: { kubeConfig: KubeConfig; delayMs?: number; namespace?: string }) {
    this.#apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.#delayMs = options.delayMs ?? 50;
    const ns = options.namespace;
    this.#informer = new ResilientInformer<V1Deployment>({
      kubeConfig: options.kubeConfig,
      path: ns ? `/apis/apps/v1/namespaces/${ns}/deployments` : '/apis/apps/v1/deployments',
      list: () => (ns ? this.#apps.listNamespacedDeployment({ namespace: ns }) : this.#apps.listDeploymentForAllNamespaces()),
      name: 'deployment-controller-sim',
      watchdogMs: 0,
      relistIntervalMs: 0,
      backoff: { initialMs: 20, maxMs: 200 },
    });
    this.#informer.onEvent((type, d) => {
      if (type !== 'delete') this.#schedule(d);
    });
  }

  /** Starts watching Deployments. */
  async start(): Promise<void> {
    await this.#informer.start();
  }

  /** Stops watching and cancels pending status writes (waits for ones in flight). */
  async stop(): Promise<void> {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await this.#informer.stop();
    await Promise.allSettled([...this.#writes]);
  }

  /** Keeps a Deployment's pods unready (updated but not available) until released. */
  keepUnready(namespace: string, name: string): void {
    this.#held.add(`${namespace}/${name}`);
    const d = this.#informer.get(namespace, name);
    if (d) this.#schedule(d);
  }

  /** Lets a held Deployment become ready. */
  release(namespace: string, name: string): void {
    this.#held.delete(`${namespace}/${name}`);
    const d = this.#informer.get(namespace, name);
    if (d) this.#schedule(d);
  }

  #desiredStatus(d: V1Deployment): V1DeploymentStatus {
    const replicas = d.spec?.replicas ?? 1;
    const held = this.#held.has(`${d.metadata?.namespace}/${d.metadata?.name}`);
    const available = held ? 0 : replicas;
    return {
      observedGeneration: d.metadata?.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
      unavailableReplicas: replicas - available,
    };
  }

  #schedule(d: V1Deployment): void {
    const desired = this.#desiredStatus(d);
    const status = (d.status ?? {}) as Record<string, unknown>;
    if (Object.entries(desired).every(([k, v]) => (status[k] ?? 0) === v)) return;
    const key = `${d.metadata?.namespace}/${d.metadata?.name}`;
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        const latest = this.#informer.get(d.metadata!.namespace!, d.metadata!.name!);
        if (!latest) return;
        const write = this.#apps
          .patchNamespacedDeploymentStatus({ name: latest.metadata!.name!, namespace: latest.metadata!.namespace!, body: { status: this.#desiredStatus(latest) } }, mergePatchOptions())
          .catch(() => undefined)
          .finally(() => this.#writes.delete(write));
        this.#writes.add(write);
      }, this.#delayMs),
    );
  }
}
