import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { Canary, CanaryMatch } from '../api/canary.ts';
import type { RouterObservation, Weights } from '../engine/observation.ts';
import { isAlreadyExists, isNotFound } from '../kube/api-errors.ts';
import { deleteIgnoringMissing, readOptional } from '../kube/create-or-patch.ts';
import { controllerReference, withOwner } from '../kube/owner.ts';
import { mergePatchOptions } from '../kube/patch.ts';
import { baselineServiceName, canaryServiceName, primaryServiceName, serviceNameOf } from '../api/names.ts';
import { stableJson } from '../text/stable-json.ts';
import type { ApiDiscovery } from './api-discovery.ts';
import { httpRouteGroup, ROUTE_GROUP_PLURAL, routeMatches, SPECS_GROUP } from './http-route-group.ts';
import { parseProvider } from './provider.ts';
import type { RouterCapabilities, TrafficRouter } from './router.ts';
import { gatewayOnlyFields } from './gateway-only-fields.ts';
import { ABTestingNotSupported, NeedsGatewayApi, RouterError, TrafficSplitNotServed } from './router-errors.ts';
import { chooseSmiVersions, splitHasMatches, type SmiChoice } from './smi-versions.ts';
import { readWeights, SPLIT_GROUP, SPLIT_PLURAL, splitBackends, trafficSplit, type SplitServices, type TrafficSplit } from './traffic-split.ts';

/**
 * The SMI TrafficSplit router. Served versions come from discovery; each Canary's split is written in
 * the newest version that can express it (or the one `spec.provider` pins), so the same Canary works
 * on Linkerd (v1alpha1/2), OSM (v1alpha2), Traefik Mesh (v1alpha3) and the SDK's CRD (v1alpha4).
 */
/** Where the router may read TrafficSplits without a request (the controller's informer cache). */
export interface TrafficSplitCache {
  get(version: string, namespace: string, name: string): TrafficSplit | undefined;
  /** Whether the cache of `version` holds a full list, so that a miss means there is no such split. */
  synced?(version: string): boolean;
}

export class SmiTrafficSplitRouter implements TrafficRouter {
  readonly #custom: CustomObjectsApi;
  readonly #discovery: ApiDiscovery;
  readonly #splits: TrafficSplitCache | undefined;

  constructor(options: { custom: CustomObjectsApi; discovery: ApiDiscovery; splits?: TrafficSplitCache }) {
    this.#custom = options.custom;
    this.#discovery = options.discovery;
    this.#splits = options.splits;
  }

  /** Re-detects the served SMI versions. */
  async refresh(): Promise<void> {
    await this.#discovery.refresh();
  }

  /** What the cluster can express for this Canary. */
  async capabilities(canary: Canary): Promise<RouterCapabilities> {
    try {
      const gatewayOnly = gatewayOnlyFields(canary);
      if (gatewayOnly.length > 0) throw new NeedsGatewayApi(gatewayOnly);
      const choice = await this.#choose(canary, false);
      const abTesting = await this.#choose(canary, true).then(
        () => true,
        () => false,
      );
      return { available: true, abTesting, apiVersion: `${SPLIT_GROUP}/${choice.split}` };
    } catch (err) {
      if (err instanceof RouterError) return { available: false, abTesting: false, reason: err.reason, message: err.message };
      throw err;
    }
  }

  /** The engine's view: availability, A/B support and the current weights. */
  async observe(canary: Canary): Promise<RouterObservation> {
    const capabilities = await this.capabilities(canary);
    if (!capabilities.available) return { available: false, abTesting: false, reason: capabilities.message };
    const weights = await this.getWeights(canary);
    return weights ? { available: true, abTesting: capabilities.abTesting, weights } : { available: true, abTesting: capabilities.abTesting };
  }

  /** The split's current weights, read from numbers or Quantity strings. */
  async getWeights(canary: Canary): Promise<Weights | undefined> {
    const choice = await this.#choose(canary, false);
    const split = await this.#readSplit(canary, choice);
    return split ? readWeights(split, this.#services(canary)) : undefined;
  }

  /** Creates the split at 0/100 when missing; an existing split keeps its weights (a restart must not reset a run). */
  async ensureRoute(canary: Canary): Promise<void> {
    const choice = await this.#choose(canary, false);
    const keepWeights = (existing: TrafficSplit) => this.#syncSplit(canary, choice, existing, readWeights(existing, this.#services(canary)) ?? { canary: 0, primary: 100 });
    const existing = await this.#readSplit(canary, choice);
    if (existing) return keepWeights(existing);
    await this.#createSplit(canary, choice, { canary: 0, primary: 100 }, keepWeights);
  }

  /** Writes the weights (integers summing to 100); does nothing when the split already says so. */
  async setWeights(canary: Canary, weights: Weights): Promise<void> {
    const choice = await this.#choose(canary, false);
    const sync = (existing: TrafficSplit) => this.#syncSplit(canary, choice, existing, weights);
    const existing = await this.#readSplit(canary, choice);
    if (!existing) return this.#createSplit(canary, choice, weights, sync);
    await sync(existing);
  }

  /** Writes the HTTPRouteGroup for A/B and references it from the split; `[]` removes both. */
  async setRouteMatches(canary: Canary, matches: CanaryMatch[]): Promise<void> {
    const namespace = canary.metadata.namespace!;
    const name = this.#splitName(canary);
    if (matches.length === 0) {
      const choice = await this.#choose(canary, false);
      const split = await this.#readSplit(canary, choice);
      if (splitHasMatches(choice.split) && split?.spec.matches && split.spec.matches.length > 0) await this.#patchSplit(choice, namespace, name, { spec: { matches: null } });
      const specsVersions = await this.#discovery.servedVersions(SPECS_GROUP);
      if (specsVersions.length > 0) {
        const version = specsVersions[0];
        await deleteIgnoringMissing(() => this.#custom.deleteNamespacedCustomObject({ group: SPECS_GROUP, version, namespace, plural: ROUTE_GROUP_PLURAL, name }));
      }
      return;
    }
    const choice = await this.#choose(canary, true);
    const routeVersion = choice.routeGroup!;
    const desired = httpRouteGroup(routeVersion, name, namespace, routeMatches(matches));
    (desired.metadata as Record<string, unknown>).ownerReferences = [controllerReference(canary)];
    const current = await readOptional(() => this.#custom.getNamespacedCustomObject({ group: SPECS_GROUP, version: routeVersion, namespace, plural: ROUTE_GROUP_PLURAL, name }));
    if (!current) {
      await this.#custom.createNamespacedCustomObject({ group: SPECS_GROUP, version: routeVersion, namespace, plural: ROUTE_GROUP_PLURAL, body: desired });
    } else {
      const body = routeVersion === 'v1alpha2' ? { matches: desired.matches } : { spec: desired.spec };
      const cur = current as Record<string, unknown>;
      const currentBody = routeVersion === 'v1alpha2' ? { matches: cur.matches } : { spec: cur.spec };
      if (stableJson(currentBody) !== stableJson(body)) {
        await this.#custom.patchNamespacedCustomObject({ group: SPECS_GROUP, version: routeVersion, namespace, plural: ROUTE_GROUP_PLURAL, name, body }, mergePatchOptions());
      }
    }
    const split = await this.#readSplit(canary, choice);
    const reference = [{ kind: 'HTTPRouteGroup', name, apiGroup: SPECS_GROUP }];
    const addReference = async (existing: TrafficSplit) => {
      if (stableJson(existing.spec.matches ?? []) !== stableJson(reference)) await this.#patchSplit(choice, namespace, name, { spec: { matches: reference } });
    };
    if (!split) return this.#createSplit(canary, choice, { canary: 0, primary: 100 }, addReference);
    await addReference(split);
  }

  /** Deletes the split and the route group. */
  async removeRoute(canary: Canary): Promise<void> {
    const namespace = canary.metadata.namespace!;
    const name = this.#splitName(canary);
    const split = await this.#discovery.servedVersions(SPLIT_GROUP);
    if (split.length > 0) await deleteIgnoringMissing(() => this.#custom.deleteNamespacedCustomObject({ group: SPLIT_GROUP, version: split[0], namespace, plural: SPLIT_PLURAL, name }));
    const specs = await this.#discovery.servedVersions(SPECS_GROUP);
    if (specs.length > 0) await deleteIgnoringMissing(() => this.#custom.deleteNamespacedCustomObject({ group: SPECS_GROUP, version: specs[0], namespace, plural: ROUTE_GROUP_PLURAL, name }));
  }

  async #choose(canary: Canary, needsMatches: boolean): Promise<SmiChoice> {
    const provider = parseProvider(canary.spec.provider);
    const pinnedVersion = provider.kind === 'smi' ? provider.pinnedVersion : undefined;
    const served = { split: await this.#discovery.servedVersions(SPLIT_GROUP), specs: await this.#discovery.servedVersions(SPECS_GROUP) };
    if (needsMatches) return chooseSmiVersions(served, true, pinnedVersion);
    const isAB = (canary.spec.analysis.match?.length ?? 0) > 0;
    try {
      return chooseSmiVersions(served, isAB, pinnedVersion);
    } catch (err) {
      // An A/B Canary on a cluster without matches still gets a split; observe() reports abTesting false.
      if (err instanceof ABTestingNotSupported) return chooseSmiVersions(served, false, pinnedVersion);
      throw err;
    }
  }

  #splitName(canary: Canary): string {
    return serviceNameOf(canary);
  }

  #services(canary: Canary): SplitServices {
    const apex = serviceNameOf(canary);
    return { root: canary.spec.service.hosts?.[0] ?? apex, canary: canaryServiceName(apex), primary: primaryServiceName(apex), baseline: baselineServiceName(apex) };
  }

  async #readSplit(canary: Canary, choice: SmiChoice): Promise<TrafficSplit | undefined> {
    const namespace = canary.metadata.namespace!;
    const name = this.#splitName(canary);
    // The cache answers; a miss asks the API only while the cache is still listing. A miss in a synced
    // cache that is wrong (a split created a moment ago, its watch event not in yet) ends in a create
    // that finds it, and reads it then.
    const cached = this.#splits?.get(choice.split, namespace, name);
    if (cached || this.#splits?.synced?.(choice.split)) return cached;
    return this.#fetchSplit(choice, namespace, name);
  }

  async #fetchSplit(choice: SmiChoice, namespace: string, name: string): Promise<TrafficSplit | undefined> {
    return (await readOptional(() => this.#custom.getNamespacedCustomObject({ group: SPLIT_GROUP, version: choice.split, namespace, plural: SPLIT_PLURAL, name }))) as TrafficSplit | undefined;
  }

  /** Creates the split; when it exists after all (the cache had not seen it yet), hands it to `existing` instead. */
  async #createSplit(canary: Canary, choice: SmiChoice, weights: Weights, existing: (split: TrafficSplit) => Promise<void>): Promise<void> {
    const namespace = canary.metadata.namespace!;
    const body = trafficSplit(choice.split, this.#splitName(canary), namespace, this.#services(canary), weights);
    body.metadata.ownerReferences = [controllerReference(canary)];
    try {
      await this.#custom.createNamespacedCustomObject({ group: SPLIT_GROUP, version: choice.split, namespace, plural: SPLIT_PLURAL, body });
    } catch (err) {
      if (isAlreadyExists(err)) {
        const split = await this.#fetchSplit(choice, namespace, body.metadata.name);
        if (split) return existing(split);
      }
      // A 404 on create means the version is no longer served: the CRD changed under us.
      if (!isNotFound(err)) throw err;
      await this.#discovery.refresh();
      throw new TrafficSplitNotServed();
    }
  }

  async #syncSplit(canary: Canary, choice: SmiChoice, current: TrafficSplit, weights: Weights): Promise<void> {
    const services = this.#services(canary);
    const backends = splitBackends(choice.split, services, weights);
    const patch: { metadata?: object; spec: Record<string, unknown> } = { spec: {} };
    if (stableJson(current.spec.backends) !== stableJson(backends)) patch.spec.backends = backends;
    if (current.spec.service !== services.root) patch.spec.service = services.root;
    const ownerReferences = withOwner(current.metadata as never, canary);
    if (ownerReferences) patch.metadata = { ownerReferences };
    if (Object.keys(patch.spec).length === 0 && !patch.metadata) return;
    await this.#patchSplit(choice, canary.metadata.namespace!, this.#splitName(canary), patch);
  }

  async #patchSplit(choice: SmiChoice, namespace: string, name: string, body: object): Promise<void> {
    await this.#custom.patchNamespacedCustomObject({ group: SPLIT_GROUP, version: choice.split, namespace, plural: SPLIT_PLURAL, name, body }, mergePatchOptions());
  }
}
