/**
 * What a rollout looked like from outside: every route weight (of the TrafficSplits, or of the
 * HTTPRoutes when the Canaries use the Gateway API) and every Canary status the API server handed out,
 * through watches, so nothing in between two polls can be missed. The progress view redraws from it and
 * the tests check the weight history against the analysis; each route state is kept by resourceVersion,
 * so a request can be judged by the state that routed it (the data plane names it in every answer)
 * rather than by when it was sent.
 */
import { CustomObjectsApi, type KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import { ResilientInformer } from '../kube/informer.ts';

/** One route weight as written. */
export interface WeightSample {
  /** Epoch milliseconds when the watch delivered it. */
  at: number;
  /** The split's (or HTTPRoute's) name: the apex Service. */
  split: string;
  /** Weight of the `-canary` backend (0..100). */
  canary: number;
}

/** One state of a TrafficSplit as written, found by its resourceVersion. */
export interface SplitState {
  split: string;
  /** Weight of the `-canary` backend (0..100). */
  canary: number;
  /** Whether the split routes only requests matching its `matches` (an A/B route). */
  routeMatches: boolean;
}

/** One phase as the Canary's status showed it. */
export interface PhaseSample {
  at: number;
  canary: string;
  phase: string;
}

interface SplitObject {
  metadata?: { name?: string; resourceVersion?: string };
  spec?: { backends?: { service: string; weight: number | string }[]; matches?: unknown[] };
}

interface HttpRouteObject {
  metadata?: { name?: string; resourceVersion?: string };
  spec?: { rules?: { matches?: { headers?: unknown[]; queryParams?: unknown[] }[]; backendRefs?: { name: string; weight?: number }[] }[] };
}

/** Which route kind carries the weights. */
export type RecordedRoutes = 'trafficsplits' | 'httproutes';

/** The canary's share (0..100) of an HTTPRoute's weighted rule: the one with both `-primary` and `-canary`. */
function httpRouteCanaryWeight(route: HttpRouteObject): number | undefined {
  const name = route.metadata?.name ?? '';
  const rule = route.spec?.rules?.find((r) => ['primary', 'canary'].every((role) => r.backendRefs?.some((b) => b.name === `${name}-${role}`)));
  const weightOf = (role: string) => (rule?.backendRefs ?? []).filter((b) => b.name === `${name}-${role}`).reduce((sum, b) => sum + (b.weight ?? 1), 0);
  const total = weightOf('primary') + weightOf('canary');
  return total > 0 ? Math.round((weightOf('canary') / total) * 100) : undefined;
}

/** Whether an HTTPRoute sends some requests by header or query parameter (an A/B route is up). */
function httpRouteMatchesRequests(route: HttpRouteObject): boolean {
  return (route.spec?.rules ?? []).some((rule) => (rule.matches ?? []).some((m) => (m.headers?.length ?? 0) > 0 || (m.queryParams?.length ?? 0) > 0));
}

/** Records route weights and states and Canary phases in one namespace; `stop()` it. */
export class RolloutRecorder {
  readonly weights: WeightSample[] = [];
  /** Every TrafficSplit state seen, by resourceVersion. */
  readonly splitStates = new Map<string, SplitState>();
  readonly phases: PhaseSample[] = [];
  readonly #canaries = new Map<string, Canary>();
  readonly #listeners = new Set<(canary: Canary) => void>();
  readonly #informers: ResilientInformer<never>[];

  private constructor(kubeConfig: KubeConfig, namespace: string, routes: RecordedRoutes) {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const [group, version] = routes === 'httproutes' ? ['gateway.networking.k8s.io', 'v1'] : ['split.smi-spec.io', 'v1alpha4'];
    const splits = new ResilientInformer<never>({
      kubeConfig,
      path: `/apis/${group}/${version}/namespaces/${namespace}/${routes}`,
      list: () => custom.listNamespacedCustomObject({ group, version, namespace, plural: routes }) as Promise<KubernetesListObject<never>>,
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    splits.onEvent((type, object: SplitObject & HttpRouteObject) => {
      if (type === 'delete') return;
      const split = object.metadata?.name ?? '';
      const canary = routes === 'httproutes' ? httpRouteCanaryWeight(object) : Number(object.spec?.backends?.find((b) => b.service.endsWith('-canary'))?.weight ?? 0);
      if (canary === undefined) return;
      const routeMatches = routes === 'httproutes' ? httpRouteMatchesRequests(object) : (object.spec?.matches?.length ?? 0) > 0;
      const resourceVersion = object.metadata?.resourceVersion;
      if (resourceVersion) this.splitStates.set(resourceVersion, { split, canary, routeMatches });
      if (this.weightHistory(split).at(-1) !== canary) this.weights.push({ at: Date.now(), split, canary });
    });
    const canaries = new ResilientInformer<never>({
      kubeConfig,
      path: `/apis/${API_GROUP}/${API_VERSION}/namespaces/${namespace}/canaries`,
      list: () => custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: 'canaries' }) as Promise<KubernetesListObject<never>>,
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    canaries.onEvent((type, canary: Canary) => {
      const name = canary.metadata.name ?? '';
      if (type === 'delete') {
        this.#canaries.delete(name);
        return;
      }
      this.#canaries.set(name, canary);
      const phase = canary.status?.phase ?? '';
      if (phase && this.phaseHistory(name).at(-1) !== phase) this.phases.push({ at: Date.now(), canary: name, phase });
      for (const listener of this.#listeners) listener(canary);
    });
    this.#informers = [splits, canaries];
  }

  /** Starts both watches and resolves once each has listed; `routes` says where the weights are (TrafficSplits by default). */
  static async start(kubeConfig: KubeConfig, namespace: string, options: { routes?: RecordedRoutes } = {}): Promise<RolloutRecorder> {
    const recorder = new RolloutRecorder(kubeConfig, namespace, options.routes ?? 'trafficsplits');
    await Promise.all(recorder.#informers.map((informer) => informer.start()));
    return recorder;
  }

  /** The distinct canary weights one split took, in order. */
  weightHistory(split: string, since = 0): number[] {
    return this.weights.filter((w) => w.split === split && w.at >= since).map((w) => w.canary);
  }

  /** The distinct phases one Canary went through, in order. */
  phaseHistory(canary: string, since = 0): string[] {
    return this.phases.filter((p) => p.canary === canary && p.at >= since).map((p) => p.phase);
  }

  /** The latest Canary the watch delivered. */
  latest(canary: string): Canary | undefined {
    return this.#canaries.get(canary);
  }

  /** The names of the Canaries seen so far. */
  apps(): string[] {
    return [...this.#canaries.keys()];
  }

  /** Calls `listener` with every Canary update; returns the unsubscribe function. */
  onCanary(listener: (canary: Canary) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the Canary once `predicate` holds, or rejects after `timeoutMs` naming what it saw. */
  waitFor(name: string, predicate: (canary: Canary) => boolean, what: string, timeoutMs: number): Promise<Canary> {
    return new Promise((resolve, reject) => {
      const check = (canary: Canary | undefined): boolean => {
        if (!canary || canary.metadata.name !== name || !predicate(canary)) return false;
        clearTimeout(timer);
        unsubscribe();
        resolve(canary);
        return true;
      };
      const timer = setTimeout(() => {
        unsubscribe();
        const phases = this.phaseHistory(name).join(' → ') || 'none';
        reject(new Error(`timed out after ${timeoutMs / 1000}s waiting for ${name} to ${what}; phases seen: ${phases}`));
      }, timeoutMs);
      const unsubscribe = this.onCanary((canary) => void check(canary));
      check(this.latest(name));
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers.map((informer) => informer.stop()));
  }
}
