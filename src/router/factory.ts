import type { Canary } from '../api/canary.ts';
import type { KubeClients } from '../kube/client.ts';
import { ApiDiscovery } from './api-discovery.ts';
import { parseProvider } from './provider.ts';
import { KubernetesRouter } from './kubernetes-router.ts';
import type { TrafficRouter } from './router.ts';
import { SmiTrafficSplitRouter, type TrafficSplitCache } from './smi-trafficsplit.ts';

/**
 * Hands each Canary the router its `spec.provider` names. One router per kind is shared by all
 * Canaries (the SMI router reads the pinned version from the Canary itself). A `gatewayapi` kind slots
 * in here beside `smi`.
 */
export class RouterFactory {
  readonly #smi: SmiTrafficSplitRouter;
  readonly #kubernetes = new KubernetesRouter();

  constructor(options: { clients: KubeClients; discovery?: ApiDiscovery; splits?: TrafficSplitCache }) {
    const discovery = options.discovery ?? new ApiDiscovery(options.clients.apis);
    this.#smi = new SmiTrafficSplitRouter({ custom: options.clients.custom, discovery, splits: options.splits });
  }

  /** The router for a Canary; throws UnknownProvider for a provider Kanari does not have. */
  forCanary(canary: Canary): TrafficRouter {
    const provider = parseProvider(canary.spec.provider);
    switch (provider.kind) {
      case 'smi':
        return this.#smi;
      case 'kubernetes':
        return this.#kubernetes;
    }
  }

  /** Every router, e.g. to refresh them all when CRDs change. */
  all(): TrafficRouter[] {
    return [this.#smi, this.#kubernetes];
  }
}
