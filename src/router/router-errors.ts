/**
 * Router failures a person can act on. `reason` is the machine word that ends up in the Canary's Ready
 * condition and Event; the message says what to do.
 */
export class RouterError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = reason;
    this.reason = reason;
  }
}

/** No version of `split.smi-spec.io` is served by the cluster. */
export class TrafficSplitNotServed extends RouterError {
  constructor() {
    super('TrafficSplitNotServed', 'TrafficSplit CRD not installed: install your mesh\'s SMI extension (e.g. linkerd-smi) so split.smi-spec.io is served');
  }
}

/** `provider: smi:<version>` pins a TrafficSplit version the cluster does not serve. */
export class TrafficSplitVersionNotServed extends RouterError {
  constructor(pinned: string, served: readonly string[]) {
    super('TrafficSplitVersionNotServed', `spec.provider pins TrafficSplit ${pinned}, but the cluster serves ${served.join(', ') || 'no version'}: change spec.provider to smi or to a served version`);
  }
}

/** A/B testing (analysis.match) needs TrafficSplit `matches` (v1alpha3+) and an HTTPRouteGroup with headers. */
export class ABTestingNotSupported extends RouterError {
  constructor(detail: string) {
    super('ABTestingNotSupported', `A/B testing (analysis.match) needs TrafficSplit v1alpha3 or newer and HTTPRouteGroup v1alpha2 or newer: ${detail}`);
  }
}

/** `spec.provider` names a router Kanari does not have. */
export class UnknownProvider extends RouterError {
  constructor(provider: string) {
    super('UnknownProvider', `spec.provider "${provider}" is not supported: use smi (or smi:v1alpha1 … smi:v1alpha4 to pin a TrafficSplit version), gatewayapi (gatewayapi:v1, gatewayapi:v1beta1), or kubernetes to route nothing`);
  }
}

/** No version of the HTTPRoute API (`gateway.networking.k8s.io`) is served by the cluster. */
export class HttpRouteNotServed extends RouterError {
  constructor() {
    super('HTTPRouteNotServed', "HTTPRoute API not served: install the Gateway API CRDs (standard channel, v1.0.0 or newer: kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml) or enable your mesh's Gateway API support");
  }
}

/** `provider: gatewayapi:<version>` pins an HTTPRoute version the cluster does not serve. */
export class HttpRouteVersionNotServed extends RouterError {
  constructor(pinned: string, served: readonly string[]) {
    super('HTTPRouteVersionNotServed', `spec.provider pins HTTPRoute ${pinned}, but the cluster serves ${served.join(', ') || 'no version'}: change spec.provider to gatewayapi or to a served version`);
  }
}

/** The Canary asks for what only the Gateway API router can express (mirroring, cookies, query matches…). */
export class NeedsGatewayApi extends RouterError {
  constructor(fields: readonly string[]) {
    super('NeedsGatewayAPI', `${fields.join(', ')} cannot be expressed with SMI TrafficSplit: set spec.provider to gatewayapi (HTTPRoute) or remove ${fields.length > 1 ? 'them' : 'it'}`);
  }
}

/** Kanari's writes to a route kept losing races: another writer changes it as fast as Kanari does. */
export class RouteWriteConflict extends RouterError {
  constructor(route: string, attempts: number) {
    super('RouteWriteConflict', `HTTPRoute ${route} kept changing under Kanari's writes (${attempts} conflicts in a row): another controller may be fighting over it`);
  }
}
