import {
  ApisApi,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';

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

/** Loads a KubeConfig from the given source. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  if (source.kind === 'given') return source.kubeConfig;
  const kubeConfig = new KubeConfig();
  if (source.kind === 'file') {
    kubeConfig.loadFromFile(source.path);
    if (source.context) kubeConfig.setCurrentContext(source.context);
  } else if (source.kind === 'in-cluster') {
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig.loadFromDefault();
  }
  return kubeConfig;
}

/** Builds the API clients for one KubeConfig. */
export function createKubeClients(source: KubeConfigSource): KubeClients {
  const kubeConfig = loadKubeConfig(source);
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    autoscaling: kubeConfig.makeApiClient(AutoscalingV2Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    apis: kubeConfig.makeApiClient(ApisApi),
  };
}
