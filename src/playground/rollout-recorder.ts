/**
 * What a rollout looked like from outside: every TrafficSplit weight and every Canary status the API
 * server handed out, through watches, so nothing in between two polls can be missed. The progress
 * view redraws from it and the tests check the weight history against the analysis; each split state is
 * kept by resourceVersion, so a request can be judged by the state that routed it (the data plane names
 * it in every answer) rather than by when it was sent.
 */
import { CustomObjectsApi, type KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import { ResilientInformer } from '../kube/informer.ts';

/** One TrafficSplit weight as written. */
export interface WeightSample {
  /** Epoch milliseconds when the watch delivered it. */
  at: number;
  /** The split's name (the apex Service). */
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

/** Records TrafficSplit weights and Canary phases in one namespace; `stop()` it. */
export class RolloutRecorder {
  readonly weights: WeightSample[] = [];
  /** Every TrafficSplit state seen, by resourceVersion. */
  readonly splitStates = new Map<string, SplitState>();
  readonly phases: PhaseSample[] = [];
  readonly #canaries = new Map<string, Canary>();
  readonly #listeners = new Set<(canary: Canary) => void>();
  readonly #informers: ResilientInformer<never>[];

  private constructor(kubeConfig: KubeConfig, namespace: string) {
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const splits = new ResilientInformer<never>({
      kubeConfig,
      path: `/apis/split.smi-spec.io/v1alpha4/namespaces/${namespace}/trafficsplits`,
      list: () => custom.listNamespacedCustomObject({ group: 'split.smi-spec.io', version: 'v1alpha4', namespace, plural: 'trafficsplits' }) as Promise<KubernetesListObject<never>>,
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    splits.onEvent((type, object: SplitObject) => {
      if (type === 'delete') return;
      const split = object.metadata?.name ?? '';
      const backend = object.spec?.backends?.find((b) => b.service.endsWith('-canary'));
      const canary = Number(backend?.weight ?? 0);
      const resourceVersion = object.metadata?.resourceVersion;
      if (resourceVersion) this.splitStates.set(resourceVersion, { split, canary, routeMatches: (object.spec?.matches?.length ?? 0) > 0 });
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

  /** Starts both watches and resolves once each has listed. */
  static async start(kubeConfig: KubeConfig, namespace: string): Promise<RolloutRecorder> {
    const recorder = new RolloutRecorder(kubeConfig, namespace);
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
