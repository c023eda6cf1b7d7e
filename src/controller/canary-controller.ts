import type { KubeConfig, V1Deployment, KubernetesObject } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary, type Mesh } from '../api/canary.ts';
import { manualRequestsFromAnnotations } from '../api/annotations.ts';
import { Duration } from '../api/duration.ts';
import { createValidator, type KanariValidator } from '../api/validation.ts';
import { SystemClock, type Clock } from '../engine/clock.ts';
import { decide } from '../engine/decide.ts';
import { createPhaseMachine } from '../engine/machine.ts';
import { reconcileCanary, type ReconcileDeps } from '../engine/reconcile.ts';
import { nextDueTime, Scheduler } from '../engine/scheduler.ts';
import { isNotFound } from '../kube/api-errors.ts';
import { createKubeClients, type KubeClients } from '../kube/client.ts';
import { KubeEventRecorder } from '../kube/events.ts';
import { CanaryStatusWriter } from '../kube/status-writer.ts';
import { KeyedWorkQueue } from '../kube/work-queue.ts';
import { canaryLogger, type Logger } from '../log/logger.ts';
import { redactSecrets } from '../log/redact.ts';
import { decodeSecretData } from '../kube/secret-reader.ts';
import { createNotifier, type Notifier } from '../notify/notifier.ts';
import type { BackoffPolicy } from '../notify/retry-policy.ts';
import { webhookType } from '../notify/webhook-spec.ts';
import { RouterFactory } from '../router/factory.ts';
import type { ControllerMetrics } from '../server/controller-metrics.ts';
import type { ReadinessCheck } from '../server/health-server.ts';
import { referencedConfigs } from '../workload/config-refs.ts';
import { KubeWorkloads } from '../workload/kube-workloads.ts';
import { CanaryAlerts } from './canary-alerts.ts';
import { CanaryGates, canaryRef } from './canary-gates.ts';
import { CanaryMetrics } from './canary-metrics.ts';
import { ClusterCache } from './cluster-cache.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import type { MetricTemplateLike } from '../metrics/metric-template.ts';
import { reportCanaryMetrics } from './report-metrics.ts';

export interface CanaryControllerOptions {
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
  /** Receives every event payload of every Canary (Flagger's `-event-webhook`). */
  eventWebhook?: string;
  /** Shown in notifications, to tell clusters apart in a shared channel. */
  clusterName?: string;
  /** Retry backoff of webhooks; tests shrink it. */
  webhookBackoff?: BackoffPolicy;
  /** How many Canaries reconcile at once. */
  concurrency?: number;
  informer?: { relistIntervalMs?: number; watchdogMs?: number };
}

// Three conflicts in a row means another writer is racing us; the next tick tries again.
const MAX_CONFLICT_RETRIES = 3;
const MAX_ERROR_BACKOFF_MS = 60_000;

/**
 * The controller: informer caches feed a per-Canary work queue; a scheduler holding each Canary's next
 * due time (from its status, so it survives restarts) and watch events (new revision, readiness change,
 * config change) put Canaries on the queue; each run is one reconcile tick.
 */
export class CanaryController {
  readonly #options: CanaryControllerOptions;
  readonly #clients: KubeClients;
  readonly #cache: ClusterCache;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #queue: KeyedWorkQueue;
  readonly #validator: KanariValidator;
  readonly #notifier: Notifier;
  readonly #deps: Omit<ReconcileDeps, 'router' | 'validate'>;
  readonly #routers: RouterFactory;
  readonly #log: Logger;
  readonly #failures = new Map<string, number>();
  readonly #workloads: KubeWorkloads;
  /** Canaries whose target's HPA changed: the primary's copy is synced at their next tick. */
  readonly #autoscalerChanged = new Set<string>();
  /** What last triggered work per Canary: generation + annotations + deletion, not status, so our own status writes do not loop. */
  readonly #seenSpec = new Map<string, string>();
  #running = false;
  /** Set once every cache holds a full list: a tick before that would see a half-listed cluster. */
  #synced = false;

  constructor(options: CanaryControllerOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#clock = options.clock ?? new SystemClock();
    this.#clients = createKubeClients({ kind: 'given', kubeConfig: options.kubeConfig });
    this.#cache = new ClusterCache({
      clients: this.#clients,
      namespaces: options.namespaces ?? [],
      canarySelector: options.canarySelector,
      logger: options.logger,
      ...options.informer,
    });
    this.#validator = createValidator();
    this.#routers = new RouterFactory({ clients: this.#clients, splits: { get: (version, namespace, name) => this.#cache.trafficSplit(version, namespace, name) } });
    const readSecret = async (namespace: string, name: string) => {
      const secret = this.#cache.secrets.get(namespace, name);
      if (!secret) throw new Error(`Secret ${namespace}/${name} not found`);
      return decodeSecretData(secret.data, secret.stringData);
    };
    this.#notifier = createNotifier({
      logger: options.logger,
      registry: options.metrics.registry,
      lookupProvider: async (namespace, name) => {
        const provider = this.#cache.alertProviders.get(namespace, name);
        return provider && { ...provider, metadata: { ...provider.metadata, name, namespace } };
      },
      readSecret,
      globalEventWebhook: options.eventWebhook,
      backoff: options.webhookBackoff,
    });
    const kubeEvents = new KubeEventRecorder({ core: this.#clients.core, now: () => new Date(this.#clock.now()), logger: options.logger });
    this.#deps = {
      decide: ((machine) => (canary: Canary, observation: Parameters<ReconcileDeps['decide']>[1]) => decide(canary, observation, machine))(createPhaseMachine()),
      workloads: (this.#workloads = new KubeWorkloads({
        clients: this.#clients,
        reader: this.#cache.reader(),
        logger: options.logger,
        split: {
          ensure: (canary) => this.#routers.forCanary(canary).ensure(canary),
          finalize: (canary) => this.#routers.forCanary(canary).finalize(canary),
        },
      })),
      metrics: new CanaryMetrics({
        kubeConfig: options.kubeConfig,
        secretReader: readSecret,
        lookupTemplate: (namespace, name) => {
          const template = this.#cache.metricTemplates.get(namespace, name);
          return template && metricTemplateLike(template, name);
        },
        defaultMetricsServer: options.metricsServer,
        defaultMesh: options.mesh,
      }),
      gates: new CanaryGates({ backoff: options.webhookBackoff }),
      notifier: new CanaryAlerts({ notifier: this.#notifier, cluster: options.clusterName, now: () => this.#clock.now() }),
      events: {
        record: async (canary, event) => {
          const hooks = (canary.spec.analysis.webhooks ?? []).filter((hook) => webhookType(hook) === 'event');
          this.#notifier.publishEvent(canaryRef(canary), { message: event.message, type: event.eventType }, new Date(this.#clock.now()), hooks);
          await kubeEvents.record(canary, event);
        },
      },
      manualRequests: { pending: (canary) => manualRequestsFromAnnotations(canary.metadata.annotations) },
      statusWriter: new CanaryStatusWriter(this.#clients.custom),
      now: () => this.#clock.now(),
    };
    this.#scheduler = new Scheduler(this.#clock, (key) => this.#queue.add(key));
    this.#queue = new KeyedWorkQueue({
      handler: (key) => this.#reconcile(key),
      // Ticks wait on the API server and webhooks, not the CPU: many can be in flight per core.
      concurrency: options.concurrency ?? 32,
      onError: (key, err) => this.#log.error({ key, err: redactSecrets(String(err)) }, 'reconcile crashed'),
    });
  }

  /** Starts the informers, waits for their caches, and schedules every Canary for an immediate tick. */
  async start(): Promise<void> {
    this.#running = true;
    this.#watchForWork();
    await this.#cache.start();
    this.#synced = true;
    for (const canary of this.#cache.canaries.list()) this.#scheduler.triggerNow(keyOf(canary));
    this.#log.info({ canaries: this.#cache.canaries.list().length }, 'controller started');
  }

  /** Stops scheduling, lets running ticks finish their actions and status write, then stops the informers. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#scheduler.stop();
    await this.#queue.stop();
    await this.#notifier.flush();
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

  /** Waits for in-flight notifications and webhooks; for tests. */
  flushNotifications(): Promise<void> {
    return this.#notifier.flush();
  }

  #watchForWork(): void {
    this.#cache.canaries.onEvent((type, canary) => {
      const key = keyOf(canary);
      if (type === 'delete') {
        this.#scheduler.remove(key);
        this.#seenSpec.delete(key);
        this.#failures.delete(key);
        this.#reportTotals();
        return;
      }
      const spec = `${canary.metadata.generation}|${JSON.stringify(canary.metadata.annotations ?? {})}|${canary.metadata.deletionTimestamp ?? ''}`;
      if (this.#seenSpec.get(key) === spec) return;
      this.#seenSpec.set(key, spec);
      if (type === 'add') this.#reportTotals();
      this.#trigger(key);
    });
    this.#cache.deployments.onEvent((_type, deployment) => {
      for (const canary of this.#canariesOfDeployment(deployment)) this.#trigger(keyOf(canary));
    });
    const onConfig = (kind: 'configMaps' | 'secrets') => (_type: string, config: KubernetesObject) => {
      const namespace = config.metadata?.namespace ?? '';
      for (const canary of this.#cache.canaries.list(namespace)) {
        const target = this.#cache.deployments.get(namespace, canary.spec.targetRef.name);
        if (referencedConfigs(target?.spec?.template?.spec)[kind].includes(config.metadata?.name ?? '')) this.#trigger(keyOf(canary));
      }
    };
    this.#cache.autoscalers.onEvent((_type, hpa) => {
      const namespace = hpa.metadata?.namespace ?? '';
      for (const canary of this.#cache.canaries.list(namespace)) {
        if (canary.spec.autoscalerRef?.name !== hpa.metadata?.name) continue;
        this.#autoscalerChanged.add(keyOf(canary));
        this.#trigger(keyOf(canary));
      }
    });
    // A mesh installed or upgraded after Kanari: re-detect the served SMI versions and let every Canary try again.
    this.#cache.customResourceDefinitions.onEvent((_type, crd) => {
      if (!/\.(split|specs)\.smi-spec\.io$/.test(crd.metadata?.name ?? '')) return;
      void Promise.all(this.#routers.all().map((router) => router.refresh())).then(() => {
        for (const canary of this.#cache.canaries.list()) this.#trigger(keyOf(canary));
      });
    });
    this.#cache.configMaps.onEvent(onConfig('configMaps'));
    this.#cache.secrets.onEvent(onConfig('secrets'));
  }

  #trigger(key: string): void {
    // Before the caches are synced, the Canaries informer (often first to list) would start ticks that
    // find their target Deployment missing and report TargetNotFound; start() triggers every Canary then.
    if (this.#running && this.#synced) this.#scheduler.triggerNow(key);
  }

  /** Canaries whose target or primary is this Deployment. */
  #canariesOfDeployment(deployment: V1Deployment): Canary[] {
    const name = deployment.metadata?.name ?? '';
    return this.#cache.canaries
      .list(deployment.metadata?.namespace ?? '')
      .filter((canary) => canary.spec.targetRef.name === name || `${canary.spec.targetRef.name}-primary` === name);
  }

  async #reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    let canary = this.#cache.canaries.get(namespace, name);
    const started = this.#clock.now();
    try {
      // Only once the primary exists: before that, initialization creates the HPA copy itself.
      if (canary && this.#autoscalerChanged.delete(key) && this.#cache.deployments.get(namespace, `${canary.spec.targetRef.name}-primary`)) {
        await this.#workloads.syncAutoscaler(canary);
      }
      for (let attempt = 0; canary && attempt <= MAX_CONFLICT_RETRIES; attempt++) {
        const outcome = await this.#tick(canary);
        if (outcome.result === 'written') {
          this.#failures.delete(key);
          canary = { ...canary, status: outcome.status };
          reportCanaryMetrics(this.#options.metrics, canary, outcome.previousPhase);
          break;
        }
        canary = await this.#readFresh(namespace, name);
      }
      if (canary && this.#running) this.#scheduler.schedule(key, this.#nextTick(canary));
    } catch (err) {
      if (isNotFound(err)) return; // deleted between the cache read and the write
      await this.#reportFailure(key, canary, err);
    } finally {
      this.#options.metrics.duration.observe({ name, namespace }, (this.#clock.now() - started) / 1000);
    }
  }

  async #tick(raw: Canary): Promise<{ result: 'written'; status: Canary['status']; previousPhase?: string } | { result: 'conflict' }> {
    // Validation applies schema defaults, so decide sees the spec a person would expect; the cache's
    // object is cloned first because ajv writes defaults in place.
    const validated = this.#validator.validateCanary(structuredClone(raw));
    const canary = this.#withDefaultProvider(validated.valid ? validated.value : raw);
    const validationErrors = validated.valid ? [] : validated.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    const log = canaryLogger(this.#log, { name: canary.metadata.name ?? '', namespace: canary.metadata.namespace ?? '' });
    let router;
    try {
      router = this.#routers.forCanary(canary);
    } catch (err) {
      validationErrors.push(err instanceof Error ? err.message : String(err));
      router = this.#routers.all()[0];
    }
    const outcome = await reconcileCanary(canary, { ...this.#deps, router, validate: () => validationErrors });
    if (outcome.result === 'conflict') {
      log.debug('status conflict; re-reading');
      return outcome;
    }
    const { decision } = outcome;
    if (decision.status.phase !== raw.status?.phase) log.info({ phase: decision.status.phase, weight: decision.status.canaryWeight }, 'phase changed');
    return { result: 'written', status: decision.status, previousPhase: raw.status?.phase };
  }

  #withDefaultProvider(canary: Canary): Canary {
    const fallback = this.#options.defaultProvider;
    if (!fallback || (canary.spec.provider && canary.spec.provider !== 'smi')) return canary;
    return { ...canary, spec: { ...canary.spec, provider: fallback } };
  }

  /** Next tick: when the status says the analysis is due, but at least one interval away when nothing is due yet. */
  #nextTick(canary: Canary): number {
    const now = this.#clock.now();
    const due = nextDueTime(canary, now);
    if (due > now) return due;
    return now + (Duration.tryParse(canary.spec.analysis?.interval ?? '1m')?.milliseconds ?? 60_000);
  }

  async #readFresh(namespace: string, name: string): Promise<Canary | undefined> {
    try {
      return (await this.#clients.custom.getNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: 'canaries', name })) as Canary;
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
      await this.#deps.events.record(canary, { eventType: 'Warning', reason: typeof reason === 'string' ? reason : 'ReconcileError', message });
    }
    if (this.#running) this.#scheduler.schedule(key, this.#clock.now() + Math.min(MAX_ERROR_BACKOFF_MS, 500 * 2 ** failures));
  }

  #reportTotals(): void {
    const perNamespace = new Map<string, number>();
    for (const canary of this.#cache.canaries.list()) {
      const ns = canary.metadata.namespace ?? '';
      perNamespace.set(ns, (perNamespace.get(ns) ?? 0) + 1);
    }
    this.#options.metrics.total.reset();
    for (const [namespace, count] of perNamespace) this.#options.metrics.total.set({ namespace }, count);
  }
}

/** The metrics package's view of a MetricTemplate: Flagger's `headers` is an http.Header (lists of values). */
function metricTemplateLike(template: MetricTemplate, name: string): MetricTemplateLike {
  const { headers, ...provider } = template.spec.provider;
  const joined = headers && Object.fromEntries(Object.entries(headers).map(([key, values]) => [key, values.join(', ')]));
  return { metadata: { name, namespace: template.metadata.namespace }, spec: { query: template.spec.query, provider: { ...provider, headers: joined } } };
}

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
