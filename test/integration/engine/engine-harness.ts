import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type V1Deployment } from '@kubernetes/client-node';
import { CANARY_API_VERSION, type Canary, type CanarySpec } from '../../../src/api/canary.ts';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { Duration } from '../../../src/api/duration.ts';
import { baselineName, primaryName } from '../../../src/api/names.ts';
import { assembleController, type ControllerOptions } from '../../../src/controller/assemble.ts';
import type { CanaryController } from '../../../src/controller/canary-controller.ts';
import type { RunningController } from '../../../src/controller/run-controller.ts';
import { isNotFound } from '../../../src/kube/api-errors.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { TRAFFIC_METRICS_RESOURCES } from '../../../src/metrics/traffic-metrics-handler.ts';
import { startDaemonSetController, type DaemonSetController } from '../../../src/sandbox/kubelet/daemonset-controller.ts';
import { startDeploymentController, type DeploymentController } from '../../../src/sandbox/kubelet/deployment-controller.ts';
import { startGatewayApiPlane, type GatewayApiPlane } from '../../../src/sandbox/dataplane/gateway-api-plane.ts';
import { gatewayApiCrds, type GatewayApiVersion } from '../../../src/sandbox/gateway-api-crds.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { createControllerMetrics, type ControllerMetrics } from '../../../src/server/controller-metrics.ts';
import { deploymentReadiness, observeDeployment } from '../../../src/workload/readiness.ts';
import { eventually } from '../../helpers/eventually.ts';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.ts';
import { FakeClock } from '../../../src/time/clock.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { serveScriptedTrafficMetrics, type TrafficScript } from './scripted-traffic-metrics.ts';

export const NAMESPACE = 'test';
/** Where the fake clock starts: a Monday morning. */
export const START = Date.parse('2026-03-02T10:00:00Z');

/**
 * The engine's integration world: the sandbox API server with Kanari's and SMI's CRDs, the sandbox's
 * deployment controller, a scripted TrafficMetrics API mounted where a real one would be, and the real
 * controller — all through client-node, nothing mocked. The controller and the deployment controller run
 * on one fake clock: analysis intervals pass only when a test advances it, so nothing depends on how
 * fast the machine is. Watch events (a new revision, pods becoming ready, an annotation) still make the
 * controller act at once, as in a cluster.
 */
export class EngineHarness {
  readonly sandbox: Sandbox;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly clock = new FakeClock(START);
  /** Plays Kubernetes' deployment controller: new pods are ready at once unless held. */
  deployments!: DeploymentController;
  /** Plays the DaemonSet controller for DaemonSet targets: pods on the sandbox's nodes, ready at once. */
  daemonSets!: DaemonSetController;
  readonly traffic = new Map<string, TrafficScript>();
  /** The TrafficSplit version the history is recorded from: the newest one the cluster serves. */
  splitVersion = 'v1alpha4';
  /** What the TrafficSplits and Canaries of the namespace went through. */
  history!: HistoryRecorder;
  readonly logLines: string[] = [];
  controller?: CanaryController;
  readonly #receivers: HttpReceiver[] = [];
  /** The running controller's Prometheus metrics (its reconcile count tells that ticks happen). */
  controllerMetrics?: ControllerMetrics;
  /** Counts ticks of controllers the harness did not start (see `countTicksOf`); replaces `controllerMetrics`. */
  tickCounter?: (name: string) => Promise<number>;

  private constructor(sandbox: Sandbox) {
    this.sandbox = sandbox;
    this.apps = sandbox.kubeConfig.makeApiClient(AppsV1Api);
    this.core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
    this.custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** The Gateway API side of the sandbox data plane: answers in HTTPRoute statuses (with `gatewayApi`). */
  gatewayPlane?: GatewayApiPlane;

  /**
   * Starts the world; `split` picks the TrafficSplit versions the cluster serves (all by default);
   * `gatewayApi` installs a Gateway API release (serving the given HTTPRoute versions) and runs the
   * data plane's route status writer, as a mesh implementing GAMMA would; `https` for kubectl, which
   * sends no token over plain HTTP.
   */
  static async start(
    options: { split?: string[]; trafficMetrics?: boolean; gatewayApi?: { release: GatewayApiVersion; served?: string[] }; https?: boolean } = {},
  ): Promise<EngineHarness> {
    const sandbox = await startSandbox({ namespaces: [NAMESPACE], https: options.https ?? false });
    const harness = new EngineHarness(sandbox);
    const served = options.split ?? ['v1alpha4'];
    harness.splitVersion = ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'].find((v) => served.includes(v)) ?? 'v1alpha4';
    const crdDir = new URL('../../../crds/', import.meta.url).pathname;
    await sandbox.installCrds(...readdirSync(crdDir).map((file) => `${crdDir}${file}`));
    await sandbox.installCrds(...(smiCrds({ split: options.split }) as never[]));
    if (options.trafficMetrics !== false) {
      sandbox.server.mountAggregatedApi('metrics.smi-spec.io', 'v1alpha1', TRAFFIC_METRICS_RESOURCES, (_req, res, path) => serveScriptedTrafficMetrics(harness.traffic, res, path));
    }
    if (options.gatewayApi) {
      await sandbox.installCrds(...(gatewayApiCrds(options.gatewayApi.release, { served: options.gatewayApi.served }) as never[]));
      harness.gatewayPlane = startGatewayApiPlane({ kubeConfig: sandbox.kubeConfig, draw: () => 0.5 });
      await harness.gatewayPlane.ready;
    }
    harness.deployments = await startDeploymentController({ kubeConfig: sandbox.kubeConfig, namespace: NAMESPACE, startupDelayMs: 0, clock: harness.clock });
    harness.daemonSets = await startDaemonSetController({ kubeConfig: sandbox.kubeConfig, namespace: NAMESPACE, startupDelayMs: 0, clock: harness.clock });
    harness.history = new HistoryRecorder({ kubeConfig: sandbox.kubeConfig, custom: harness.custom, namespace: NAMESPACE, splitVersion: harness.splitVersion, splitsServed: served.length > 0 });
    await harness.history.start();
    return harness;
  }

  /** Starts a controller on the harness's fake clock (a second call after `stopController` is a restart). */
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
      clock: this.clock,
      ...options,
    }).controller;
    await this.controller.start();
    return this.controller;
  }

  async stopController(): Promise<void> {
    await this.controller?.stop();
    this.controller = undefined;
  }

  /** An HTTP receiver on loopback (a webhook, Slack) that stop() closes. */
  async receiver(): Promise<HttpReceiver> {
    const receiver = await startHttpReceiver();
    this.#receivers.push(receiver);
    return receiver;
  }

  async stop(): Promise<void> {
    // Receivers first: closing a hook that never answers ends the tick waiting on it, so the stop is quick.
    await Promise.all(this.#receivers.splice(0).map((r) => r.close()));
    await this.stopController();
    await this.history.stop();
    await this.gatewayPlane?.stop();
    await this.deployments.stop();
    await this.daemonSets.stop();
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

  /**
   * A Deployment and Canary `name` at revision `name:1`, initialized (the controller started if it is
   * not running), then shipped `name:2`; `beforeShip` runs just before the new revision, e.g. to set traffic.
   */
  async ship(name: string, spec: Parameters<EngineHarness['createCanary']>[1], beforeShip?: () => void): Promise<void> {
    await this.createDeployment(name, `${name}:1`);
    await this.createCanary(name, spec);
    if (!this.controller) await this.startController();
    await this.waitForPhase(name, 'Initialized');
    beforeShip?.();
    await this.setImage(name, `${name}:2`);
  }

  async canary(name: string): Promise<Canary> {
    return (await this.custom.getNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name })) as Canary;
  }

  async status(name: string): Promise<CanaryStatus> {
    return (await this.canary(name)).status ?? {};
  }

  /** Polls until `predicate` holds for the Canary's status (without moving the clock). */
  async waitForStatus(name: string, predicate: (status: CanaryStatus) => boolean, what: string): Promise<CanaryStatus> {
    let last: CanaryStatus = {};
    return eventually(
      `${name}: ${what}`,
      async () => {
        last = await this.status(name);
        return predicate(last) && last;
      },
      { lastSeen: () => `status ${JSON.stringify(last)}; ${this.histories()}` },
    );
  }

  waitForPhase(name: string, phase: string): Promise<CanaryStatus> {
    return this.waitForStatus(name, (s) => s.phase === phase, `phase ${phase}`);
  }

  /** The phases and weights seen so far, for failure messages. */
  histories(): string {
    return `phases: ${this.phaseHistory.join(' → ')}; weights: ${this.weightHistory.join(', ')}`;
  }

  /** The Canary's analysis interval in milliseconds. */
  async intervalOf(name: string): Promise<number> {
    const canary = await eventually(`a read of ${name}`, () => this.canary(name));
    return Duration.parse(canary.spec.analysis.interval ?? '1m').milliseconds;
  }

  /**
   * Moves the fake clock one analysis interval of `name` at a time, `n` times, each time waiting until
   * the controller has finished a tick of `name` (or `stop` holds): the way to show that nothing moves
   * while time passes, and the way to let one analysis step happen.
   */
  async passIntervals(name: string, n = 1, stop: () => Promise<boolean> = async () => false): Promise<void> {
    const interval = await this.intervalOf(name);
    for (let i = 0; i < n; i++) {
      await this.settle();
      // Counted from a moment with no tick of `name` waiting or running: a tick some watch event started
      // earlier, ending after the clock moved, would otherwise pass for the interval's tick, and the
      // next interval would pass while that one is still under way.
      await eventually(`no tick of ${name} under way`, async () => !this.controller?.busy(NAMESPACE, name));
      const before = await this.ticks(name);
      this.clock.advance(interval);
      await eventually(`a tick of ${name} after the clock moved ${interval} ms`, async () => (await this.ticks(name)) > before || (await stop()), {
        lastSeen: () => this.histories(),
      });
    }
  }

  /**
   * Lets analysis intervals of `name` pass until `done` yields something. While the Canary's target or
   * primary Deployment is still rolling out, time stands still: the deployment controller makes pods
   * ready without it, and moving the clock meanwhile would only eat into the progress deadline.
   */
  async drive<T>(name: string, done: () => Promise<T | false | undefined>, what: string, maxIntervals = 40): Promise<T> {
    for (let passed = 0; ; ) {
      const result = await done();
      if (result) return result;
      if (!(await this.rolledOut(name))) {
        await eventually(`${name}: ${what}, or its Deployments rolled out`, async () => Boolean(await done()) || (await this.rolledOut(name)), {
          lastSeen: () => this.histories(),
        });
        continue;
      }
      if (passed++ >= maxIntervals) throw new Error(`${name}: no ${what} after ${maxIntervals} intervals; ${this.histories()}`);
      await this.passIntervals(name, 1, async () => Boolean(await done()));
    }
  }

  /** Lets intervals pass until the Canary's status satisfies `predicate`; status reads that fail are tried again. */
  advanceUntil(name: string, predicate: (status: CanaryStatus) => boolean, what: string, maxIntervals?: number): Promise<CanaryStatus> {
    const done = async () => {
      const status = await eventually(`a status read of ${name}`, () => this.status(name));
      return predicate(status) && status;
    };
    return this.drive(name, done, what, maxIntervals);
  }

  /** Whether the Canary's target, primary and baseline Deployments (those that exist) have finished rolling out. */
  async rolledOut(name: string): Promise<boolean> {
    const target = (await eventually(`a read of ${name}`, () => this.canary(name))).spec.targetRef.name;
    for (const deployment of [target, primaryName(target), baselineName(target)]) {
      const read = await eventually(`a read of Deployment ${deployment}`, () =>
        this.apps.readNamespacedDeployment({ name: deployment, namespace: NAMESPACE }).then(
          (found) => ({ found }),
          (err: unknown) => {
            if (isNotFound(err)) return { found: undefined };
            throw err;
          },
        ),
      );
      if (read.found && !deploymentReadiness(observeDeployment(read.found)).ready) return false;
    }
    return true;
  }

  /** Lets intervals pass until the Canary is in `phase`. */
  runUntilPhase(name: string, phase: string, maxIntervals?: number): Promise<CanaryStatus> {
    return this.advanceUntil(name, (s) => s.phase === phase, `phase ${phase}`, maxIntervals);
  }

  /**
   * Waits until the deployment controller has written what it was asked to, so pods that became ready
   * are in the API before time moves on. (Not the controller's idleness: a test may hold one Canary's
   * tick on a webhook that never answers while another Canary runs.)
   */
  async settle(): Promise<void> {
    await this.deployments.idle();
    await this.daemonSets.idle();
  }

  /** Events recorded on the Canary, as "Reason: message" lines. */
  async events(name: string): Promise<string[]> {
    const list = await this.core.listNamespacedEvent({ namespace: NAMESPACE });
    return list.items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Canary').map((e) => `${e.reason}: ${e.message}`);
  }

  /** Canary weights of one TrafficSplit (by name), distinct and in order. */
  weightHistoryOf(split: string): number[] {
    return this.history.weightsBySplit.get(split) ?? [];
  }

  /** Every distinct canary weight the TrafficSplits took, in order. */
  get weightHistory(): number[] {
    return this.history.weights;
  }

  /** Every distinct Canary phase seen, in order. */
  get phaseHistory(): string[] {
    return this.history.phases;
  }

  /** Waits until the history watches are live again after dropped watches or compaction (see HistoryRecorder). */
  historyCaughtUp(name: string): Promise<void> {
    return this.history.caughtUp(name);
  }

  /** The TrafficSplit `name` as stored, read through the version the history is recorded from. */
  async readSplit(name: string): Promise<{ apiVersion?: string; spec: { service?: string; backends: { service: string; weight: number | string }[]; matches?: { kind: string; name: string }[] } }> {
    return (await this.custom.getNamespacedCustomObject({ group: 'split.smi-spec.io', version: this.splitVersion, namespace: NAMESPACE, plural: 'trafficsplits', name })) as never;
  }

  /** How many reconcile ticks the running controller has finished for Canary `name`. */
  async ticks(name: string): Promise<number> {
    if (this.tickCounter) return this.tickCounter(name);
    const histogram = await this.controllerMetrics?.duration.get();
    const count = histogram?.values.find((v) => v.metricName === 'kanari_canary_duration_seconds_count' && v.labels.name === name);
    return count?.value ?? 0;
  }

  /**
   * Counts ticks from what controller processes a test runs itself (runController with a health address)
   * serve on /metrics; a replica that stopped keeps the count it last showed.
   */
  countTicksOf(replicas: () => RunningController[]): void {
    const counted = new Map<RunningController, number>();
    this.tickCounter = async (name) => {
      for (const replica of replicas()) {
        if (!replica.health) throw new Error('countTicksOf needs replicas started with a healthAddress');
        const text = await fetch(`${replica.health.url}/metrics`).then((r) => r.text(), () => undefined);
        const line = text?.split('\n').find((l) => l.startsWith('kanari_canary_duration_seconds_count{') && l.includes(`name="${name}"`));
        if (line) counted.set(replica, Number(line.split(' ').at(-1)));
      }
      return [...counted.values()].reduce((sum, n) => sum + n, 0);
    };
  }
}

/** The analysis most tests use: a tick a minute (of the fake clock), steps of 20 up to 60, two failed checks allowed. */
export { quickAnalysis } from '../../unit/engine/world-fixtures.ts';
