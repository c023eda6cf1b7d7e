import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type V1Deployment } from '@kubernetes/client-node';
import { CANARY_API_VERSION, type Canary, type CanarySpec } from '../../../src/api/canary.ts';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { assembleController, type ControllerOptions } from '../../../src/controller/assemble.ts';
import type { CanaryController } from '../../../src/controller/canary-controller.ts';
import { ResilientInformer } from '../../../src/kube/informer.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { formatQuantity, tryParseQuantity } from '../../../src/metrics/quantity.ts';
import { TRAFFIC_METRICS_RESOURCES } from '../../../src/metrics/traffic-metrics-handler.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { createControllerMetrics, type ControllerMetrics } from '../../../src/server/controller-metrics.ts';
import { DeploymentControllerSim } from '../../helpers/deployment-controller.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

/** What the scripted TrafficMetrics API answers for one Deployment. */
export type TrafficScript =
  | { kind: 'metrics'; success: number; failure: number; p99Ms: number }
  | { kind: 'no-series' }
  | { kind: 'zero-requests' };

export const NAMESPACE = 'test';

/**
 * The engine's integration world: the sandbox API server with Kanari's and SMI's CRDs, a stand-in for
 * the deployment controller, a scripted TrafficMetrics API mounted where a real one would be, and the
 * real controller — all through client-node, nothing mocked.
 */
export class EngineHarness {
  readonly sandbox: Sandbox;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly deployments: DeploymentControllerSim;
  readonly traffic = new Map<string, TrafficScript>();
  /** Every distinct canary weight the TrafficSplit took, in order. */
  readonly weightHistory: number[] = [];
  /** The same, per TrafficSplit name, for tests that run several Canaries side by side. */
  readonly weightHistories = new Map<string, number[]>();
  /** The TrafficSplit version the history is recorded from: the newest one the cluster serves. */
  splitVersion = 'v1alpha4';
  /** Every distinct Canary phase seen, in order. */
  readonly phaseHistory: string[] = [];
  readonly logLines: string[] = [];
  controller?: CanaryController;
  /** The running controller's Prometheus metrics (its reconcile count tells that ticks happen). */
  controllerMetrics?: ControllerMetrics;
  #watchers: ResilientInformer<never>[] = [];

  private constructor(sandbox: Sandbox) {
    this.sandbox = sandbox;
    this.apps = sandbox.kubeConfig.makeApiClient(AppsV1Api);
    this.core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
    this.custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
    this.deployments = new DeploymentControllerSim({ kubeConfig: sandbox.kubeConfig, delayMs: 20 });
  }

  /** Starts the world; `split` picks the TrafficSplit versions the cluster serves (all by default). */
  static async start(options: { split?: string[]; trafficMetrics?: boolean } = {}): Promise<EngineHarness> {
    const sandbox = await startSandbox({ namespaces: [NAMESPACE] });
    const harness = new EngineHarness(sandbox);
    const served = options.split ?? ['v1alpha4'];
    harness.splitVersion = ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'].find((v) => served.includes(v)) ?? 'v1alpha4';
    const crdDir = new URL('../../../crds/', import.meta.url).pathname;
    await sandbox.installCrds(...readdirSync(crdDir).map((file) => `${crdDir}${file}`));
    await sandbox.installCrds(...(smiCrds({ split: options.split }) as never[]));
    if (options.trafficMetrics !== false) {
      sandbox.server.mountAggregatedApi('metrics.smi-spec.io', 'v1alpha1', TRAFFIC_METRICS_RESOURCES, (req, res, path) => harness.#serveTrafficMetrics(req, res, path));
    }
    await harness.deployments.start();
    await harness.#recordHistory();
    return harness;
  }

  /** Starts a controller (a second call after `stopController` is a restart). */
  async startController(options: Partial<ControllerOptions> = {}): Promise<CanaryController> {
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write: (chunk, _enc, done) => {
          this.logLines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      }),
    });
    this.controllerMetrics = options.metrics ?? createControllerMetrics();
    this.controller = assembleController({
      kubeConfig: this.sandbox.kubeConfig,
      logger,
      metrics: this.controllerMetrics,
      namespaces: [NAMESPACE],
      webhookBackoff: { baseMs: 10, maxMs: 50 },
      informer: { relistIntervalMs: 0, watchdogMs: 0 },
      ...options,
    }).controller;
    await this.controller.start();
    return this.controller;
  }

  async stopController(): Promise<void> {
    await this.controller?.stop();
    this.controller = undefined;
  }

  async stop(): Promise<void> {
    await this.stopController();
    await Promise.all(this.#watchers.map((w) => w.stop()));
    await this.deployments.stop();
    await this.sandbox.stop();
  }

  /** Creates the target Deployment `name` with one container; env entries become its environment. */
  async createDeployment(name: string, image: string, env: Record<string, string> = {}, replicas = 2): Promise<void> {
    const body: V1Deployment = {
      metadata: { name, namespace: NAMESPACE, labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 9898 }], env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })) }] },
        },
      },
    };
    await this.apps.createNamespacedDeployment({ namespace: NAMESPACE, body });
  }

  /** Ships a new version: changes the target's container image (as `kubectl set image` does). */
  async setImage(name: string, image: string): Promise<void> {
    const current = await this.apps.readNamespacedDeployment({ name, namespace: NAMESPACE });
    const containers = current.spec!.template.spec!.containers.map((c) => ({ ...c, image }));
    await this.apps.patchNamespacedDeployment(
      { name, namespace: NAMESPACE, body: { spec: { template: { spec: { containers } } } } },
      mergePatchOptions(),
    );
  }

  /** Creates a Canary for Deployment `name` with the given analysis (and other spec fields). */
  async createCanary(name: string, spec: Partial<CanarySpec> & { analysis: CanarySpec['analysis'] }): Promise<void> {
    const body: Canary = {
      apiVersion: CANARY_API_VERSION,
      kind: 'Canary',
      metadata: { name, namespace: NAMESPACE },
      spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, service: { port: 9898 }, ...spec },
    };
    await this.custom.createNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', body });
  }

  async canary(name: string): Promise<Canary> {
    return (await this.custom.getNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name })) as Canary;
  }

  async status(name: string): Promise<CanaryStatus> {
    return (await this.canary(name)).status ?? {};
  }

  /** Polls until `predicate` holds for the Canary's status, or fails naming what it last saw. */
  async waitForStatus(name: string, predicate: (status: CanaryStatus) => boolean, what: string, timeoutMs = 20_000): Promise<CanaryStatus> {
    const deadline = Date.now() + timeoutMs;
    let last: CanaryStatus = {};
    while (Date.now() < deadline) {
      last = await this.status(name);
      if (predicate(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last)}\nphases: ${this.phaseHistory.join(' → ')}`);
  }

  waitForPhase(name: string, phase: string, timeoutMs?: number): Promise<CanaryStatus> {
    return this.waitForStatus(name, (s) => s.phase === phase, `phase ${phase}`, timeoutMs);
  }

  /** Events recorded on the Canary, as "Reason: message" lines. */
  async events(name: string): Promise<string[]> {
    const list = await this.core.listNamespacedEvent({ namespace: NAMESPACE });
    return list.items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Canary').map((e) => `${e.reason}: ${e.message}`);
  }

  /** Canary weights of one TrafficSplit (by name), distinct and in order. */
  weightHistoryOf(split: string): number[] {
    return this.weightHistories.get(split) ?? [];
  }

  /** The TrafficSplit `name` as stored, read through the version the history is recorded from. */
  async readSplit(name: string): Promise<{ apiVersion?: string; spec: { service?: string; backends: { service: string; weight: number | string }[]; matches?: { kind: string; name: string }[] } }> {
    return (await this.custom.getNamespacedCustomObject({ group: 'split.smi-spec.io', version: this.splitVersion, namespace: NAMESPACE, plural: 'trafficsplits', name })) as never;
  }

  /** Merge-patches the Canary's spec or metadata, as `kubectl patch --type merge` does. */
  async patchCanary(name: string, body: object): Promise<void> {
    await this.custom.patchNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name, body }, mergePatchOptions());
  }

  /** How many reconcile ticks the running controller has finished for Canary `name`. */
  async ticks(name: string): Promise<number> {
    const histogram = await this.controllerMetrics?.duration.get();
    const count = histogram?.values.find((v) => v.metricName === 'kanari_canary_duration_seconds_count' && v.labels.name === name);
    return count?.value ?? 0;
  }

  /** Waits until the controller has reconciled Canary `name` `n` more times: the way to show that nothing moves. */
  async waitForTicks(name: string, n: number, timeoutMs = 20_000): Promise<void> {
    const target = (await this.ticks(name)) + n;
    await this.waitFor(async () => (await this.ticks(name)) >= target, `${n} more ticks of ${name}`, timeoutMs);
  }

  /** Polls until `check` resolves true, or fails naming `what`. */
  async waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}\nphases: ${this.phaseHistory.join(' → ')}\nweights: ${this.weightHistory.join(', ')}`);
  }

  /** How many times Events with `reason` were recorded on the Canary (the recorder aggregates repeats into a count). */
  async eventCount(name: string, reason: string): Promise<number> {
    const list = await this.core.listNamespacedEvent({ namespace: NAMESPACE });
    return list.items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Canary' && e.reason === reason).reduce((sum, e) => sum + (e.count ?? 1), 0);
  }

  async #recordHistory(): Promise<void> {
    const kubeConfig = this.sandbox.kubeConfig;
    const version = this.splitVersion;
    const splits = new ResilientInformer<never>({
      kubeConfig,
      path: `/apis/split.smi-spec.io/${version}/namespaces/${NAMESPACE}/trafficsplits`,
      list: () => this.custom.listNamespacedCustomObject({ group: 'split.smi-spec.io', version, namespace: NAMESPACE, plural: 'trafficsplits' }) as never,
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    splits.onEvent((type, split: { metadata?: { name?: string }; spec?: { backends?: { service: string; weight: number | string }[] } }) => {
      if (type === 'delete') return;
      const canary = split.spec?.backends?.find((b) => b.service.endsWith('-canary'));
      // v1alpha1 weights are Quantities ("10", "500m"); a weight that does not parse shows up as NaN.
      const weight = tryParseQuantity(canary?.weight ?? 0) ?? Number.NaN;
      if (this.weightHistory.at(-1) !== weight) this.weightHistory.push(weight);
      const name = split.metadata?.name ?? '';
      const own = this.weightHistories.get(name) ?? [];
      if (own.at(-1) !== weight) own.push(weight);
      this.weightHistories.set(name, own);
    });
    const canaries = new ResilientInformer<never>({
      kubeConfig,
      path: `/apis/kanari.dev/v1alpha1/namespaces/${NAMESPACE}/canaries`,
      list: () => this.custom.listNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries' }) as never,
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    canaries.onEvent((type, canary: Canary) => {
      const phase = canary.status?.phase;
      if (type !== 'delete' && phase && this.phaseHistory.at(-1) !== phase) this.phaseHistory.push(phase);
    });
    this.#watchers = [splits, canaries];
    // The TrafficSplit CRD may serve only older versions in some tests; history then stays empty.
    await Promise.race([Promise.all(this.#watchers.map((w) => w.start())), new Promise((resolve) => setTimeout(resolve, 1000))]);
  }

  #serveTrafficMetrics(_req: IncomingMessage, res: ServerResponse, path: string): void {
    const match = /^\/namespaces\/([^/]+)\/deployments\/([^/?]+)/.exec(path);
    const script = match ? this.traffic.get(match[2]) : undefined;
    const reply = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!match || !script || script.kind === 'no-series') return reply(500, { error: 'unable to lookup metrics' });
    const [success, failure, p99] = script.kind === 'zero-requests' ? [0, 0, 0] : [script.success, script.failure, script.p99Ms];
    const metric = (name: string, value: number, unit?: string) => ({ name, ...(unit ? { unit } : {}), value: formatQuantity(value) });
    reply(200, {
      kind: 'TrafficMetrics',
      apiVersion: 'metrics.smi-spec.io/v1alpha1',
      metadata: { name: match[2], namespace: match[1], creationTimestamp: new Date().toISOString() },
      timestamp: new Date().toISOString(),
      window: '30s',
      resource: { kind: 'Deployment', namespace: match[1], name: match[2] },
      edge: { direction: 'from', resource: null },
      metrics: [
        metric('p99_response_latency', p99, 'ms'),
        metric('p90_response_latency', p99 * 0.9, 'ms'),
        metric('p50_response_latency', p99 * 0.5, 'ms'),
        metric('success_count', success),
        metric('failure_count', failure),
      ],
    });
  }
}

/** The analysis most tests use: 300 ms ticks, steps of 20 up to 60, two failed checks allowed. */
export function quickAnalysis(overrides: Partial<CanarySpec['analysis']> = {}): CanarySpec['analysis'] {
  return {
    interval: '300ms',
    threshold: 2,
    stepWeight: 20,
    maxWeight: 60,
    metrics: [
      { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } },
      { name: 'request-duration', interval: '1m', thresholdRange: { max: 500 } },
    ],
    ...overrides,
  };
}
