/**
 * The whole system on one machine: the sandbox API server with Kanari's and SMI's CRDs (and, with
 * `router: 'gatewayapi'`, the upstream Gateway API CRDs, the Canaries routing through HTTPRoutes), Kanari's own
 * controller (the code that runs in a cluster), the simulated kubelet running the sample app, the SMI
 * data plane with TrafficMetrics mounted where a cluster serves it, a Slack stand-in, and the
 * health/metrics server. Scenarios drive it only through the Kubernetes API, as a person would.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import { assembleController } from '../controller/assemble.ts';
import type { CanaryController } from '../controller/canary-controller.ts';
import { mergePatchOptions } from '../kube/patch.ts';
import { createLogger } from '../log/logger.ts';
import { InformerCanarySource } from '../dashboard/canary-source.ts';
import { startDashboard, type DashboardServer } from '../dashboard/dashboard-server.ts';
import { createControllerMetrics } from '../server/controller-metrics.ts';
import { startHealthServer, type HealthServer } from '../server/health-server.ts';
import { startApiServer, type SandboxApiServer } from '../sandbox/apiserver/index.ts';
import { startSmiDataPlane, type ApexProxy, type SmiDataPlane } from '../sandbox/dataplane/smi-data-plane.ts';
import { TRAFFIC_METRICS_GROUP, TRAFFIC_METRICS_VERSION } from '../metrics/traffic-metrics-api.ts';
import { TRAFFIC_METRICS_RESOURCES } from '../metrics/traffic-metrics-handler.ts';
import { startSimulatedKubelet, type SimulatedKubelet } from '../sandbox/kubelet/simulated-kubelet.ts';
import { gatewayApiCrds } from '../sandbox/gateway-api-crds.ts';
import { smiCrds } from '../sandbox/smi-crds.ts';
import { crdsFromYaml, installCrds, type CrdDocument, type RawApiTarget } from './raw-crd-install.ts';
import { RolloutRecorder } from './rollout-recorder.ts';
import { startSlackReceiver, type SlackReceiver } from './slack-receiver.ts';

/** The namespace everything runs in: the kubeconfig's default, so kubectl needs no `-n`. */
export const PLAYGROUND_NAMESPACE = 'default';
/** The ServiceAccount the sample app's pods run as (the TrafficTargets' destination). */
export const APP_SERVICE_ACCOUNT = 'podinfo';
/** The ServiceAccount the load generator calls as; a TrafficTarget allows it. */
export const LOAD_SERVICE_ACCOUNT = 'loadtester';
/** The name of the Slack AlertProvider and of its Secret. */
export const SLACK_PROVIDER = 'slack';

/** Options of the world. */
export interface PlaygroundWorldOptions {
  /** Seeds the kubelet's pods, the sample apps' faults and the data plane's weighted choice. */
  seed: number;
  /** Time from pod creation to readiness. */
  startupDelayMs?: number;
  /** Which router the Canaries use: SMI TrafficSplit (default) or Gateway API HTTPRoute (GAMMA, in-mesh). */
  router?: PlaygroundRouter;
}

/** The routers the playground can play its releases through. */
export const PLAYGROUND_ROUTERS = ['smi', 'gatewayapi'] as const;
export type PlaygroundRouter = (typeof PLAYGROUND_ROUTERS)[number];

/** A Deployment's container settings: the sample app reads VERSION, ERROR_RATE and LATENCY_MS. */
export interface AppVersion {
  image: string;
  env: Record<string, string>;
}

/** The running world; always `stop()` it. */
export class PlaygroundWorld {
  readonly server: SandboxApiServer;
  readonly kubeConfig: KubeConfig;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly kubelet: SimulatedKubelet;
  readonly dataPlane: SmiDataPlane;
  readonly controller: CanaryController;
  readonly slack: SlackReceiver;
  readonly health: HealthServer;
  /** The dashboard, with manual actions on (each needs a token: the kubeconfig's). */
  readonly dashboard: DashboardServer;
  readonly recorder: RolloutRecorder;
  /** The router the Canaries use. */
  readonly router: PlaygroundRouter;
  /** A kubeconfig file for kubectl and `kanari status` (owner-only permissions: it holds the token). */
  readonly kubeconfigPath: string;
  readonly #apexes = new Map<string, ApexProxy>();
  readonly #logLines: string[];
  readonly #stops: (() => Promise<void> | void)[];

  private constructor(parts: {
    server: SandboxApiServer; kubelet: SimulatedKubelet; dataPlane: SmiDataPlane; controller: CanaryController; slack: SlackReceiver;
    health: HealthServer; dashboard: DashboardServer; recorder: RolloutRecorder; kubeconfigPath: string; logLines: string[]; stops: (() => Promise<void> | void)[];
    router: PlaygroundRouter;
  }) {
    this.router = parts.router;
    this.server = parts.server;
    this.kubeConfig = parts.server.kubeConfig;
    this.apps = this.kubeConfig.makeApiClient(AppsV1Api);
    this.core = this.kubeConfig.makeApiClient(CoreV1Api);
    this.custom = this.kubeConfig.makeApiClient(CustomObjectsApi);
    this.kubelet = parts.kubelet;
    this.dataPlane = parts.dataPlane;
    this.controller = parts.controller;
    this.slack = parts.slack;
    this.health = parts.health;
    this.dashboard = parts.dashboard;
    this.recorder = parts.recorder;
    this.kubeconfigPath = parts.kubeconfigPath;
    this.#logLines = parts.logLines;
    this.#stops = parts.stops;
  }

  /** Starts every part, in dependency order; on failure, stops what had started. */
  static async start(options: PlaygroundWorldOptions): Promise<PlaygroundWorld> {
    const stops: (() => Promise<void> | void)[] = [];
    try {
      return await PlaygroundWorld.#assemble(options, stops);
    } catch (error) {
      for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
      throw error;
    }
  }

  static async #assemble(options: PlaygroundWorldOptions, stops: (() => Promise<void> | void)[]): Promise<PlaygroundWorld> {
    const server = await startApiServer();
    stops.push(() => server.stop());
    const kubeConfig = server.kubeConfig;
    const target: RawApiTarget = { url: server.url, token: server.token, caData: kubeConfig.getCurrentCluster()?.caData };
    const crdDir = new URL('../../crds/', import.meta.url).pathname;
    const kanariCrds = readdirSync(crdDir).filter((file) => file.endsWith('.yaml')).flatMap((file) => crdsFromYaml(join(crdDir, file)));
    const router = options.router ?? 'smi';
    // The SMI CRDs stay with the Gateway API: TrafficTargets keep access control on, as a mesh's policy would.
    const gatewayCrds = router === 'gatewayapi' ? (gatewayApiCrds('v1.6.1') as CrdDocument[]) : [];
    await installCrds(target, [...kanariCrds, ...(smiCrds() as CrdDocument[]), ...gatewayCrds]);

    const directory = mkdtempSync(join(tmpdir(), 'kanari-playground-'));
    stops.push(() => rmSync(directory, { recursive: true, force: true }));
    const kubeconfigPath = join(directory, 'kubeconfig');
    writeFileSync(kubeconfigPath, server.kubeconfigYaml(), { mode: 0o600 });

    // The controller's JSON log would drown the progress view; it is kept to explain a failure.
    const logLines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write: (chunk, _encoding, done) => {
          logLines.push(...String(chunk).split('\n').filter(Boolean));
          if (logLines.length > 400) logLines.splice(0, logLines.length - 400);
          done();
        },
      }),
    });

    const kubelet = await startSimulatedKubelet({ kubeConfig, seed: options.seed, startupDelayMs: options.startupDelayMs ?? 200, logger });
    stops.push(() => kubelet.stop());
    const dataPlane = await startSmiDataPlane({ kubeConfig, endpoints: kubelet.endpoints, seed: options.seed, accessControl: true, logger, gatewayApi: router === 'gatewayapi' });
    stops.push(() => dataPlane.stop());
    const unmount = server.mountAggregatedApi(
      TRAFFIC_METRICS_GROUP,
      TRAFFIC_METRICS_VERSION,
      TRAFFIC_METRICS_RESOURCES,
      (req, res) => dataPlane.trafficMetricsHandler(req, res),
    );
    stops.push(unmount);
    await dataPlane.synced();

    const slack = await startSlackReceiver();
    stops.push(() => slack.stop());
    const recorder = await RolloutRecorder.start(kubeConfig, PLAYGROUND_NAMESPACE, { routes: router === 'gatewayapi' ? 'httproutes' : 'trafficsplits' });
    stops.push(() => recorder.stop());

    const metrics = createControllerMetrics();
    const controller = assembleController({
      kubeConfig,
      logger,
      metrics,
      namespaces: [PLAYGROUND_NAMESPACE],
      clusterName: 'playground',
      webhookBackoff: { baseMs: 50, maxMs: 500 },
    }).controller;
    await controller.start();
    stops.push(() => controller.stop());
    const health = await startHealthServer({ registry: metrics.registry, readiness: controller.readiness() });
    stops.push(() => health.close());
    const canaries = new InformerCanarySource({ kubeConfig, namespaces: [PLAYGROUND_NAMESPACE], logger });
    await canaries.start();
    stops.push(() => canaries.stop());
    const dashboard = await startDashboard({ kubeConfig, source: canaries, actions: true, namespaces: [PLAYGROUND_NAMESPACE], title: 'playground', logger });
    stops.push(() => dashboard.close());

    const world = new PlaygroundWorld({ server, kubelet, dataPlane, controller, slack, health, dashboard, recorder, kubeconfigPath, logLines, stops, router });
    await world.#installMeshPolicy();
    return world;
  }

  /** The last lines the controller logged, to show when something went wrong. */
  controllerLog(lines = 20): string[] {
    return this.#logLines.slice(-lines);
  }

  /** The apex proxy of an app: where its users' requests enter the mesh. */
  async apex(app: string): Promise<ApexProxy> {
    let proxy = this.#apexes.get(app);
    if (!proxy) {
      proxy = await this.dataPlane.addApex(PLAYGROUND_NAMESPACE, app);
      this.#apexes.set(app, proxy);
    }
    return proxy;
  }

  /** Creates the app's Deployment (two replicas of the sample app unless told) and its Canary. */
  async deploy(app: string, version: AppVersion, analysis: Canary['spec']['analysis'], replicas = 2): Promise<void> {
    await this.apps.createNamespacedDeployment({
      namespace: PLAYGROUND_NAMESPACE,
      body: {
        metadata: { name: app, labels: { app } },
        spec: {
          replicas,
          selector: { matchLabels: { app } },
          template: {
            metadata: { labels: { app } },
            spec: {
              serviceAccountName: APP_SERVICE_ACCOUNT,
              containers: [{ name: 'app', image: version.image, ports: [{ name: 'http', containerPort: 9898 }], env: envList(version.env) }],
            },
          },
        },
      },
    });
    const canary: Canary = {
      apiVersion: `${API_GROUP}/${API_VERSION}`,
      kind: 'Canary',
      metadata: { name: app, namespace: PLAYGROUND_NAMESPACE },
      spec: { ...(this.router === 'gatewayapi' ? { provider: 'gatewayapi' } : {}), targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app }, service: { port: 9898 }, analysis },
    };
    await this.custom.createNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: PLAYGROUND_NAMESPACE, plural: 'canaries', body: canary });
  }

  /** Ships a new version of an app: what `kubectl set image` plus `kubectl set env` do to the Deployment. */
  async ship(app: string, version: AppVersion): Promise<void> {
    const current = await this.apps.readNamespacedDeployment({ name: app, namespace: PLAYGROUND_NAMESPACE });
    const containers = (current.spec?.template.spec?.containers ?? []).map((c) => ({ ...c, image: version.image, env: envList(version.env) }));
    await this.apps.patchNamespacedDeployment(
      { name: app, namespace: PLAYGROUND_NAMESPACE, body: { spec: { template: { spec: { containers } } } } },
      mergePatchOptions(),
    );
  }

  /** The Canary as stored now. */
  async canary(app: string): Promise<Canary> {
    return (await this.custom.getNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: PLAYGROUND_NAMESPACE, plural: 'canaries', name: app })) as Canary;
  }

  /** Creates (or replaces) a TrafficTarget letting `source` call the app's pods on every GET route. */
  async allow(name: string, source: string): Promise<void> {
    const body = {
      apiVersion: 'access.smi-spec.io/v1alpha3',
      kind: 'TrafficTarget',
      metadata: { name, namespace: PLAYGROUND_NAMESPACE },
      spec: {
        destination: { kind: 'ServiceAccount', name: APP_SERVICE_ACCOUNT, namespace: PLAYGROUND_NAMESPACE },
        sources: [{ kind: 'ServiceAccount', name: source, namespace: PLAYGROUND_NAMESPACE }],
        rules: [{ kind: 'HTTPRouteGroup', name: 'podinfo-api', matches: ['everything'] }],
      },
    };
    await this.custom.deleteNamespacedCustomObject({ group: 'access.smi-spec.io', version: 'v1alpha3', namespace: PLAYGROUND_NAMESPACE, plural: 'traffictargets', name }).catch(() => undefined);
    await this.custom.createNamespacedCustomObject({ group: 'access.smi-spec.io', version: 'v1alpha3', namespace: PLAYGROUND_NAMESPACE, plural: 'traffictargets', body });
  }

  /** Removes a TrafficTarget; traffic it allowed is denied again. */
  async disallow(name: string): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({ group: 'access.smi-spec.io', version: 'v1alpha3', namespace: PLAYGROUND_NAMESPACE, plural: 'traffictargets', name });
  }

  /** Stops every part, the controller first so nothing acts on a half-stopped world. */
  async stop(): Promise<void> {
    for (const stop of [...this.#stops].reverse()) await Promise.resolve(stop()).catch(() => undefined);
  }

  // Access control is on from the start, as in a mesh that denies by default: the Slack provider,
  // the route group every TrafficTarget names, and the load generator's own permission.
  async #installMeshPolicy(): Promise<void> {
    const namespace = PLAYGROUND_NAMESPACE;
    for (const name of [APP_SERVICE_ACCOUNT, LOAD_SERVICE_ACCOUNT]) {
      await this.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }).catch(() => undefined);
    }
    await this.core.createNamespacedSecret({ namespace, body: { metadata: { name: SLACK_PROVIDER }, stringData: { address: this.slack.url } } });
    await this.custom.createNamespacedCustomObject({
      group: API_GROUP, version: API_VERSION, namespace, plural: 'alertproviders',
      body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'AlertProvider', metadata: { name: SLACK_PROVIDER, namespace }, spec: { type: 'slack', channel: '#releases', username: 'kanari', secretRef: { name: SLACK_PROVIDER } } },
    });
    await this.custom.createNamespacedCustomObject({
      group: 'specs.smi-spec.io', version: 'v1alpha4', namespace, plural: 'httproutegroups',
      body: { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'HTTPRouteGroup', metadata: { name: 'podinfo-api', namespace }, spec: { matches: [{ name: 'everything', methods: ['GET'], pathRegex: '/.*' }] } },
    });
    await this.allow('loadtester-to-podinfo', LOAD_SERVICE_ACCOUNT);
  }
}

function envList(env: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
