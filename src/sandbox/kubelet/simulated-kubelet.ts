/**
 * The simulated kubelet of the playground: the sandbox's deployment controller (deployment-controller.ts)
 * with Pod and ReplicaSet objects and one sample-app server per ready replica on a loopback port
 * (pod-objects.ts), plus the lookup the data plane routes by: which ready replicas a Service selects.
 */
import { CoreV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { createLogger, type Logger } from '../../log/logger.ts';
import { startDeploymentController, type DeploymentState, type Replica } from './deployment-controller.ts';
import { PodObjects } from './pod-objects.ts';
import type { Clock } from '../../time/clock.ts';
import { watchCollection, type WatchedCollection } from './watched-collection.ts';

export { PORT_ANNOTATION } from './pod-objects.ts';

/** Options of the simulated kubelet. */
export interface KubeletOptions {
  kubeConfig: KubeConfig;
  /** Run sample-app servers (default true); false only writes objects and status, for controller tests. */
  serve?: boolean;
  /** Time from a pod's creation to its readiness; default 200 ms. */
  startupDelayMs?: number;
  /** Pod startups and rollout deadlines run on it; the process clock by default. */
  clock?: Clock;
  /** Seed of pod names and the sample apps' failure and latency draws. */
  seed?: number | string;
  logger?: Logger;
}

/** One ready replica a Service can route to. */
export interface Endpoint {
  namespace: string;
  deployment: string;
  pod: string;
  /** Loopback port of the replica's server (0 when `serve: false`). */
  port: number;
  url: string;
  version: string;
  /** The pod's ServiceAccount (`default` when the template names none). */
  serviceAccount: string;
}

/** A running simulated kubelet; always `stop()` it. */
export interface SimulatedKubelet {
  /** Ready replicas selected by a Service's selector, sorted by pod name. */
  endpoints(namespace: string, service: string): Endpoint[];
  /** Ready replicas of one Deployment. */
  replicasOf(namespace: string, deployment: string): Endpoint[];
  /** Keeps a Deployment's not-yet-ready pods from becoming ready (for progress-deadline tests). */
  holdUnready(namespace: string, deployment: string): void;
  /** Lets held pods become ready. */
  release(namespace: string, deployment: string): void;
  /** Resolves once every change seen so far is written. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Starts watching Deployments and Services; resolves once both caches are filled. */
export async function startSimulatedKubelet(options: KubeletOptions): Promise<SimulatedKubelet> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const pods = new PodObjects({ kubeConfig: options.kubeConfig, serve: options.serve ?? true, seed: options.seed });
  const services: WatchedCollection<V1Service> = watchCollection<V1Service>({
    kubeConfig: options.kubeConfig,
    path: '/api/v1/services',
    list: () => core.listServiceForAllNamespaces(),
    logger,
  });
  const deployments = await startDeploymentController({
    kubeConfig: options.kubeConfig,
    startupDelayMs: options.startupDelayMs,
    clock: options.clock,
    seed: options.seed,
    pods,
    logger,
  });
  await services.ready;

  const endpointOf = (state: DeploymentState, replica: Replica): Endpoint => {
    const runtime = pods.runtimeOf(state.namespace, replica.pod);
    return {
      namespace: state.namespace,
      deployment: state.name,
      pod: replica.pod,
      port: runtime?.app?.port ?? 0,
      url: runtime?.app?.url ?? '',
      version: runtime?.behaviour.version ?? '',
      serviceAccount: runtime?.serviceAccount ?? 'default',
    };
  };
  const readyReplicas = (state: DeploymentState) => [...state.sets.values()].flatMap((rs) => rs.replicas.filter((r) => r.ready));

  return {
    endpoints: (namespace, service) => {
      const selector = services.get(namespace, service)?.spec?.selector;
      return [...deployments.states()]
        .filter((state) => state.namespace === namespace)
        .flatMap((state) => readyReplicas(state).filter((replica) => selects(selector, replica.labels)).map((replica) => endpointOf(state, replica)))
        .sort((a, b) => a.pod.localeCompare(b.pod));
    },
    replicasOf: (namespace, deployment) => {
      const state = deployments.state(namespace, deployment);
      return state ? readyReplicas(state).map((replica) => endpointOf(state, replica)) : [];
    },
    holdUnready: (namespace, deployment) => deployments.holdUnready(namespace, deployment),
    release: (namespace, deployment) => deployments.release(namespace, deployment),
    idle: () => deployments.idle(),
    stop: async () => {
      await services.stop();
      await deployments.stop();
    },
  };
}
