import { ApiextensionsV1Api } from '@kubernetes/client-node';
import type { Canary } from '../api/canary.ts';
import { readOptional } from '../kube/create-or-patch.ts';
import type { KubeClients } from '../kube/client.ts';
import { ApiDiscovery } from './api-discovery.ts';
import { GatewayApiRouter, type HttpRouteCache, type HttpRouteCrdSource } from './gateway-api/gateway-api-router.ts';
import { HTTPROUTE_CRD } from './gateway-api/http-route.ts';
import { parseProvider } from './provider.ts';
import { KubernetesRouter } from './kubernetes-router.ts';
import type { TrafficRouter } from './router.ts';
import { SmiTrafficSplitRouter, type TrafficSplitCache } from './smi-trafficsplit.ts';

/**
 * Hands each Canary the router its `spec.provider` names: SMI TrafficSplit (`smi`, the default) or
 * Gateway API HTTPRoute (`gatewayapi`). One router per kind is shared by all Canaries (each reads the
 * pinned version from the Canary itself).
 */
export class RouterFactory {
  readonly #smi: SmiTrafficSplitRouter;
  readonly #gateway: GatewayApiRouter;
  readonly #kubernetes = new KubernetesRouter();

  constructor(options: {
    clients: KubeClients;
    discovery?: ApiDiscovery;
    splits?: TrafficSplitCache;
    routes?: HttpRouteCache;
    /** The installed HTTPRoute CRD, from a cache; read from the API server when not given. */
    httpRouteCrd?: HttpRouteCrdSource;
  }) {
    const discovery = options.discovery ?? new ApiDiscovery(options.clients.apis);
    this.#smi = new SmiTrafficSplitRouter({ custom: options.clients.custom, discovery, splits: options.splits });
    const extensions = options.clients.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = options.httpRouteCrd ?? (() => readOptional(() => extensions.readCustomResourceDefinition({ name: HTTPROUTE_CRD })));
    this.#gateway = new GatewayApiRouter({ custom: options.clients.custom, crd, routes: options.routes });
  }

  /** The router for a Canary; throws UnknownProvider for a provider Kanari does not have. */
  forCanary(canary: Canary): TrafficRouter {
    const provider = parseProvider(canary.spec.provider);
    switch (provider.kind) {
      case 'smi':
        return this.#smi;
      case 'gatewayapi':
        return this.#gateway;
      case 'kubernetes':
        return this.#kubernetes;
    }
  }

  /** Every router, e.g. to refresh them all when CRDs change. */
  all(): TrafficRouter[] {
    return [this.#smi, this.#gateway, this.#kubernetes];
  }
}
