import type { V1Deployment } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import type { Workloads } from '../engine/ports.ts';
import type { TargetObservation, WorkloadObservation } from '../engine/observation.ts';
import type { KubeClients } from '../kube/client.ts';
import { deleteIgnoringMissing } from '../kube/create-or-patch.ts';
import { mergePatchOptions } from '../kube/patch.ts';
import type { Logger } from '../log/logger.ts';
import { applyPrimaryAutoscaler, primaryAutoscaler } from './autoscaler.ts';
import type { ClusterReader } from './cluster-reader.ts';
import { applyCanaryServices, releaseCanaryServices } from './canary-services.ts';
import { copyConfigsForPrimary, deletePrimaryConfigCopies, trackedConfigObjects } from './target-configs.ts';
import { baselineName, baselineServiceName, primaryName, serviceNameOf } from '../api/names.ts';
import { applyBaselineDeployment, baselineDeployment, baselineSelector, baselineUpToDate } from './baseline.ts';
import { applyPrimaryDeployment, targetSelector } from './primary.ts';
import { observeDeployment } from './readiness.ts';
import { scaleDeployment, scaleUpReplicas } from './scaling.ts';
import { applyService, canaryOwner, canaryService } from './services.ts';
import { TemplateRevisions } from './template-revisions.ts';

/** The finalizer that lets `revertOnDeletion` restore the target before the Canary goes away. */
export const CANARY_FINALIZER = 'kanari.dev/finalizer';

/** Raised when the Canary's target Deployment is missing; the message tells the person what to fix. */
export class TargetNotFound extends Error {
  readonly reason = 'TargetNotFound';
  constructor(namespace: string, name: string) {
    super(`target Deployment ${namespace}/${name} not found: create it or fix spec.targetRef.name`);
    this.name = 'TargetNotFound';
  }
}

/** The Workloads port over a Kubernetes API server: Deployments, configs, Services, HPA of a Canary. */
export class KubeWorkloads implements Workloads {
  readonly #clients: KubeClients;
  readonly #reader: ClusterReader;
  readonly #log: Logger | undefined;
  readonly #labelPrefixes: readonly string[];
  readonly #revisions: TemplateRevisions;

  /** `includeLabelPrefix`: which of the target's labels its primary copies get (Flagger's flag; none by default). */
  constructor(options: { clients: KubeClients; reader: ClusterReader; logger?: Logger; includeLabelPrefix?: readonly string[] }) {
    this.#clients = options.clients;
    this.#reader = options.reader;
    this.#log = options.logger;
    this.#labelPrefixes = options.includeLabelPrefix ?? [];
    this.#revisions = new TemplateRevisions(options.reader);
  }

  /** Reads the target with its revision, and the primary's and the baseline's numbers. */
  async observe(canary: Canary): Promise<{ target?: TargetObservation; primary?: WorkloadObservation; baseline?: WorkloadObservation }> {
    const namespace = canary.metadata.namespace!;
    const targetName = canary.spec.targetRef.name;
    const [target, primary, baseline] = await Promise.all([
      this.#reader.deployment(namespace, targetName),
      this.#reader.deployment(namespace, primaryName(targetName)),
      this.#reader.deployment(namespace, baselineName(targetName)),
    ]);
    const result: { target?: TargetObservation; primary?: WorkloadObservation; baseline?: WorkloadObservation } = {};
    if (baseline) result.baseline = observeDeployment(baseline);
    if (target) {
      const revision = await this.#revisions.of(target, namespace, target.spec?.template ?? {});
      result.target = { ...observeDeployment(target), revision: revision.hash, trackedConfigs: revision.trackedConfigs };
    }
    if (primary) result.primary = observeDeployment(primary);
    return result;
  }

  /** Creates or adopts the primary, its configs, the three Services and the primary HPA. */
  async ensurePrimary(canary: Canary): Promise<void> {
    const target = await this.#target(canary);
    const primaryExists = (await this.#reader.deployment(canary.metadata.namespace!, primaryName(target.metadata!.name!))) !== undefined;
    // Replicas are copied once, at creation; afterwards an HPA or promotion owns them.
    await this.#applyPrimary(canary, target, primaryExists ? undefined : Math.max(target.spec?.replicas ?? 1, 1));
    await applyCanaryServices(this.#clients.core, canary, targetSelector(target), target.spec?.template?.spec, this.#reader);
    await this.syncAutoscaler(canary);
  }

  /** Scales the target up to its remembered replicas, or to zero. */
  async scaleCanary(canary: Canary, to: 'up' | 'zero'): Promise<void> {
    const target = await this.#target(canary);
    if (to === 'zero') return scaleDeployment(this.#clients.apps, target, 0);
    const namespace = canary.metadata.namespace!;
    const hpa = canary.spec.autoscalerRef ? await this.#reader.autoscaler(namespace, canary.spec.autoscalerRef.name) : undefined;
    const primary = await this.#reader.deployment(namespace, primaryName(target.metadata!.name!));
    await scaleDeployment(this.#clients.apps, target, scaleUpReplicas(target, hpa?.spec?.minReplicas, primary?.spec?.replicas));
  }

  /** Copies the canary's pod spec and configs to the primary; replicas too when no HPA owns them. */
  async promotePrimary(canary: Canary): Promise<void> {
    const target = await this.#target(canary);
    const replicas = canary.spec.autoscalerRef ? undefined : target.spec?.replicas || undefined;
    await this.#applyPrimary(canary, target, replicas);
    await this.syncAutoscaler(canary);
  }

  /**
   * Creates the baseline (a copy of the primary) at the canary's size with its Service, or resizes it
   * to follow the canary. Reads the cache first: a baseline already as wanted costs no request.
   */
  async ensureBaseline(canary: Canary): Promise<void> {
    const target = await this.#target(canary);
    const namespace = canary.metadata.namespace!;
    const primary = await this.#reader.deployment(namespace, primaryName(target.metadata!.name!));
    if (!primary) throw new Error(`primary Deployment ${namespace}/${primaryName(target.metadata!.name!)} not found: the baseline is a copy of it`);
    const hpa = canary.spec.autoscalerRef ? await this.#reader.autoscaler(namespace, canary.spec.autoscalerRef.name) : undefined;
    const replicas = scaleUpReplicas(target, hpa?.spec?.minReplicas, primary.spec?.replicas);
    const owner = canaryOwner(canary);
    const desired = baselineDeployment(target, primary, owner, replicas);
    if (!baselineUpToDate(await this.#reader.deployment(namespace, desired.metadata!.name!), desired)) {
      await applyBaselineDeployment(this.#clients.apps, desired, owner);
      await applyService(this.#clients.core, canaryService(canary, 'baseline', baselineSelector(target)), owner);
    }
  }

  /** Deletes the baseline's Service and Deployment; nothing to do (no request) when the cache has no baseline. */
  async removeBaseline(canary: Canary): Promise<void> {
    const namespace = canary.metadata.namespace!;
    const name = baselineName(canary.spec.targetRef.name);
    if (!(await this.#reader.deployment(namespace, name))) return;
    await deleteIgnoringMissing(() => this.#clients.core.deleteNamespacedService({ name: baselineServiceName(serviceNameOf(canary)), namespace }));
    await deleteIgnoringMissing(() => this.#clients.apps.deleteNamespacedDeployment({ name, namespace }));
  }

  /**
   * revertOnDeletion (after the router removed the route): brings the target back to its replicas,
   * points the apex Service at it, removes the generated objects, then releases the finalizer.
   */
  async finalize(canary: Canary): Promise<void> {
    const namespace = canary.metadata.namespace!;
    const target = await this.#reader.deployment(namespace, canary.spec.targetRef.name);
    const primary = await this.#reader.deployment(namespace, primaryName(canary.spec.targetRef.name));
    if (target) {
      await scaleDeployment(this.#clients.apps, target, scaleUpReplicas(target, undefined, primary?.spec?.replicas));
      await releaseCanaryServices(this.#clients.core, canary, targetSelector(target), target.spec?.template?.spec, this.#log);
    }
    const core = this.#clients.core;
    if (canary.spec.autoscalerRef) {
      const name = primaryName(canary.spec.autoscalerRef.name);
      await deleteIgnoringMissing(() => this.#clients.autoscaling.deleteNamespacedHorizontalPodAutoscaler({ name, namespace }));
    }
    if (primary) {
      await deletePrimaryConfigCopies(core, namespace, primary.spec?.template?.spec);
      await deleteIgnoringMissing(() => this.#clients.apps.deleteNamespacedDeployment({ name: primary.metadata!.name!, namespace }));
    }
    await this.releaseFinalizer(canary);
  }

  /** Adds the Kanari finalizer if missing. */
  async ensureFinalizer(canary: Canary): Promise<void> {
    const finalizers = canary.metadata.finalizers ?? [];
    if (finalizers.includes(CANARY_FINALIZER)) return;
    await this.#patchFinalizers(canary, [...finalizers, CANARY_FINALIZER]);
  }

  /** Removes the Kanari finalizer if present. */
  async releaseFinalizer(canary: Canary): Promise<void> {
    const finalizers = canary.metadata.finalizers ?? [];
    if (!finalizers.includes(CANARY_FINALIZER)) return;
    await this.#patchFinalizers(canary, finalizers.filter((f) => f !== CANARY_FINALIZER));
  }

  // The list is replaced whole by a merge patch; the resourceVersion precondition keeps a finalizer
  // another controller added in between from being dropped (the caller re-reads on conflict).
  async #patchFinalizers(canary: Canary, finalizers: string[]): Promise<void> {
    await this.#clients.custom.patchNamespacedCustomObject(
      {
        group: API_GROUP,
        version: API_VERSION,
        plural: 'canaries',
        namespace: canary.metadata.namespace!,
        name: canary.metadata.name!,
        body: { metadata: { finalizers, resourceVersion: canary.metadata.resourceVersion } },
      },
      mergePatchOptions(),
    );
  }

  async #target(canary: Canary): Promise<V1Deployment> {
    const namespace = canary.metadata.namespace!;
    const target = await this.#reader.deployment(namespace, canary.spec.targetRef.name);
    if (!target) throw new TargetNotFound(namespace, canary.spec.targetRef.name);
    return target;
  }

  async #applyPrimary(canary: Canary, target: V1Deployment, replicas: number | undefined): Promise<void> {
    const owner = canaryOwner(canary);
    const configs = await trackedConfigObjects(this.#reader, target.metadata!.namespace!, target.spec?.template?.spec);
    const copied = await copyConfigsForPrimary(this.#clients.core, configs, owner, this.#labelPrefixes);
    await applyPrimaryDeployment(this.#clients.apps, target, owner, {
      ...copied,
      replicas,
      labelPrefixes: this.#labelPrefixes,
      known: { current: await this.#reader.deployment(target.metadata!.namespace!, primaryName(target.metadata!.name!)) },
    });
  }

  /** Brings the primary's HPA in line with the target's (after the target's HPA changed); idempotent. */
  async syncAutoscaler(canary: Canary): Promise<void> {
    const ref = canary.spec.autoscalerRef;
    if (!ref) return;
    const hpa = await this.#reader.autoscaler(canary.metadata.namespace!, ref.name);
    if (!hpa) {
      this.#log?.warn({ autoscaler: ref.name }, 'autoscalerRef names a HorizontalPodAutoscaler that does not exist; the primary is not autoscaled');
      return;
    }
    await applyPrimaryAutoscaler(this.#clients.autoscaling, primaryAutoscaler(canary, hpa, canaryOwner(canary), this.#labelPrefixes), canaryOwner(canary));
  }
}
