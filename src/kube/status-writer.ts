import type { CustomObjectsApi } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import type { CanaryStatus } from '../api/canary-status.ts';
import type { StatusWriter } from '../engine/ports.ts';
import { isConflict } from './api-errors.ts';
import { mergePatchOptions, replacingPatch } from './patch.ts';

/** The outcome of a status write that re-reads on conflict. */
export type StatusWriteResult = { outcome: 'written'; canary: Canary } | { outcome: 'conflict'; latest: Canary };

/**
 * Writes the Canary's status through the `/status` subresource with a merge patch that carries
 * `metadata.resourceVersion` as precondition: a status computed from a stale read is refused (409)
 * rather than overwriting a newer one. Fields the new status drops are nulled, so the written status
 * is exactly the decided one.
 */
export class CanaryStatusWriter implements StatusWriter {
  readonly #custom: CustomObjectsApi;

  constructor(custom: CustomObjectsApi) {
    this.#custom = custom;
  }

  /** Writes the status; `conflict` means someone changed the Canary since `resourceVersion`. */
  async write(canary: Canary, status: CanaryStatus, resourceVersion: string): Promise<'written' | 'conflict'> {
    try {
      await this.#patch(canary, status, resourceVersion);
      return 'written';
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      throw err;
    }
  }

  /** Writes the status, or on conflict re-reads the Canary and hands it back so the caller re-decides. */
  async writeOrReread(canary: Canary, status: CanaryStatus): Promise<StatusWriteResult> {
    try {
      return { outcome: 'written', canary: await this.#patch(canary, status, canary.metadata.resourceVersion ?? '') };
    } catch (err) {
      if (!isConflict(err)) throw err;
      const latest = (await this.#custom.getNamespacedCustomObject({ ...this.#address(canary) })) as Canary;
      return { outcome: 'conflict', latest };
    }
  }

  async #patch(canary: Canary, status: CanaryStatus, resourceVersion: string): Promise<Canary> {
    const body = { metadata: { resourceVersion }, status: replacingPatch(canary.status ?? {}, status) };
    return (await this.#custom.patchNamespacedCustomObjectStatus({ ...this.#address(canary), body }, mergePatchOptions())) as Canary;
  }

  #address(canary: Canary) {
    return { group: API_GROUP, version: API_VERSION, plural: 'canaries', namespace: canary.metadata.namespace!, name: canary.metadata.name! };
  }
}
