import { CustomObjectsApi, type KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import { ResilientInformer } from '../kube/informer.ts';
import type { Logger } from '../log/logger.ts';

/** Where the dashboard reads Canaries from: a cache that says when something changed. */
export interface CanarySource {
  list(): readonly Canary[];
  get(namespace: string, name: string): Canary | undefined;
  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: () => void): () => void;
}

/**
 * Canaries from an informer of their own (one watch), so the dashboard works the same in `kanari
 * dashboard`, in a standby controller replica that holds no caches, and in the leader.
 */
export class InformerCanarySource implements CanarySource {
  readonly #informer: ResilientInformer<Canary>;
  /** With several namespaces one cluster-wide watch is filtered to them. */
  readonly #namespaces: Set<string> | undefined;

  constructor(options: { kubeConfig: KubeConfig; namespaces?: string[]; logger?: Logger }) {
    const custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    const namespaces = options.namespaces ?? [];
    const namespace = namespaces.length === 1 ? namespaces[0] : undefined;
    this.#namespaces = namespaces.length > 1 ? new Set(namespaces) : undefined;
    this.#informer = new ResilientInformer<Canary>({
      kubeConfig: options.kubeConfig,
      path: namespace ? `/apis/${API_GROUP}/${API_VERSION}/namespaces/${namespace}/canaries` : `/apis/${API_GROUP}/${API_VERSION}/canaries`,
      list: async () =>
        (namespace
          ? await custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: 'canaries' })
          : await custom.listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural: 'canaries' })) as KubernetesListObject<Canary>,
      name: 'dashboard canaries',
      logger: options.logger,
    });
  }

  start(): Promise<void> {
    return this.#informer.start();
  }

  stop(): Promise<void> {
    return this.#informer.stop();
  }

  list(): readonly Canary[] {
    const all = this.#informer.list();
    return this.#namespaces ? all.filter((canary) => this.#namespaces!.has(canary.metadata.namespace ?? '')) : all;
  }

  get(namespace: string, name: string): Canary | undefined {
    return this.#namespaces && !this.#namespaces.has(namespace) ? undefined : this.#informer.get(namespace, name);
  }

  onChange(listener: () => void): () => void {
    return this.#informer.onEvent(() => listener());
  }
}
