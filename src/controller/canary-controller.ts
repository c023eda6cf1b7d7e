import type { V1DaemonSet, V1Deployment, KubernetesObject } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import { primaryName } from '../api/names.ts';
import type { Clock } from '../time/clock.ts';
import { reconcileCanary, type ReconcileDeps } from '../engine/reconcile.ts';
import type { Router } from '../engine/ports.ts';
import { nextTickAfter, retryDelayMs, Scheduler } from '../engine/scheduler.ts';
import { Arrivals, SETTLED_PHASES, TickLine, type TickPlace } from '../engine/tick-line.ts';
import { isNotFound, isTransient } from '../kube/api-errors.ts';
import type { KubeClients } from '../kube/client.ts';
import { LabelSelector } from '../kube/label-selector.ts';
import { SupersededVersions } from './superseded-versions.ts';
import { KeyedWorkQueue } from '../kube/work-queue.ts';
import { canaryLogger, type Logger } from '../log/logger.ts';
import { redactSecrets } from '../log/redact.ts';
import type { TrafficRouter } from '../router/router.ts';
import type { ControllerMetrics } from '../server/controller-metrics.ts';
import type { ReadinessCheck } from '../server/health-server.ts';
import { BY_AUTOSCALER, BY_CONFIG, BY_DEPLOYMENT, type ClusterCache } from './cluster-cache.ts';
import { CanaryMetricsReporter } from './report-metrics.ts';
import type { ValidatedCanaries } from './validated-canaries.ts';

/** The ports every tick uses; the router is chosen per Canary, validation per tick. */
export type CanaryPorts = Omit<ReconcileDeps, 'router' | 'validate'>;

/** Hands each Canary its router (by `spec.provider`); throws for a provider Kanari does not have. */
export interface RouterChoice {
  forCanary(canary: Canary): TrafficRouter;
  all(): TrafficRouter[];
}

/** The runtime loop's parts, built by `assembleController`. */
export interface CanaryControllerParts {
  cache: ClusterCache;
  clients: KubeClients;
  ports: CanaryPorts;
  routers: RouterChoice;
  /** Canary validation (schema defaults applied), once per version of each Canary. */
  validation: ValidatedCanaries;
  clock: Clock;
  logger: Logger;
  metrics: ControllerMetrics;
  /** Waits for alerts and event hooks in flight. */
  flushNotifications(): Promise<void>;
  /** How many Canaries reconcile at once. */
  concurrency?: number;
  /** The label selector of the Canaries this controller owns (its shard); others are left to other controllers. */
  canarySelector?: string;
}

// Three conflicts in a row means another writer is racing us; the next tick tries again.
const MAX_CONFLICT_RETRIES = 3;
// A refusal (403, 422…) will not fix itself soon: it is retried on the scheduler's slow backoff. A server
// that is away, throttling or failing (no answer, 429, 5xx) is retried sooner, and at once when the
// informers see it come back.
const MAX_TRANSIENT_BACKOFF_MS = 10_000;

/**
 * The controller: informer caches feed a per-Canary work queue; a scheduler holding each Canary's next
 * due time (from its status, so it survives restarts) and watch events (new revision, readiness change,
 * config change) put Canaries on the queue; each run is one reconcile tick. Due ticks wait in line ahead
 * of event-driven work, which is served in order of arrival (engine/tick-line.ts).
 */
export class CanaryController {
  readonly #parts: CanaryControllerParts;
  readonly #cache: ClusterCache;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #queue: KeyedWorkQueue<TickPlace>;
  /** Each Canary's place in line while it has work in progress. */
  readonly #arrivals = new Arrivals();
  /** Canaries per namespace, for the kanari_canary_total gauge, kept as they come and go. */
  readonly #perNamespace = new Map<string, number>();
  readonly #log: Logger;
  readonly #reporter: CanaryMetricsReporter;
  readonly #failures = new Map<string, number>();
  /** Canaries whose target's HPA changed: the primary's copy is synced at their next tick. */
  readonly #autoscalerChanged = new Set<string>();
  /** What last triggered work per Canary: generation + annotations + deletion, not status, so our own status writes do not loop. */
  readonly #seenSpec = new Map<string, string>();
  /** Whether a Canary read by name (no selector on a GET) is still in this controller's shard. */
  readonly #owns: LabelSelector;
  /** Canary versions the controller has written over while its cache still shows them. */
  readonly #superseded = new SupersededVersions();
  #running = false;
  /** Set once every cache holds a full list: a tick before that would see a half-listed cluster. */
  #synced = false;

  constructor(parts: CanaryControllerParts) {
    this.#parts = parts;
    this.#cache = parts.cache;
    this.#clock = parts.clock;
    this.#log = parts.logger;
    this.#owns = LabelSelector.parse(parts.canarySelector);
    this.#reporter = new CanaryMetricsReporter(parts.metrics);
    this.#scheduler = new Scheduler(this.#clock, (key, due) => this.#queue.add(key, this.#timerPlace(key, due)));
    this.#queue = new KeyedWorkQueue<TickPlace>({
      line: new TickLine(),
      handler: (key) => this.#reconcile(key),
      // Ticks wait on the API server and webhooks, not the CPU: many can be in flight per core.
      concurrency: parts.concurrency ?? 32,
      onError: (key, err) => this.#log.error({ key, err: redactSecrets(String(err)) }, 'reconcile crashed'),
    });
  }

  /** Starts the informers, waits for their caches, and schedules every Canary for an immediate tick. */
  async start(): Promise<void> {
    this.#running = true;
    this.#watchForWork();
    await this.#cache.start();
    this.#synced = true;
    for (const canary of this.#cache.canaries.list()) this.#trigger(keyOf(canary));
    this.#log.info({ canaries: this.#cache.canaries.list().length }, 'controller started');
  }

  /** Stops scheduling, lets running ticks finish their actions and status write, then stops the informers. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#scheduler.stop();
    await this.#queue.stop();
    await this.#parts.flushNotifications();
    await this.#cache.stop();
  }

  /** /readyz checks: one per informer cache. */
  readiness(): ReadinessCheck[] {
    return this.#cache.all().map((cache) => ({ name: `informer ${cache.kind}`, healthy: () => cache.healthy() }));
  }

  /** Resolves when no Canary is waiting or reconciling; for tests and benchmarks. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Whether Canary `namespace/name` has a tick waiting or running; for tests. */
  busy(namespace: string, name: string): boolean {
    return this.#queue.busy(`${namespace}/${name}`);
  }

  /** Waits for in-flight notifications and webhooks; for tests. */
  flushNotifications(): Promise<void> {
    return this.#parts.flushNotifications();
  }

  #watchForWork(): void {
    this.#cache.canaries.onEvent((type, canary) => {
      const key = keyOf(canary);
      if (type === 'delete') {
        this.#superseded.forget(key);
        this.#scheduler.remove(key);
        this.#arrivals.forget(key);
        this.#seenSpec.delete(key);
        this.#failures.delete(key);
        this.#reporter.forget(canary.metadata?.namespace ?? '', canary.metadata?.name ?? '');
        this.#countCanary(canary.metadata.namespace ?? '', -1);
        return;
      }
      if (type === 'add') this.#countCanary(canary.metadata.namespace ?? '', +1);
      this.#superseded.seen(key, canary.metadata.resourceVersion);
      const spec = `${canary.metadata.generation}|${JSON.stringify(canary.metadata.annotations ?? {})}|${canary.metadata.deletionTimestamp ?? ''}`;
      if (this.#seenSpec.get(key) === spec) return;
      this.#seenSpec.set(key, spec);
      this.#trigger(key);
    });
    // Every lookup below is an index lookup: at thousands of Canaries a scan per watch event was most of
    // the controller's work.
    this.#cache.deployments.onEvent((_type, deployment) => {
      for (const canary of this.#canariesOfDeployment(deployment)) this.#trigger(keyOf(canary));
    });
    this.#cache.daemonSets.onEvent((_type, daemonSet) => {
      for (const canary of this.#canariesOfDeployment(daemonSet)) this.#trigger(keyOf(canary));
    });
    // A config change concerns the Canaries whose target (not primary: it reads the `-primary` copies) reads it.
    const onConfig = (kind: 'configmap' | 'secret') => (_type: string, config: KubernetesObject) => {
      const namespace = config.metadata?.namespace ?? '';
      const value = `${kind}/${config.metadata?.name ?? ''}`;
      const targets = [
        ...this.#cache.deployments.byIndex(BY_CONFIG, namespace, value).map((workload) => ({ workload, daemonSet: false })),
        ...this.#cache.daemonSets.byIndex(BY_CONFIG, namespace, value).map((workload) => ({ workload, daemonSet: true })),
      ];
      for (const { workload, daemonSet } of targets) {
        for (const canary of this.#canariesOfDeployment(workload)) {
          if (canary.spec.targetRef.name === workload.metadata?.name && (canary.spec.targetRef.kind === 'DaemonSet') === daemonSet) this.#trigger(keyOf(canary));
        }
      }
    };
    this.#cache.autoscalers.onEvent((_type, hpa) => {
      for (const canary of this.#cache.canaries.byIndex(BY_AUTOSCALER, hpa.metadata?.namespace ?? '', hpa.metadata?.name ?? '')) {
        this.#autoscalerChanged.add(keyOf(canary));
        this.#trigger(keyOf(canary));
      }
    });
    // The API server is back after an outage: Canaries whose tick failed go on now, not at their backoff.
    this.#cache.onRecovery(() => {
      for (const key of this.#failures.keys()) this.#trigger(key);
    });
    // A mesh or Gateway API installed or upgraded after Kanari: re-detect the served versions and let every Canary try again.
    this.#cache.customResourceDefinitions.onEvent((_type, crd) => {
      if (!/\.(split|specs)\.smi-spec\.io$|^httproutes\.gateway\.networking\.k8s\.io$/.test(crd.metadata?.name ?? '')) return;
      void Promise.all(this.#parts.routers.all().map((router) => router.refresh())).then(() => {
        for (const canary of this.#cache.canaries.list()) this.#trigger(keyOf(canary));
      });
    });
    this.#cache.configMaps.onEvent(onConfig('configmap'));
    this.#cache.secrets.onEvent(onConfig('secret'));
  }

  /** Work arrived for a Canary: it waits in line at its place of arrival (kept while its work is in progress). */
  #trigger(key: string): void {
    // Before the caches are synced, the Canaries informer (often first to list) would start ticks that
    // find their target Deployment missing and report TargetNotFound; start() triggers every Canary then.
    if (this.#running && this.#synced) this.#queue.add(key, this.#arrivals.placeOf(key));
  }

  /** A timer's tick: in the due lane while the Canary has work in progress, a resync once it is settled. */
  #timerPlace(key: string, due: number): TickPlace {
    const [namespace, name] = key.split('/');
    const phase = this.#cache.canaries.get(namespace, name)?.status?.phase;
    return phase !== undefined && SETTLED_PHASES.includes(phase) ? { resync: due } : { due };
  }

  /** Canaries whose target or primary is this Deployment (or DaemonSet). */
  #canariesOfDeployment(deployment: V1Deployment | V1DaemonSet): Canary[] {
    return this.#cache.canaries.byIndex(BY_DEPLOYMENT, deployment.metadata?.namespace ?? '', deployment.metadata?.name ?? '');
  }

  async #reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    let canary = this.#cache.canaries.get(namespace, name);
    const started = this.#clock.now();
    try {
      // The cache is behind this controller's own writes: decide from what the API server has.
      if (canary && this.#superseded.isSuperseded(key, canary.metadata.resourceVersion)) canary = await this.#readFresh(namespace, name);
      // Only once the primary exists: before that, initialization creates the HPA copy itself.
      if (canary && this.#autoscalerChanged.delete(key) && this.#cache.deployments.get(namespace, primaryName(canary.spec.targetRef.name))) {
        await this.#parts.ports.workloads.syncAutoscaler(canary);
      }
      for (let attempt = 0; canary && attempt <= MAX_CONFLICT_RETRIES; attempt++) {
        const outcome = await this.#tick(canary);
        if (outcome.result === 'conflict' || outcome.statusWritten) this.#superseded.supersede(key, canary.metadata.resourceVersion);
        if (outcome.result === 'written') {
          this.#failures.delete(key);
          canary = { ...canary, status: outcome.status };
          // A Canary deleted while its tick ran keeps no series: its delete event already removed them.
          if (this.#cache.canaries.get(namespace, name)) this.#reporter.report(canary, outcome.previous);
          break;
        }
        canary = await this.#readFresh(namespace, name);
        // Relabelled out of this shard since the cache read: the controller that owns it now goes on.
        if (canary && !this.#owns.matches(canary.metadata.labels)) {
          this.#log.info({ canary: name, namespace }, 'no longer in this controller\'s shard (--selector); left to the controller it now matches');
          canary = undefined;
        }
      }
      if (canary && this.#running) this.#scheduler.schedule(key, nextTickAfter(canary, this.#clock.now()));
      if (canary) this.#arrivals.settle(key, canary.status?.phase);
    } catch (err) {
      if (isNotFound(err)) return; // deleted between the cache read and the write
      await this.#reportFailure(key, canary, err);
    } finally {
      // Every tick counts, failed ones too (as Flagger's duration histogram does); not a deleted Canary's.
      const current = this.#cache.canaries.get(namespace, name);
      if (current) this.#reporter.observeTick(current, (this.#clock.now() - started) / 1000);
    }
  }

  async #tick(raw: Canary): Promise<{ result: 'written'; status: Canary['status']; previous?: Canary['status']; statusWritten: boolean } | { result: 'conflict' }> {
    // Validation applies schema defaults (and the controller's default router first, so fields only that
    // router reads are valid); the cache holds Canaries validated on their way in, so this is a lookup
    // unless the Canary was just read fresh.
    const checked = this.#parts.validation.check(raw);
    const canary = checked.canary;
    const validationErrors = [...checked.errors];
    // Made when there is something to say: a child logger per tick was garbage on every idle tick.
    const log = () => canaryLogger(this.#log, { name: canary.metadata.name ?? '', namespace: canary.metadata.namespace ?? '' });
    let router: Router;
    try {
      router = this.#parts.routers.forCanary(canary);
    } catch (err) {
      validationErrors.push(err instanceof Error ? err.message : String(err));
      router = this.#parts.routers.all()[0];
    }
    const outcome = await reconcileCanary(canary, { ...this.#parts.ports, router, validate: () => validationErrors });
    if (outcome.result === 'conflict') {
      log().debug('status conflict; re-reading');
      return outcome;
    }
    const { decision } = outcome;
    if (decision.status.phase !== raw.status?.phase) log().info({ phase: decision.status.phase, weight: decision.status.canaryWeight }, 'phase changed');
    return { result: 'written', status: decision.status, previous: raw.status, statusWritten: outcome.statusWritten };
  }

  async #readFresh(namespace: string, name: string): Promise<Canary | undefined> {
    try {
      return (await this.#parts.clients.custom.getNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: 'canaries', name })) as Canary;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** An I/O failure: say it on the Canary with a Warning Event, log it, and retry with backoff. */
  async #reportFailure(key: string, canary: Canary | undefined, err: unknown): Promise<void> {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const message = redactSecrets(err instanceof Error ? err.message : String(err));
    const reason = (err as { reason?: unknown }).reason;
    this.#log.warn({ canary: key.split('/')[1], namespace: key.split('/')[0], failures, err: message }, 'reconcile failed; retrying');
    if (canary) {
      await this.#parts.ports.events.record(canary, { eventType: 'Warning', reason: typeof reason === 'string' ? reason : 'ReconcileError', message });
    }
    const delay = isTransient(err) ? Math.min(MAX_TRANSIENT_BACKOFF_MS, retryDelayMs(failures)) : retryDelayMs(failures);
    if (this.#running) this.#scheduler.schedule(key, this.#clock.now() + delay);
  }

  #countCanary(namespace: string, delta: number): void {
    const count = (this.#perNamespace.get(namespace) ?? 0) + delta;
    if (count > 0) {
      this.#perNamespace.set(namespace, count);
      this.#parts.metrics.total.set({ namespace }, count);
    } else {
      this.#perNamespace.delete(namespace);
      this.#parts.metrics.total.remove({ namespace });
    }
  }
}

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
