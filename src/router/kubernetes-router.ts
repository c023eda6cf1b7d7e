import type { Canary, CanaryMatch } from '../api/canary.ts';
import type { RouterObservation, Weights } from '../engine/observation.ts';
import type { RouterCapabilities, TrafficRouter } from './router.ts';

/**
 * Flagger's `provider: kubernetes`: no traffic API at all. The apex Service always selects the primary
 * pods (the workload layer makes it so); the canary is exercised through its own `<service>-canary`
 * Service by webhooks and load tests; promotion copies the canary's spec to the primary, which the apex
 * Service then serves. So every routing action is a no-op that succeeds, and the route is always there.
 */
export class KubernetesRouter implements TrafficRouter {
  async observe(): Promise<RouterObservation> {
    return { available: true, abTesting: false, routesTraffic: false };
  }

  async ensureRoute(): Promise<void> {}

  async removeRoute(): Promise<void> {}

  async setWeights(_canary: Canary, _weights: Weights): Promise<void> {}

  async setRouteMatches(_canary: Canary, _matches: CanaryMatch[]): Promise<void> {}

  async getWeights(): Promise<Weights | undefined> {
    return undefined;
  }

  async capabilities(): Promise<RouterCapabilities> {
    return { available: true, abTesting: false };
  }

  async refresh(): Promise<void> {}
}
