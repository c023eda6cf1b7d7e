import type { Canary } from '../api/canary.ts';
import type { Workloads } from '../engine/ports.ts';

/** The Workloads port for every Canary: each call goes to the implementation of its target's kind. */
export class TargetWorkloads implements Workloads {
  readonly #deployments: Workloads;
  readonly #daemonSets: Workloads;

  constructor(options: { deployments: Workloads; daemonSets: Workloads }) {
    this.#deployments = options.deployments;
    this.#daemonSets = options.daemonSets;
  }

  #for(canary: Canary): Workloads {
    return canary.spec.targetRef.kind === 'DaemonSet' ? this.#daemonSets : this.#deployments;
  }

  observe(canary: Canary) {
    return this.#for(canary).observe(canary);
  }

  ensurePrimary(canary: Canary) {
    return this.#for(canary).ensurePrimary(canary);
  }

  scaleCanary(canary: Canary, to: 'up' | 'zero') {
    return this.#for(canary).scaleCanary(canary, to);
  }

  syncAutoscaler(canary: Canary) {
    return this.#for(canary).syncAutoscaler(canary);
  }

  promotePrimary(canary: Canary) {
    return this.#for(canary).promotePrimary(canary);
  }

  ensureBaseline(canary: Canary) {
    return this.#for(canary).ensureBaseline(canary);
  }

  removeBaseline(canary: Canary) {
    return this.#for(canary).removeBaseline(canary);
  }

  finalize(canary: Canary) {
    return this.#for(canary).finalize(canary);
  }

  ensureFinalizer(canary: Canary) {
    return this.#for(canary).ensureFinalizer(canary);
  }

  releaseFinalizer(canary: Canary) {
    return this.#for(canary).releaseFinalizer(canary);
  }
}
