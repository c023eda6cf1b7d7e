// The world the controller benchmarks run against, assembled the way the engine's integration harness
// does it: the sandbox API server with Kanari's and SMI's CRDs, the sandbox's deployment controller, and a
// TrafficMetrics API that answers healthy figures for every Deployment. The controller is not part of it:
// the reaction bench runs one in this process, the scale bench in a child process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync } from 'node:fs';
import { AppsV1Api, CustomObjectsApi, type V1Deployment } from '@kubernetes/client-node';
import { CANARY_API_VERSION, type Canary, type CanarySpec } from '../src/api/canary.ts';
import { ResilientInformer } from '../src/kube/informer.ts';
import { mergePatchOptions } from '../src/kube/patch.ts';
import { formatQuantity } from '../src/metrics/quantity.ts';
import { TRAFFIC_METRICS_RESOURCES } from '../src/metrics/traffic-metrics-handler.ts';
import { startDeploymentController, type DeploymentController } from '../src/sandbox/kubelet/deployment-controller.ts';
import { smiCrds } from '../src/sandbox/smi-crds.ts';
import { eventually } from '../test/helpers/eventually.ts';
import { startSandbox, type Sandbox } from '../test/helpers/sandbox.ts';

export const NAMESPACE = 'bench';

/** A TrafficSplit as the bench reads it (v1alpha4: integer weights). */
export interface SplitView {
  metadata?: { name?: string };
  spec?: { backends?: { service: string; weight: number | string }[] };
}

/** The sandbox cluster a controller under test talks to. */
export class BenchWorld {
  readonly sandbox: Sandbox;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
  /** Plays Kubernetes' deployment controller (status only: no Pod objects, no servers). */
  deployments!: DeploymentController;
  /** How many TrafficMetrics requests the scripted API answered: the server counts them as `get deployments`, so this tells them apart. */
  metricsRequests = 0;
  /** False: the TrafficMetrics API answers 503, as the aggregator does when the metrics server behind it is down. */
  metricsAvailable = true;
  #informers: ResilientInformer<never>[] = [];

  private constructor(sandbox: Sandbox) {
    this.sandbox = sandbox;
    this.apps = sandbox.kubeConfig.makeApiClient(AppsV1Api);
    this.custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /**
   * Starts the sandbox. `podDelayMs` is how long simulated pods take to become ready after a Deployment
   * changes; it is part of any reaction time measured, so benches say what they used. `https` for
   * benches that run kubectl, which sends no token over plain HTTP.
   */
  static async start(options: { podDelayMs?: number; https?: boolean } = {}): Promise<BenchWorld> {
    // A long watch history: thousands of objects changing at once must not push informers into 410 relists.
    const sandbox = await startSandbox({ namespaces: [NAMESPACE], historySize: 200_000, https: options.https ?? false });
    const world = new BenchWorld(sandbox);
    const crdDir = new URL('../crds/', import.meta.url).pathname;
    await sandbox.installCrds(...readdirSync(crdDir).map((file) => `${crdDir}${file}`));
    await sandbox.installCrds(...(smiCrds({}) as never[]));
    sandbox.server.mountAggregatedApi('metrics.smi-spec.io', 'v1alpha1', TRAFFIC_METRICS_RESOURCES, (req, res, path) => world.#serveTrafficMetrics(req, res, path));
    world.deployments = await startDeploymentController({ kubeConfig: sandbox.kubeConfig, namespace: NAMESPACE, startupDelayMs: options.podDelayMs ?? 0 });
    return world;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers.map((informer) => informer.stop()));
    await this.deployments.stop();
    await this.sandbox.stop();
  }

  /** Creates target Deployment `name` (2 replicas, one container) and its Canary with `analysis`. */
  async createApp(name: string, analysis: CanarySpec['analysis']): Promise<void> {
    const labels = { app: name };
    const deployment: V1Deployment = {
      metadata: { name, namespace: NAMESPACE, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'podinfo:6.0.0', ports: [{ name: 'http', containerPort: 9898 }] }] } },
      },
    };
    await this.apps.createNamespacedDeployment({ namespace: NAMESPACE, body: deployment });
    const canary: Canary = {
      apiVersion: CANARY_API_VERSION,
      kind: 'Canary',
      metadata: { name, namespace: NAMESPACE },
      spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, service: { port: 9898 }, analysis },
    };
    await this.custom.createNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', body: canary });
  }

  /** Creates `names.length` apps with `parallel` requests in flight (the sandbox is in this process). */
  async createApps(names: string[], analysis: CanarySpec['analysis'], parallel = 16): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: parallel }, async () => {
      while (next < names.length) await this.createApp(names[next++], analysis);
    }));
  }

  /** Ships a new version of `name` by changing its container image, as `kubectl set image` does. */
  async setImage(name: string, image: string): Promise<void> {
    const containers = [{ name: 'app', image, ports: [{ name: 'http', containerPort: 9898 }] }];
    await this.apps.patchNamespacedDeployment({ name, namespace: NAMESPACE, body: { spec: { template: { spec: { containers } } } } }, mergePatchOptions());
  }

  /** Watches Canaries in the bench namespace; the informer's cache answers `get`. */
  async watchCanaries(listener: (type: string, canary: Canary) => void): Promise<ResilientInformer<Canary>> {
    return this.#watch<Canary>('kanari.dev', 'v1alpha1', 'canaries', listener);
  }

  /** Watches TrafficSplits (v1alpha4) in the bench namespace. */
  async watchSplits(listener: (type: string, split: SplitView) => void): Promise<ResilientInformer<SplitView>> {
    return this.#watch<SplitView>('split.smi-spec.io', 'v1alpha4', 'trafficsplits', listener);
  }

  async #watch<T extends object>(group: string, version: string, plural: string, listener: (type: string, obj: T) => void): Promise<ResilientInformer<T>> {
    const informer = new ResilientInformer<never>({
      kubeConfig: this.sandbox.kubeConfig,
      path: `/apis/${group}/${version}/namespaces/${NAMESPACE}/${plural}`,
      list: () => this.custom.listNamespacedCustomObject({ group, version, namespace: NAMESPACE, plural }) as never,
      name: `bench ${plural}`,
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    informer.onEvent(listener as never);
    this.#informers.push(informer);
    await informer.start();
    return informer as unknown as ResilientInformer<T>;
  }

  // Healthy figures for every Deployment, so every check passes and runs keep stepping.
  #serveTrafficMetrics(_req: IncomingMessage, res: ServerResponse, path: string): void {
    this.metricsRequests++;
    if (!this.metricsAvailable) return void res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'ServiceUnavailable', code: 503 }));
    const match = /^\/namespaces\/([^/]+)\/deployments\/([^/?]+)/.exec(path);
    if (!match) return void res.writeHead(404).end();
    const metric = (name: string, value: number, unit?: string) => ({ name, ...(unit ? { unit } : {}), value: formatQuantity(value) });
    const now = new Date().toISOString();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      kind: 'TrafficMetrics',
      apiVersion: 'metrics.smi-spec.io/v1alpha1',
      metadata: { name: match[2], namespace: match[1], creationTimestamp: now },
      timestamp: now,
      window: '30s',
      resource: { kind: 'Deployment', namespace: match[1], name: match[2] },
      edge: { direction: 'from', resource: null },
      metrics: [
        metric('p99_response_latency', 120, 'ms'),
        metric('p90_response_latency', 100, 'ms'),
        metric('p50_response_latency', 50, 'ms'),
        metric('success_count', 995),
        metric('failure_count', 1),
      ],
    }));
  }
}

/** The canary weight a TrafficSplit gives `<name>-canary`, or 0. */
export function canaryWeight(split: SplitView): number {
  const backend = split.spec?.backends?.find((b) => b.service.endsWith('-canary'));
  return Number(backend?.weight ?? 0);
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Polls `check` until it holds, or throws naming `what` after `timeoutMs` (the tests' one polling helper). */
export async function waitUntil(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  await eventually(what, check, { timeoutMs });
}

/** `n` app names, zero-padded so they sort. */
export function appNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
}
