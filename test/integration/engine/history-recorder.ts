import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Canary } from '../../../src/api/canary.ts';
import { ResilientInformer } from '../../../src/kube/informer.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { tryParseQuantity } from '../../../src/metrics/quantity.ts';
import { eventually } from '../../helpers/eventually.ts';

const PROBE_LABEL = 'test.kanari.dev/probe';

interface SplitView {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { backends?: { service: string; weight: number | string }[] };
}

/**
 * What a person watching the cluster would have seen: every distinct canary weight of the TrafficSplits
 * and every distinct Canary phase, in order, recorded by watches of one namespace.
 */
export class HistoryRecorder {
  /** Every distinct canary weight the TrafficSplits took, in order. */
  readonly weights: number[] = [];
  /** The same, per TrafficSplit name, for tests that run several Canaries side by side. */
  readonly weightsBySplit = new Map<string, number[]>();
  /** Every distinct Canary phase seen, in order. */
  readonly phases: string[] = [];
  readonly #custom: CustomObjectsApi;
  readonly #namespace: string;
  /** The TrafficSplit version the weights are read through. */
  readonly #splitVersion: string;
  #watchers: ResilientInformer<never>[] = [];
  /** Probe labels each watcher has seen: how `caughtUp` knows they are live. */
  readonly #seenProbes = new Set<string>();
  #probes = 0;

  constructor(options: { kubeConfig: KubeConfig; custom: CustomObjectsApi; namespace: string; splitVersion: string; splitsServed: boolean }) {
    this.#custom = options.custom;
    this.#namespace = options.namespace;
    this.#splitVersion = options.splitVersion;
    const watch = (group: string, version: string, plural: string) =>
      new ResilientInformer<never>({
        kubeConfig: options.kubeConfig,
        path: `/apis/${group}/${version}/namespaces/${options.namespace}/${plural}`,
        list: () => this.#custom.listNamespacedCustomObject({ group, version, namespace: options.namespace, plural }) as never,
        watchdogMs: 0,
        relistIntervalMs: 0,
      });
    const splits = watch('split.smi-spec.io', options.splitVersion, 'trafficsplits');
    splits.onEvent((type, split: SplitView) => {
      if (type === 'delete') return;
      this.#sawProbe('split', split.metadata?.labels);
      const canary = split.spec?.backends?.find((b) => b.service.endsWith('-canary'));
      // v1alpha1 weights are Quantities ("10", "500m"); a weight that does not parse shows up as NaN.
      const weight = tryParseQuantity(canary?.weight ?? 0) ?? Number.NaN;
      if (this.weights.at(-1) !== weight) this.weights.push(weight);
      const name = split.metadata?.name ?? '';
      const own = this.weightsBySplit.get(name) ?? [];
      if (own.at(-1) !== weight) own.push(weight);
      this.weightsBySplit.set(name, own);
    });
    const canaries = watch('kanari.dev', 'v1alpha1', 'canaries');
    canaries.onEvent((type, canary: Canary) => {
      this.#sawProbe('canary', canary.metadata.labels);
      const phase = canary.status?.phase;
      if (type !== 'delete' && phase && this.phases.at(-1) !== phase) this.phases.push(phase);
    });
    // Without a TrafficSplit CRD (a test installs it later) there is no split history to record.
    this.#watchers = options.splitsServed ? [splits, canaries] : [canaries];
  }

  /** Resolves once every watch has its first list. */
  async start(): Promise<void> {
    await Promise.all(this.#watchers.map((w) => w.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#watchers.map((w) => w.stop()));
  }

  /**
   * Waits until the watches are live again after a test dropped watches or compacted the server's
   * history: it labels the Canary and its TrafficSplit and waits for both watches to see the labels, so
   * no later phase or weight can slip past them between a relist and the next watch.
   */
  async caughtUp(name: string): Promise<void> {
    const probe = `p${++this.#probes}`;
    const body = { metadata: { labels: { [PROBE_LABEL]: probe } } };
    const label = (group: string, version: string, plural: string) =>
      this.#custom.patchNamespacedCustomObject({ group, version, namespace: this.#namespace, plural, name, body }, mergePatchOptions());
    await eventually(`labels on ${name}`, async () => {
      await label('kanari.dev', 'v1alpha1', 'canaries');
      await label('split.smi-spec.io', this.#splitVersion, 'trafficsplits');
      return true;
    });
    await eventually(`the history watches to see label ${probe}`, () => this.#seenProbes.has(`canary ${probe}`) && this.#seenProbes.has(`split ${probe}`));
  }

  #sawProbe(watcher: 'split' | 'canary', labels: Record<string, string> | undefined): void {
    const probe = labels?.[PROBE_LABEL];
    if (probe) this.#seenProbes.add(`${watcher} ${probe}`);
  }
}
