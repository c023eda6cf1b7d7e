import { createHash } from 'node:crypto';
import {
  ApisApi,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  KubeConfig,
  ServerConfiguration,
  setHeaderMiddleware,
  type Configuration,
} from '@kubernetes/client-node';
import { requestLibrary } from './request-library.ts';

/** Where the controller finds its cluster: a kubeconfig file, the pod's service account, or a given config. */
export type KubeConfigSource =
  | { kind: 'file'; path: string; context?: string }
  | { kind: 'in-cluster' }
  | { kind: 'default' }
  | { kind: 'given'; kubeConfig: KubeConfig };

/** The API clients every shell component shares; built once per controller, never a module global. */
export interface KubeClients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  custom: CustomObjectsApi;
  apis: ApisApi;
}

/** Loads a KubeConfig from the given source, with connections reused across requests. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  if (source.kind === 'given') return reuseConnections(source.kubeConfig);
  const kubeConfig = new KubeConfig();
  if (source.kind === 'file') {
    kubeConfig.loadFromFile(source.path);
    if (source.context) kubeConfig.setCurrentContext(source.context);
  } else if (source.kind === 'in-cluster') {
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig.loadFromDefault();
  }
  return reuseConnections(kubeConfig);
}

type DispatcherFactory = (cluster: unknown, agentOptions: unknown) => unknown;
const REUSING = Symbol('kanari.reusesConnections');

/**
 * client-node 2.0.1 builds a new undici Agent, a whole connection pool, for every request
 * (`createDispatcher` has no cache, unlike its older `createAgent`): a controller with 1,000 Canaries held
 * some 17,000 open connections and ran out of sockets. This keeps one dispatcher per distinct set of
 * TLS and proxy options on the KubeConfig, so requests share keep-alive connections as client-go's do.
 */
export function reuseConnections(kubeConfig: KubeConfig): KubeConfig {
  const target = kubeConfig as unknown as { createDispatcher: DispatcherFactory; [REUSING]?: true };
  if (target[REUSING]) return kubeConfig;
  const create = target.createDispatcher.bind(kubeConfig);
  const dispatchers = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    const { server, proxyUrl } = (cluster ?? {}) as { server?: string; proxyUrl?: string };
    const key = createHash('sha256').update(JSON.stringify([server, proxyUrl, agentOptions])).digest('hex');
    if (!dispatchers.has(key)) dispatchers.set(key, create(cluster, agentOptions));
    return dispatchers.get(key);
  };
  target[REUSING] = true;
  return kubeConfig;
}

/**
 * An API client as `kubeConfig.makeApiClient` builds it (the kubeconfig authenticates every request),
 * but sending through `undici.request` instead of `fetch` (request-library.ts): the same calls at a
 * fraction of the CPU, which at thousands of Canaries is most of what a tick costs.
 */
export function makeApiClient<T>(kubeConfig: KubeConfig, apiClientType: new (config: Configuration) => T): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return new apiClientType(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      middleware: [setHeaderMiddleware('User-Agent', 'kanari')],
      httpApi: requestLibrary(),
    }),
  );
}

/** Builds the API clients for one KubeConfig. */
export function createKubeClients(source: KubeConfigSource): KubeClients {
  const kubeConfig = loadKubeConfig(source);
  return {
    kubeConfig,
    core: makeApiClient(kubeConfig, CoreV1Api),
    apps: makeApiClient(kubeConfig, AppsV1Api),
    autoscaling: makeApiClient(kubeConfig, AutoscalingV2Api),
    custom: makeApiClient(kubeConfig, CustomObjectsApi),
    apis: makeApiClient(kubeConfig, ApisApi),
  };
}
