import type { KubeConfig } from '@kubernetes/client-node';
import type { Mesh } from '../api/canary.ts';
import { manualRequestsFromAnnotations } from '../api/annotations.ts';
import { createValidator } from '../api/validation.ts';
import { SystemClock, type Clock } from '../time/clock.ts';
import { decide } from '../engine/decide.ts';
import { createPhaseMachine } from '../engine/machine.ts';
import type { EventRecorder, Gates, MetricsSource, Notifier as NotifierPort, StatusWriter } from '../engine/ports.ts';
import { createKubeClients, type KubeClients } from '../kube/client.ts';
import { KubeEventRecorder } from '../kube/events.ts';
import { StatusSubresourceWriter } from '../kube/status-writer.ts';
import type { Logger } from '../log/logger.ts';
import { createNotifier } from '../notify/notifier.ts';
import type { BackoffPolicy } from '../notify/retry-policy.ts';
import { RouterFactory } from '../router/factory.ts';
import { HTTPROUTE_CRD } from '../router/gateway-api/http-route.ts';
import type { TrafficRouter } from '../router/router.ts';
import type { ControllerMetrics } from '../server/controller-metrics.ts';
import { DaemonSetWorkloads } from '../workload/daemonset-workloads.ts';
import { KubeWorkloads } from '../workload/kube-workloads.ts';
import { TargetWorkloads } from '../workload/target-workloads.ts';
import { CanaryAlerts } from './canary-alerts.ts';
import { CanaryController, type CanaryPorts } from './canary-controller.ts';
import { CanaryEvents } from './canary-events.ts';
import { CanaryGates } from './canary-gates.ts';
import { CanaryMetrics, metricTemplateLike } from './canary-metrics.ts';
import { CanaryStatusWriter } from './canary-status-writer.ts';
import { ClusterCache } from './cluster-cache.ts';
import { kanariVersion } from './kanari-version.ts';
import { SecretContents } from './secret-contents.ts';
import { ValidatedCanaries } from './validated-canaries.ts';

/** Everything the controller is built from; only `kubeConfig`, `logger` and `metrics` are required. */
export interface ControllerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  metrics: ControllerMetrics;
  clock?: Clock;
  /** Watched namespaces; empty or absent means all. */
  namespaces?: string[];
  /** Label selector on Canaries, so several installations can shard them. */
  canarySelector?: string;
  /** Router for Canaries that say only `smi`, e.g. `smi:v1alpha2` to pin the TrafficSplit version. */
  defaultProvider?: string;
  /** Prometheus for built-in metrics when a Canary names none (instead of the TrafficMetrics API). */
  metricsServer?: string;
  mesh?: Mesh;
  /** Flagger's `-include-label-prefix`: which target labels the primary copies get (`*` for all; none by default). */
  includeLabelPrefix?: string[];
  /** Receives every event payload of every Canary (Flagger's `-event-webhook`). */
  eventWebhook?: string;
  /** Shown in notifications, to tell clusters apart in a shared channel. */
  clusterName?: string;
  /** Retry backoff of webhooks; tests shrink it. */
  webhookBackoff?: BackoffPolicy;
  /** How many Canaries reconcile at once. */
  concurrency?: number;
  informer?: { relistIntervalMs?: number; watchdogMs?: number };
  /** Ports to use instead of the ones built here: a test hands in its own router, metrics source, gates… */
  ports?: PortOverrides;
}

/** The ports a caller may swap; a `router` given here serves every Canary whatever its provider. */
export interface PortOverrides {
  router?: TrafficRouter;
  metrics?: MetricsSource;
  gates?: Gates;
  notifier?: NotifierPort;
  events?: EventRecorder;
  statusWriter?: StatusWriter;
}

/** The assembled controller and the shared parts callers may want to look at. */
export interface AssembledController {
  controller: CanaryController;
  clients: KubeClients;
  cache: ClusterCache;
  clock: Clock;
}

/**
 * The one composition root: builds the controller's graph (clients, informer caches, routers, metrics,
 * gates, alerts, events, status writer) from options and hands the ports to the runtime loop. The CLI,
 * the playground, the engine's test harness and the benches all come through here.
 */
export function assembleController(options: ControllerOptions): AssembledController {
  const clock = options.clock ?? new SystemClock();
  const now = () => clock.now();
  options.metrics.info.set({ version: kanariVersion(), mesh_provider: options.defaultProvider ?? 'smi' }, 1);
  const clients = createKubeClients({ kind: 'given', kubeConfig: options.kubeConfig });
  const validation = new ValidatedCanaries(createValidator(), options.defaultProvider);
  const cache = new ClusterCache({
    clients,
    admitCanary: (canary) => validation.admit(canary),
    namespaces: options.namespaces ?? [],
    canarySelector: options.canarySelector,
    logger: options.logger,
    ...options.informer,
  });
  const readSecret = new SecretContents(cache.secrets, clients.core).reader;
  const notifier = createNotifier({
    logger: options.logger,
    registry: options.metrics.registry,
    lookupProvider: async (namespace, name) => {
      const provider = cache.alertProviders.get(namespace, name);
      return provider && { ...provider, metadata: { ...provider.metadata, name, namespace } };
    },
    readSecret,
    globalEventWebhook: options.eventWebhook,
    backoff: options.webhookBackoff,
  });
  const overrides = options.ports ?? {};
  const routers = overrides.router
    ? { forCanary: () => overrides.router!, all: () => [overrides.router!] }
    : new RouterFactory({
        clients,
        splits: { get: (version, namespace, name) => cache.trafficSplit(version, namespace, name), synced: (version) => cache.trafficSplitsSynced(version) },
        routes: { get: (version, namespace, name) => cache.httpRoute(version, namespace, name) },
        httpRouteCrd: async () => cache.customResourceDefinitions.get('', HTTPROUTE_CRD),
      });
  const machine = createPhaseMachine();
  const ports: CanaryPorts = {
    decide: (canary, observation) => decide(canary, observation, machine),
    workloads: targetWorkloads(clients, cache, options),
    metrics:
      overrides.metrics ??
      new CanaryMetrics({
        kubeConfig: options.kubeConfig,
        secretReader: readSecret,
        lookupTemplate: (namespace, name) => {
          const template = cache.metricTemplates.get(namespace, name);
          return template && metricTemplateLike(template, name);
        },
        defaultMetricsServer: options.metricsServer,
        defaultMesh: options.mesh,
      }),
    gates: overrides.gates ?? new CanaryGates({ backoff: options.webhookBackoff }),
    notifier: overrides.notifier ?? new CanaryAlerts({ notifier, cluster: options.clusterName, now }),
    events: overrides.events ?? new CanaryEvents({ events: new KubeEventRecorder({ core: clients.core, now: () => new Date(now()), logger: options.logger }), notifier, now }),
    manualRequests: { pending: (canary) => manualRequestsFromAnnotations(canary.metadata.annotations) },
    statusWriter: overrides.statusWriter ?? new CanaryStatusWriter(new StatusSubresourceWriter(clients.custom)),
    now,
  };
  const controller = new CanaryController({
    cache,
    clients,
    ports,
    routers,
    validation,
    clock,
    logger: options.logger,
    metrics: options.metrics,
    flushNotifications: () => notifier.flush(),
    concurrency: options.concurrency,
    canarySelector: options.canarySelector,
  });
  return { controller, clients, cache, clock };
}

/** Deployments and DaemonSets each have their Workloads port; the Canary's finalizer is handled by one. */
function targetWorkloads(clients: KubeClients, cache: ClusterCache, options: ControllerOptions): TargetWorkloads {
  const common = { clients, reader: cache.reader(), logger: options.logger, includeLabelPrefix: options.includeLabelPrefix };
  const deployments = new KubeWorkloads(common);
  return new TargetWorkloads({ deployments, daemonSets: new DaemonSetWorkloads({ ...common, finalizers: deployments }) });
}
