import type { CustomObjectsApi } from '@kubernetes/client-node';
import { isConflict } from './api-errors.ts';
import { mergePatchOptions, replacingPatch } from './patch.ts';

/** Where a custom object lives: its API group, version, plural and namespaced name. */
export interface CustomObjectAddress {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/**
 * Writes a custom object's status through the `/status` subresource with a merge patch that carries
 * `metadata.resourceVersion` as precondition: a status computed from a stale read is refused (409)
 * rather than overwriting a newer one. Fields the new status drops are nulled, so the written status
 * is exactly the decided one.
 */
export class StatusSubresourceWriter {
  readonly #custom: CustomObjectsApi;

  constructor(custom: CustomObjectsApi) {
    this.#custom = custom;
  }

  /** Writes `next` over `current`; `conflict` means someone changed the object since `resourceVersion`. */
  async write(address: CustomObjectAddress, current: unknown, next: unknown, resourceVersion: string): Promise<'written' | 'conflict'> {
    const body = { metadata: { resourceVersion }, status: replacingPatch(current ?? {}, next) };
    try {
      await this.#custom.patchNamespacedCustomObjectStatus({ ...address, body }, mergePatchOptions());
      return 'written';
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      throw err;
    }
  }
}
