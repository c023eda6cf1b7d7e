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
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import type { AlertProvider } from '../api/alert-provider.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import { primaryName } from '../api/names.ts';
import { makeApiClient, type KubeClients } from '../kube/client.ts';
import { keepFields, type FieldSelection } from '../kube/field-selection.ts';
import { ResilientInformer, type InformerEventType, type ListPage } from '../kube/informer.ts';
import type { IndexFunction } from '../kube/object-index.ts';
import type { Logger } from '../log/logger.ts';
import { apiReader, cacheReader, type ClusterReader, type ConfigSummary } from '../workload/cluster-reader.ts';
import { referencedConfigs } from '../workload/config-refs.ts';
import { configMapChecksum, secretChecksum } from '../workload/revision.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../workload/managed-labels.ts';
import type { TrafficSplit } from '../router/traffic-split.ts';
import { HTTPROUTE_CRD, type HttpRoute } from '../router/gateway-api/http-route.ts';
import {
  ALERT_PROVIDER_FIELDS,
  AUTOSCALER_FIELDS,
  CANARY_FIELDS,
  CONFIG_FIELDS,
  CRD_FIELDS,
  CRD_WHOLE_FIELDS,
  DAEMON_SET_FIELDS,
  DEPLOYMENT_FIELDS,
  HTTP_ROUTE_FIELDS,
  METRIC_TEMPLATE_FIELDS,
  SERVICE_FIELDS,
  TRAFFIC_SPLIT_FIELDS,
} from './cache-fields.ts';

/** Canaries by the Deployments they name: their target and its `-primary`. */
export const BY_DEPLOYMENT = 'deployment';
/** Canaries by their `autoscalerRef`. */
export const BY_AUTOSCALER = 'autoscaler';
/** Deployments and DaemonSets by the configs their pod template reads: `configmap/<name>`, `secret/<name>`. */
export const BY_CONFIG = 'config';

// Defensive about shape: an index function that threw would stop the informer's event delivery.
const canaryIndexes: Record<string, IndexFunction<Canary>> = {
  [BY_DEPLOYMENT]: (canary) => {
    const target = canary.spec?.targetRef?.name;
    return target ? [target, primaryName(target)] : [];
  },
  [BY_AUTOSCALER]: (canary) => (canary.spec?.autoscalerRef?.name ? [canary.spec.autoscalerRef.name] : []),
};
const workloadIndexes: Record<string, IndexFunction<V1Deployment | V1DaemonSet>> = {
  [BY_CONFIG]: (workload) => {
    const refs = referencedConfigs(workload.spec?.template?.spec);
    return [...refs.configMaps.map((name) => `configmap/${name}`), ...refs.secrets.map((name) => `secret/${name}`)];
  },
};

/** How one kind is cached: what it keeps of each object, and how it is indexed. */
interface CacheShape<T extends KubernetesObject> {
  fields: FieldSelection;
  /** A further step on the kept copy, given the object as it came (the Canary's validation, a config's checksum). */
  then?: (kept: T, raw: T) => T;
  labelSelector?: string;
  indexes?: Record<string, IndexFunction<T>>;
}

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

  /** Objects of `namespace` indexed under `value` by the index `name`: a lookup, not a scan. */
  byIndex(name: string, namespace: string, value: string): T[] {
    return this.#informerFor(namespace)?.byIndex(name, namespace, value) ?? [];
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

  /** Every informer has held a full list: a miss then means the object does not exist (or just changed). */
  hasSynced(): boolean {
    return [...this.#informers.values()].every((informer) => informer.hasSynced());
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
  /** Applied to each Canary after its fields are selected: validation with the schema's defaults. */
  admitCanary?: (canary: Canary) => Canary;
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
  /** ConfigMaps and Secrets without their content, which is kept as a checksum. */
  readonly configMaps: ScopedCache<ConfigSummary>;
  readonly secrets: ScopedCache<ConfigSummary>;
  readonly autoscalers: ScopedCache<V2HorizontalPodAutoscaler>;
  /** Only the Services labelled as Kanari's (the ones it generated or adopted), not every Service of the cluster. */
  readonly services: ScopedCache<V1Service>;
  readonly metricTemplates: ScopedCache<MetricTemplate>;
  readonly alertProviders: ScopedCache<AlertProvider>;
  /** Cluster-scoped: the served versions of the SMI and Gateway APIs change when their CRDs do. */
  readonly customResourceDefinitions: ScopedCache<V1CustomResourceDefinition>;

  readonly #clients: KubeClients;
  readonly #make: <T extends KubernetesObject>(
    kind: string,
    pathOf: (namespace: string) => string,
    listOf: (namespace: string) => (page: ListPage) => Promise<KubernetesListObject<T>>,
    shape: CacheShape<T>,
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
      listOf: (namespace: string) => (page: ListPage) => Promise<KubernetesListObject<T>>,
      shape: CacheShape<T>,
    ): ScopedCache<T> => {
      const informers = new Map<string, ResilientInformer<T>>();
      const keep = keepFields<T>(shape.fields);
      const then = shape.then;
      const transform = then ? (obj: T) => then(keep(obj), obj) : keep;
      for (const namespace of scopes) {
        informers.set(
          namespace,
          new ResilientInformer<T>({
            kubeConfig: clients.kubeConfig,
            path: pathOf(namespace),
            list: listOf(namespace),
            labelSelector: shape.labelSelector,
            transform,
            indexes: shape.indexes,
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
    const kanari = <T extends KubernetesObject>(plural: string, shape: CacheShape<T>) =>
      make<T>(
        plural,
        grouped(`${API_GROUP}/${API_VERSION}`, plural),
        (ns) => async (page) => {
          const labelSelector = shape.labelSelector;
          return (ns
            ? await clients.custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: ns, plural, labelSelector, ...page })
            : await clients.custom.listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural, labelSelector, ...page })) as KubernetesListObject<T>;
        },
        shape,
      );

    this.#make = make;
    this.canaries = kanari<Canary>('canaries', { fields: CANARY_FIELDS, labelSelector: options.canarySelector, indexes: canaryIndexes, then: options.admitCanary });
    this.metricTemplates = kanari<MetricTemplate>('metrictemplates', { fields: METRIC_TEMPLATE_FIELDS });
    this.alertProviders = kanari<AlertProvider>('alertproviders', { fields: ALERT_PROVIDER_FIELDS });
    this.deployments = make<V1Deployment>(
      'deployments',
      grouped('apps/v1', 'deployments'),
      (ns) => (page) => (ns ? clients.apps.listNamespacedDeployment({ namespace: ns, ...page }) : clients.apps.listDeploymentForAllNamespaces(page)),
      { fields: DEPLOYMENT_FIELDS, indexes: workloadIndexes },
    );
    this.daemonSets = make<V1DaemonSet>(
      'daemonsets',
      grouped('apps/v1', 'daemonsets'),
      (ns) => (page) => (ns ? clients.apps.listNamespacedDaemonSet({ namespace: ns, ...page }) : clients.apps.listDaemonSetForAllNamespaces(page)),
      { fields: DAEMON_SET_FIELDS, indexes: workloadIndexes },
    );
    // Listed and watched whole (an API server cannot leave content out), summarised on the way in.
    type Summaries = Promise<KubernetesListObject<ConfigSummary>>;
    this.configMaps = make<ConfigSummary>(
      'configmaps',
      core('configmaps'),
      (ns) => (page) => (ns ? clients.core.listNamespacedConfigMap({ namespace: ns, ...page }) : clients.core.listConfigMapForAllNamespaces(page)) as Summaries,
      { fields: CONFIG_FIELDS, then: (kept, raw) => ({ ...kept, contentChecksum: configMapChecksum(raw as V1ConfigMap) }) },
    );
    this.secrets = make<ConfigSummary>(
      'secrets',
      core('secrets'),
      (ns) => (page) => (ns ? clients.core.listNamespacedSecret({ namespace: ns, ...page }) : clients.core.listSecretForAllNamespaces(page)) as Summaries,
      { fields: CONFIG_FIELDS, then: (kept, raw) => ({ ...kept, contentChecksum: secretChecksum(raw as V1Secret) }) },
    );
    const kanariServices = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
    this.services = make<V1Service>(
      'services',
      core('services'),
      (ns) => (page) =>
        ns
          ? clients.core.listNamespacedService({ namespace: ns, labelSelector: kanariServices, ...page })
          : clients.core.listServiceForAllNamespaces({ labelSelector: kanariServices, ...page }),
      { fields: SERVICE_FIELDS, labelSelector: kanariServices },
    );
    const extensions = makeApiClient(clients.kubeConfig, ApiextensionsV1Api);
    const keepWholeCrd = keepFields<V1CustomResourceDefinition>(CRD_WHOLE_FIELDS);
    const keepCrdNames = keepFields<V1CustomResourceDefinition>(CRD_FIELDS);
    const crds = new ResilientInformer<V1CustomResourceDefinition>({
      kubeConfig: clients.kubeConfig,
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      list: (page) => extensions.listCustomResourceDefinition(page),
      transform: (crd) => (crd.metadata?.name === HTTPROUTE_CRD ? keepWholeCrd(crd) : keepCrdNames(crd)),
      name: 'customresourcedefinitions',
      logger: options.logger,
      relistIntervalMs: options.relistIntervalMs,
      watchdogMs: options.watchdogMs,
    });
    this.customResourceDefinitions = new ScopedCache('customresourcedefinitions', new Map([['', crds]]));
    this.autoscalers = make<V2HorizontalPodAutoscaler>(
      'horizontalpodautoscalers',
      grouped('autoscaling/v2', 'horizontalpodautoscalers'),
      (ns) => (page) =>
        ns
          ? clients.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns, ...page })
          : clients.autoscaling.listHorizontalPodAutoscalerForAllNamespaces(page),
      { fields: AUTOSCALER_FIELDS },
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
      this.services,
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
        (ns) => async (page) =>
          (ns
            ? await this.#clients.custom.listNamespacedCustomObject({ group, version, namespace: ns, plural, ...page })
            : await this.#clients.custom.listClusterCustomObject({ group, version, plural, ...page })) as KubernetesListObject<KubernetesObject>,
        { fields: plural === 'trafficsplits' ? TRAFFIC_SPLIT_FIELDS : HTTP_ROUTE_FIELDS },
      );
      this.#splits.set(key, cache);
      for (const listener of this.#recoveryListeners) cache.onRecovery(listener);
      void cache.start();
    }
    return cache?.get(namespace, name);
  }

  /** Whether the TrafficSplit cache of `version` holds a full list. */
  trafficSplitsSynced(version: string): boolean {
    return this.#splits.get(`trafficsplits.${version}`)?.hasSynced() ?? false;
  }

  /** The workload shell's reads, answered from the caches. */
  reader(): ClusterReader {
    return cacheReader(this, apiReader(this.#clients));
  }
}
