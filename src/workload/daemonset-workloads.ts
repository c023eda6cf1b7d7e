import type { V1DaemonSet } from '@kubernetes/client-node';
import type { Canary } from '../api/canary.ts';
import { primaryName } from '../api/names.ts';
import type { TargetObservation, WorkloadObservation } from '../engine/observation.ts';
import type { Workloads } from '../engine/ports.ts';
import type { KubeClients } from '../kube/client.ts';
import { deleteIgnoringMissing } from '../kube/create-or-patch.ts';
import type { Logger } from '../log/logger.ts';
import { applyCanaryServices, releaseCanaryServices } from './canary-services.ts';
import type { ClusterReader } from './cluster-reader.ts';
import { applyPrimaryDaemonSet, daemonSetTemplate, observeDaemonSet, scaleDaemonSet } from './daemonset-target.ts';
import { targetSelector } from './primary.ts';
import { canaryOwner } from './services.ts';
import { copyConfigsForPrimary, deletePrimaryConfigCopies, trackedConfigObjects } from './target-configs.ts';
import { TemplateRevisions } from './template-revisions.ts';

/** Raised when the Canary's target DaemonSet is missing. */
export class DaemonSetNotFound extends Error {
  readonly reason = 'TargetNotFound';
  constructor(namespace: string, name: string) {
    super(`target DaemonSet ${namespace}/${name} not found: create it or fix spec.targetRef.name`);
    this.name = 'TargetNotFound';
  }
}

/**
 * The Workloads port for a DaemonSet target (Flagger's other workload kind): a primary DaemonSet with
 * the target's pod template and copied configs, the same three Services, and scaling by node selector.
 * The finalizer is the Canary's, whatever it releases, so those calls go to `finalizers`.
 */
export class DaemonSetWorkloads implements Workloads {
  readonly #clients: KubeClients;
  readonly #reader: ClusterReader;
  readonly #log: Logger | undefined;
  readonly #labelPrefixes: readonly string[];
  readonly #finalizers: Pick<Workloads, 'ensureFinalizer' | 'releaseFinalizer'>;
  readonly #revisions: TemplateRevisions;

  constructor(options: {
    clients: KubeClients;
    reader: ClusterReader;
    finalizers: Pick<Workloads, 'ensureFinalizer' | 'releaseFinalizer'>;
    logger?: Logger;
    includeLabelPrefix?: readonly string[];
  }) {
    this.#clients = options.clients;
    this.#reader = options.reader;
    this.#finalizers = options.finalizers;
    this.#log = options.logger;
    this.#labelPrefixes = options.includeLabelPrefix ?? [];
    this.#revisions = new TemplateRevisions(options.reader);
  }

  async observe(canary: Canary): Promise<{ target?: TargetObservation; primary?: WorkloadObservation }> {
    const namespace = canary.metadata.namespace!;
    const name = canary.spec.targetRef.name;
    const [target, primary] = await Promise.all([this.#reader.daemonSet(namespace, name), this.#reader.daemonSet(namespace, primaryName(name))]);
    const result: { target?: TargetObservation; primary?: WorkloadObservation } = {};
    if (target) {
      const template = daemonSetTemplate(target);
      const revision = await this.#revisions.of(target, namespace, template);
      result.target = { ...observeDaemonSet(target), revision: revision.hash, trackedConfigs: revision.trackedConfigs };
    }
    if (primary) result.primary = observeDaemonSet(primary);
    return result;
  }

  async ensurePrimary(canary: Canary): Promise<void> {
    const target = await this.#target(canary);
    await this.#applyPrimary(canary, target);
    await applyCanaryServices(this.#clients.core, canary, this.#selector(target), daemonSetTemplate(target).spec, this.#reader);
  }

  async scaleCanary(canary: Canary, to: 'up' | 'zero'): Promise<void> {
    await scaleDaemonSet(this.#clients.apps, await this.#target(canary), to);
  }

  /** A DaemonSet has no autoscaler (validation refuses one). */
  async syncAutoscaler(): Promise<void> {}

  async promotePrimary(canary: Canary): Promise<void> {
    await this.#applyPrimary(canary, await this.#target(canary));
  }

  /** A baseline is a Deployment at the canary's size; a DaemonSet has none (validation refuses `analysis.baseline` for one). */
  async ensureBaseline(canary: Canary): Promise<void> {
    throw new Error(`Canary ${canary.metadata.namespace}/${canary.metadata.name}: analysis.baseline is for Deployment targets; a DaemonSet runs on every node and has no size to copy`);
  }

  /** Nothing to remove: a DaemonSet target never gets a baseline. */
  async removeBaseline(): Promise<void> {}

  async finalize(canary: Canary): Promise<void> {
    const namespace = canary.metadata.namespace!;
    const target = await this.#reader.daemonSet(namespace, canary.spec.targetRef.name);
    const primary = await this.#reader.daemonSet(namespace, primaryName(canary.spec.targetRef.name));
    if (target) {
      await scaleDaemonSet(this.#clients.apps, target, 'up');
      await releaseCanaryServices(this.#clients.core, canary, this.#selector(target), daemonSetTemplate(target).spec, this.#log);
    }
    if (primary) {
      await deletePrimaryConfigCopies(this.#clients.core, namespace, primary.spec?.template?.spec);
      await deleteIgnoringMissing(() => this.#clients.apps.deleteNamespacedDaemonSet({ name: primary.metadata!.name!, namespace }));
    }
    await this.releaseFinalizer(canary);
  }

  ensureFinalizer(canary: Canary): Promise<void> {
    return this.#finalizers.ensureFinalizer(canary);
  }

  releaseFinalizer(canary: Canary): Promise<void> {
    return this.#finalizers.releaseFinalizer(canary);
  }

  async #applyPrimary(canary: Canary, target: V1DaemonSet): Promise<void> {
    const owner = canaryOwner(canary);
    const configs = await trackedConfigObjects(this.#reader, target.metadata!.namespace!, daemonSetTemplate(target).spec);
    const copied = await copyConfigsForPrimary(this.#clients.core, configs, owner, this.#labelPrefixes);
    await applyPrimaryDaemonSet(this.#clients.apps, target, owner, { ...copied, labelPrefixes: this.#labelPrefixes });
  }

  #selector(target: V1DaemonSet): Record<string, string> {
    return targetSelector({ ...target, kind: 'DaemonSet' });
  }

  async #target(canary: Canary): Promise<V1DaemonSet> {
    const namespace = canary.metadata.namespace!;
    const target = await this.#reader.daemonSet(namespace, canary.spec.targetRef.name);
    if (!target) throw new DaemonSetNotFound(namespace, canary.spec.targetRef.name);
    return target;
  }
}
