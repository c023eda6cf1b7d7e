import type { CustomObjectsApi, V1CustomResourceDefinition } from '@kubernetes/client-node';
import type { Canary, CanaryMatch } from '../../api/canary.ts';
import type { HttpRouteVersion } from '../../api/router-provider.ts';
import type { RouterObservation, Weights } from '../../engine/observation.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../kube/api-errors.ts';
import { deleteIgnoringMissing, readOptional } from '../../kube/create-or-patch.ts';
import { controllerReference, withOwner } from '../../kube/owner.ts';
import { mergePatchOptions } from '../../kube/patch.ts';
import { stableJson } from '../../text/stable-json.ts';
import { parseProvider } from '../provider.ts';
import type { RouterCapabilities, TrafficRouter } from '../router.ts';
import { RouteWriteConflict, RouterError } from '../router-errors.ts';
import { desiredRoute, routeServices, type TrafficState } from './desired-route.ts';
import { GATEWAY_GROUP, HTTPROUTE_PLURAL, type HttpRoute } from './http-route.ts';
import { routeStatusOf } from './route-acceptance.ts';
import { httpRouteFeatures, type HttpRouteFeatures } from './route-features.ts';
import { mergeSpec } from './route-merge.ts';
import { releasedRoute } from './route-release.ts';
import { routeWeights, trafficStateOf } from './route-state.ts';
import { chooseHttpRouteVersion } from './route-versions.ts';

/** Where the router may read HTTPRoutes without a request (the controller's informer cache). */
export interface HttpRouteCache {
  get(version: string, namespace: string, name: string): HttpRoute | undefined;
}

/** The HTTPRoute CRD as installed (served versions, schema), or undefined when it is not installed. */
export type HttpRouteCrdSource = () => Promise<V1CustomResourceDefinition | undefined>;

// Three writers racing on one route in a row means someone keeps changing it; the next tick tries again.
const MAX_WRITE_ATTEMPTS = 3;

/**
 * The Gateway API router: one HTTPRoute per Canary, named after the apex Service and owned by the
 * Canary, attached to `service.gatewayRefs` (north–south) or to the apex Service (in-mesh, GAMMA). The
 * served versions and optional fields come from the installed HTTPRoute CRD, so the same Canary works on
 * Gateway API v0.6 (v1beta1) through v1.x. Kanari writes only its part of the route: rules and fields of
 * other writers survive every write.
 */
export class GatewayApiRouter implements TrafficRouter {
  readonly #custom: CustomObjectsApi;
  readonly #crd: HttpRouteCrdSource;
  readonly #routes: HttpRouteCache | undefined;
  /** The generation each route had after Kanari's last write: a cached copy older than that is stale. */
  readonly #written = new Map<string, number>();

  constructor(options: { custom: CustomObjectsApi; crd: HttpRouteCrdSource; routes?: HttpRouteCache }) {
    this.#custom = options.custom;
    this.#crd = options.crd;
    this.#routes = options.routes;
  }

  /** Nothing is remembered about the CRD between calls: its source is the (watched) cache. */
  async refresh(): Promise<void> {}

  /** What the cluster can express for this Canary. */
  async capabilities(canary: Canary): Promise<RouterCapabilities> {
    try {
      const { version } = await this.#api(canary);
      return { available: true, abTesting: true, apiVersion: `${GATEWAY_GROUP}/${version}` };
    } catch (err) {
      if (err instanceof RouterError) return { available: false, abTesting: false, reason: err.reason, message: err.message };
      throw err;
    }
  }

  /** The engine's view: availability, weights, whether they are in force and whether the route is current. */
  async observe(canary: Canary): Promise<RouterObservation> {
    let api: { version: HttpRouteVersion; features: HttpRouteFeatures };
    try {
      api = await this.#api(canary);
    } catch (err) {
      if (err instanceof RouterError) return { available: false, abTesting: false, reason: err.message };
      throw err;
    }
    const route = await this.#read(canary, api.version, false);
    const observation: RouterObservation = { available: true, abTesting: true, mirrorPercent: api.features.mirrorPercent };
    // A missing route (deleted by someone, or a Canary just moved from SMI) is written again at the next tick.
    if (!route) return { ...observation, routeCurrent: false };
    const services = routeServices(canary);
    const weights = routeWeights(route, services);
    if (weights) observation.weights = weights;
    observation.weightsFresh = true;
    const written = this.#written.get(`${canary.metadata.namespace}/${route.metadata.name}`);
    if (written !== undefined && route.metadata.generation === written) observation.ownWrite = true;
    observation.routeStatus = routeStatusOf(route);
    const desired = this.#body(canary, route, trafficStateOf(route, services, canary.spec.analysis.match), api.features);
    observation.routeCurrent = desired === undefined;
    return observation;
  }

  /** The route's current weights, or undefined when there is no route. */
  async getWeights(canary: Canary): Promise<Weights | undefined> {
    const { version } = await this.#api(canary);
    return routeWeights(await this.#read(canary, version, false), routeServices(canary));
  }

  /** Creates the route at 0/100 when missing; an existing route keeps its weights and A/B state, the rest follows the spec. */
  async ensureRoute(canary: Canary): Promise<void> {
    await this.#sync(canary, (state) => state);
  }

  /** Writes the weights (with the cookies and mirroring the status says); idempotent. */
  async setWeights(canary: Canary, weights: Weights): Promise<void> {
    await this.#sync(canary, (state) => ({ ...state, weights }));
  }

  /** Puts up the A/B rules for `matches`, or takes them down (`[]`); idempotent. */
  async setRouteMatches(canary: Canary, matches: CanaryMatch[]): Promise<void> {
    await this.#sync(canary, (state) => (matches.length > 0 ? { ...state, abMatches: matches } : { weights: state.weights }));
  }

  /**
   * In-mesh, the route goes and the apex Service routes as it did before Kanari. Behind a Gateway the
   * route is what makes the app reachable, so it is handed over instead: every request to the apex
   * Service (which revertOnDeletion points back at the target), and no longer owned by the Canary.
   */
  async removeRoute(canary: Canary): Promise<void> {
    let version: HttpRouteVersion;
    try {
      ({ version } = await this.#api(canary));
    } catch (err) {
      if (err instanceof RouterError) return;
      throw err;
    }
    const namespace = canary.metadata.namespace!;
    const name = routeServices(canary).apex;
    this.#written.delete(`${namespace}/${name}`);
    if ((canary.spec.service.gatewayRefs?.length ?? 0) === 0) {
      await deleteIgnoringMissing(() => this.#custom.deleteNamespacedCustomObject({ group: GATEWAY_GROUP, version, namespace, plural: HTTPROUTE_PLURAL, name }));
      return;
    }
    const current = await this.#read(canary, version, true);
    if (!current) return;
    const body = releasedRoute(current, canary);
    await this.#custom.patchNamespacedCustomObject({ group: GATEWAY_GROUP, version, namespace, plural: HTTPROUTE_PLURAL, name, body }, mergePatchOptions());
  }

  /** The version to write and the fields it has, from the installed CRD and `spec.provider`. */
  async #api(canary: Canary): Promise<{ version: HttpRouteVersion; features: HttpRouteFeatures }> {
    const provider = parseProvider(canary.spec.provider);
    const crd = await this.#crd();
    const served = (crd?.spec.versions ?? []).filter((v) => v.served).map((v) => v.name);
    const version = chooseHttpRouteVersion(served, provider.kind === 'gatewayapi' ? provider.pinnedVersion : undefined);
    return { version, features: httpRouteFeatures(crd, version) };
  }

  async #read(canary: Canary, version: HttpRouteVersion, fresh: boolean): Promise<HttpRoute | undefined> {
    const namespace = canary.metadata.namespace!;
    const name = routeServices(canary).apex;
    // The cache answers steady-state ticks; a miss, or a copy older than Kanari's own last write, asks the API.
    if (!fresh) {
      const cached = this.#routes?.get(version, namespace, name);
      const written = this.#written.get(`${namespace}/${name}`);
      if (cached && (written === undefined || (cached.metadata.generation ?? 0) >= written)) return cached;
    }
    return (await readOptional(() => this.#custom.getNamespacedCustomObject({ group: GATEWAY_GROUP, version, namespace, plural: HTTPROUTE_PLURAL, name }))) as HttpRoute | undefined;
  }

  /** The merge patch that lays Kanari's part over `current`, or undefined when the route already says it. */
  #body(canary: Canary, current: HttpRoute, state: TrafficState, features: HttpRouteFeatures): Record<string, unknown> | undefined {
    const services = routeServices(canary);
    const spec = mergeSpec(current.spec, desiredRoute(canary, state, features), services);
    const patch: { metadata: Record<string, unknown>; spec?: Record<string, unknown> } = { metadata: {} };
    if (stableJson(spec) !== stableJson(current.spec)) {
      patch.spec = { parentRefs: spec.parentRefs, rules: spec.rules };
      if (spec.hostnames !== undefined) patch.spec.hostnames = spec.hostnames;
    }
    const ownerReferences = withOwner(current.metadata as never, canary);
    if (ownerReferences) patch.metadata.ownerReferences = ownerReferences;
    for (const key of ['labels', 'annotations'] as const) {
      const wanted = canary.spec.service.apex?.[key] ?? {};
      const have = current.metadata[key] ?? {};
      const missing = Object.entries(wanted).filter(([k, v]) => have[k] !== v);
      if (missing.length > 0) patch.metadata[key] = Object.fromEntries(missing);
    }
    if (!patch.spec && Object.keys(patch.metadata).length === 0) return undefined;
    patch.metadata.resourceVersion = current.metadata.resourceVersion;
    return patch;
  }

  /** Reads the route, changes its traffic state with `change`, and writes what differs; retried on a write race. */
  async #sync(canary: Canary, change: (state: TrafficState) => TrafficState): Promise<void> {
    const { version, features } = await this.#api(canary);
    const namespace = canary.metadata.namespace!;
    const services = routeServices(canary);
    const name = services.apex;
    const at = { group: GATEWAY_GROUP, version, namespace, plural: HTTPROUTE_PLURAL };
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.#read(canary, version, attempt > 0);
      const state = change(trafficStateOf(current, services, canary.spec.analysis.match));
      try {
        let written: HttpRoute;
        if (!current) {
          const desired = desiredRoute(canary, state, features);
          const body = {
            apiVersion: `${GATEWAY_GROUP}/${version}`,
            kind: 'HTTPRoute',
            metadata: { name, namespace, labels: canary.spec.service.apex?.labels, annotations: canary.spec.service.apex?.annotations, ownerReferences: [controllerReference(canary)] },
            spec: mergeSpec(undefined, desired, services),
          };
          written = (await this.#custom.createNamespacedCustomObject({ ...at, body })) as HttpRoute;
        } else {
          const body = this.#body(canary, current, state, features);
          if (!body) return;
          written = (await this.#custom.patchNamespacedCustomObject({ ...at, name, body }, mergePatchOptions())) as HttpRoute;
        }
        this.#written.set(`${namespace}/${name}`, written.metadata.generation ?? 0);
        return;
      } catch (err) {
        // Another writer got there first (a create race, a changed resourceVersion): read again and redo.
        if (isConflict(err) || isAlreadyExists(err)) continue;
        if (isNotFound(err) && current) continue;
        throw err;
      }
    }
    throw new RouteWriteConflict(`${namespace}/${name}`, MAX_WRITE_ATTEMPTS);
  }
}
