import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import type { CanaryStatus } from '../api/canary-status.ts';
import type { StatusWriter } from '../engine/ports.ts';
import type { StatusSubresourceWriter } from '../kube/status-writer.ts';

/** The engine's StatusWriter: the Canary's `/status`, written with the resourceVersion precondition. */
export class CanaryStatusWriter implements StatusWriter {
  readonly #writer: StatusSubresourceWriter;

  constructor(writer: StatusSubresourceWriter) {
    this.#writer = writer;
  }

  /** Writes the decided status; `conflict` means someone changed the Canary since `resourceVersion`. */
  write(canary: Canary, status: CanaryStatus, resourceVersion: string): Promise<'written' | 'conflict'> {
    const address = { group: API_GROUP, version: API_VERSION, plural: 'canaries', namespace: canary.metadata.namespace!, name: canary.metadata.name! };
    return this.#writer.write(address, canary.status, status, resourceVersion);
  }
}
