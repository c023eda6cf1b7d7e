import {
  ApiextensionsV1Api,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import type {
  KubernetesListObject,
  KubernetesObject,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Secret,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import type { AlertProvider } from '../api/alert-provider.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import type { KubeClients } from '../kube/client.ts';
import { ResilientInformer, type InformerEventType } from '../kube/informer.ts';
import type { Logger } from '../log/logger.ts';
import type { ClusterReader } from '../workload/cluster-reader.ts';
import type { TrafficSplit } from '../router/traffic-split.ts';
import type { HttpRoute } from '../router/gateway-api/http-route.ts';

/** One kind's cache across the watched namespaces: one informer for all namespaces, or one per namespace. */
export class ScopedCache<T extends KubernetesObject> {
  readonly kind: string;
  readonly #informers = new Map<string, ResilientInformer<T>>();

  constructor(kind: string, informers: Map<string, ResilientInformer<T>>) {
    this.kind = kind;
    this.#informers = informers;
  }

  get(namespace: string, name: string): T | undefined {
    return this.#informerFor(namespace)?.get(namespace, name);
  }

  /** Every cached object, optionally of one namespace. */
  list(namespace?: string): readonly T[] {
    if (namespace !== undefined) return this.#informerFor(namespace)?.list(namespace) ?? [];
    return [...this.#informers.values()].flatMap((informer) => informer.list());
  }

  onEvent(listener: (type: InformerEventType, obj: T) => void): void {
    for (const informer of this.#informers.values()) informer.onEvent(listener);
  }

  /** Calls `listener` whenever one of the informers is back after failing. */
  onRecovery(listener: () => void): void {
    for (const informer of this.#informers.values()) informer.onRecovery(listener);
  }

  healthy(): boolean {
    return [...this.#informers.values()].every((informer) => informer.healthy());
  }

  async start(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }

  #informerFor(namespace: string): ResilientInformer<T> | undefined {
    return this.#informers.get('') ?? this.#informers.get(namespace);
  }
}

export interface ClusterCacheOptions {
  clients: KubeClients;
  /** Watched namespaces; empty means all. */
  namespaces: string[];
  /** Only Canaries with these labels, so several installations can shard them. */
  canarySelector?: string;
  logger: Logger;
  relistIntervalMs?: number;
  watchdogMs?: number;
}

/**
 * Everything the controller reads, from informer caches: ticks read memory, not the API server, which is
 * what keeps steady-state API traffic at the status write per Canary per tick.
 */
export class ClusterCache {
  readonly canaries: ScopedCache<Canary>;
  readonly deployments: ScopedCache<V1Deployment>;
  /** DaemonSet targets (Flagger's other workload kind) and their primaries. */
  readonly daemonSets: ScopedCache<V1DaemonSet>;
  readonly configMaps: ScopedCache<V1ConfigMap>;
  readonly secrets: ScopedCache<V1Secret>;
  readonly autoscalers: ScopedCache<V2HorizontalPodAutoscaler>;
  readonly metricTemplates: ScopedCache<MetricTemplate>;
  readonly alertProviders: ScopedCache<AlertProvider>;
  /** Cluster-scoped: the served versions of the SMI and Gateway APIs change when their CRDs do. */
  readonly customResourceDefinitions: ScopedCache<V1CustomResourceDefinition>;

  readonly #clients: KubeClients;
  readonly #make: <T extends KubernetesObject>(
    kind: string,
    pathOf: (namespace: string) => string,
    listOf: (namespace: string) => () => Promise<KubernetesListObject<T>>,
  ) => ScopedCache<T>;
  /** Route caches (TrafficSplits, HTTPRoutes) per served version, made when a router first asks for one. */
  readonly #splits = new Map<string, ScopedCache<KubernetesObject>>();
  readonly #recoveryListeners: (() => void)[] = [];
  #running = false;

  constructor(options: ClusterCacheOptions) {
    const { clients, namespaces } = options;
    this.#clients = clients;
    const scopes = namespaces.length === 0 ? [''] : namespaces;
    const make = <T extends KubernetesObject>(
      kind: string,
      pathOf: (namespace: string) => string,
      listOf: (namespace: string) => () => Promise<KubernetesListObject<T>>,
      labelSelector?: string,
    ): ScopedCache<T> => {
      const informers = new Map<string, ResilientInformer<T>>();
      for (const namespace of scopes) {
        informers.set(
          namespace,
          new ResilientInformer<T>({
            kubeConfig: clients.kubeConfig,
            path: pathOf(namespace),
            list: listOf(namespace),
            labelSelector,
            name: namespace ? `${kind} in ${namespace}` : kind,
            logger: options.logger,
            relistIntervalMs: options.relistIntervalMs,
            watchdogMs: options.watchdogMs,
          }),
        );
      }
      return new ScopedCache(kind, informers);
    };
    const core = (plural: string) => (ns: string) => (ns ? `/api/v1/namespaces/${ns}/${plural}` : `/api/v1/${plural}`);
    const grouped = (groupVersion: string, plural: string) => (ns: string) =>
      ns ? `/apis/${groupVersion}/namespaces/${ns}/${plural}` : `/apis/${groupVersion}/${plural}`;
    const kanari = <T extends KubernetesObject>(plural: string, labelSelector?: string) =>
      make<T>(
        plural,
        grouped(`${API_GROUP}/${API_VERSION}`, plural),
        (ns) => async () =>
          (ns
            ? await clients.custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: ns, plural, labelSelector })
            : await clients.custom.listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural, labelSelector })) as KubernetesListObject<T>,
        labelSelector,
      );

    this.#make = make;
    this.canaries = kanari<Canary>('canaries', options.canarySelector);
    this.metricTemplates = kanari<MetricTemplate>('metrictemplates');
    this.alertProviders = kanari<AlertProvider>('alertproviders');
    this.deployments = make<V1Deployment>('deployments', grouped('apps/v1', 'deployments'), (ns) => () =>
      ns ? clients.apps.listNamespacedDeployment({ namespace: ns }) : clients.apps.listDeploymentForAllNamespaces(),
    );
    this.daemonSets = make<V1DaemonSet>('daemonsets', grouped('apps/v1', 'daemonsets'), (ns) => () =>
      ns ? clients.apps.listNamespacedDaemonSet({ namespace: ns }) : clients.apps.listDaemonSetForAllNamespaces(),
    );
    this.configMaps = make<V1ConfigMap>('configmaps', core('configmaps'), (ns) => () =>
      ns ? clients.core.listNamespacedConfigMap({ namespace: ns }) : clients.core.listConfigMapForAllNamespaces(),
    );
    this.secrets = make<V1Secret>('secrets', core('secrets'), (ns) => () =>
      ns ? clients.core.listNamespacedSecret({ namespace: ns }) : clients.core.listSecretForAllNamespaces(),
    );
    const crds = new ResilientInformer<V1CustomResourceDefinition>({
      kubeConfig: clients.kubeConfig,
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      list: () => clients.kubeConfig.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition(),
      name: 'customresourcedefinitions',
      logger: options.logger,
      relistIntervalMs: options.relistIntervalMs,
      watchdogMs: options.watchdogMs,
    });
    this.customResourceDefinitions = new ScopedCache('customresourcedefinitions', new Map([['', crds]]));
    this.autoscalers = make<V2HorizontalPodAutoscaler>('horizontalpodautoscalers', grouped('autoscaling/v2', 'horizontalpodautoscalers'), (ns) => () =>
      ns
        ? clients.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns })
        : clients.autoscaling.listHorizontalPodAutoscalerForAllNamespaces(),
    );
  }

  all(): ScopedCache<KubernetesObject>[] {
    return [
      this.canaries,
      this.deployments,
      this.daemonSets,
      this.configMaps,
      this.secrets,
      this.autoscalers,
      this.metricTemplates,
      this.alertProviders,
      this.customResourceDefinitions,
      ...this.#splits.values(),
    ] as ScopedCache<KubernetesObject>[];
  }

  /** Calls `listener` whenever an informer is back after failing: the API server has returned. */
  onRecovery(listener: () => void): void {
    this.#recoveryListeners.push(listener);
    for (const cache of this.all()) cache.onRecovery(listener);
  }

  /** Starts every informer and resolves when all caches hold a full list. */
  async start(): Promise<void> {
    this.#running = true;
    await Promise.all(this.all().map((cache) => cache.start()));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.all().map((cache) => cache.stop()));
  }

  /**
   * A TrafficSplit from the cache of its version, or undefined until that cache has one. The first ask
   * for a version starts its informer: which versions a cluster serves is known only through discovery.
   */
  trafficSplit(version: string, namespace: string, name: string): TrafficSplit | undefined {
    return this.#routeObject('split.smi-spec.io', 'trafficsplits', version, namespace, name) as TrafficSplit | undefined;
  }

  /** An HTTPRoute from the cache of its version, or undefined until that cache has one (as trafficSplit). */
  httpRoute(version: string, namespace: string, name: string): HttpRoute | undefined {
    return this.#routeObject('gateway.networking.k8s.io', 'httproutes', version, namespace, name) as HttpRoute | undefined;
  }

  // Route caches per group and served version, made when a router first asks for one: which versions a
  // cluster serves is known only through discovery.
  #routeObject(group: string, plural: string, version: string, namespace: string, name: string): KubernetesObject | undefined {
    const key = `${plural}.${version}`;
    let cache = this.#splits.get(key);
    if (!cache && this.#running) {
      const groupVersion = `${group}/${version}`;
      cache = this.#make<KubernetesObject>(
        key,
        (ns) => (ns ? `/apis/${groupVersion}/namespaces/${ns}/${plural}` : `/apis/${groupVersion}/${plural}`),
        (ns) => async () =>
          (ns
            ? await this.#clients.custom.listNamespacedCustomObject({ group, version, namespace: ns, plural })
            : await this.#clients.custom.listClusterCustomObject({ group, version, plural })) as KubernetesListObject<KubernetesObject>,
      );
      this.#splits.set(key, cache);
      for (const listener of this.#recoveryListeners) cache.onRecovery(listener);
      void cache.start();
    }
    return cache?.get(namespace, name);
  }

  /** The workload shell's reads, answered from the caches. */
  reader(): ClusterReader {
    return {
      deployment: async (ns, name) => this.deployments.get(ns, name),
      configMap: async (ns, name) => this.configMaps.get(ns, name),
      secret: async (ns, name) => this.secrets.get(ns, name),
      autoscaler: async (ns, name) => this.autoscalers.get(ns, name),
      daemonSet: async (ns, name) => this.daemonSets.get(ns, name),
    };
  }
}
