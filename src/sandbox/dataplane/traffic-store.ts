/**
 * What the data plane observed, per workload, kept in short time slots so that any window ("the last
 * 30s", "the last 2m") can be asked, as Prometheus would answer an increase() over it. Cumulative totals
 * are kept beside the slots so the Prometheus exposition counters never go backwards.
 */
import type { WorkloadKind } from '../../metrics/provider.ts';
import { addBuckets, bucketIndex, emptyBuckets, type BucketCounts } from './latency-histogram.ts';

/** The kinds of workload the store aggregates by, spelled as TrafficMetrics spells them. */
export const STORED_KINDS = ['Deployment', 'Pod', 'Namespace'] as const satisfies readonly WorkloadKind[];
export type StoredKind = (typeof STORED_KINDS)[number];

/** One workload series; `namespace` equals `name` for a Namespace. */
export interface WorkloadKey {
  kind: StoredKind;
  namespace: string;
  name: string;
}

/** One request that reached a pod, as the proxy saw it. */
export interface ServedRequest {
  namespace: string;
  deployment: string;
  pod: string;
  /** The version the pod reported; empty when the answer carried none. */
  version: string;
  /** False for 5xx answers and failed connections, as Linkerd classifies failures. */
  success: boolean;
  latencyMs: number;
  /** Epoch milliseconds when the answer completed. */
  at: number;
}

/** Counts over a window or since the start. */
export interface TrafficCounts {
  success: number;
  failure: number;
  /** Latency bucket counts, non-cumulative, Linkerd's bounds. */
  buckets: BucketCounts;
  /** Sum of latencies in milliseconds, for the histogram's `_sum`. */
  latencySumMs: number;
}

/** Requests answered by each version, and how many of those failed. */
export interface VersionCounts {
  served: number;
  failed: number;
}

interface Series {
  key: WorkloadKey;
  /** Slot start (ms, a multiple of the slot size) → counts in that slot. */
  slots: Map<number, TrafficCounts>;
  totals: TrafficCounts;
}

/** Options of a store. */
export interface TrafficStoreOptions {
  /** Width of a time slot; a window is accurate to one slot. Default 100 ms. */
  slotMs?: number;
  /** How far back windows can reach. Default 15 minutes. */
  retentionMs?: number;
}

function emptyCounts(): TrafficCounts {
  return { success: 0, failure: 0, buckets: emptyBuckets(), latencySumMs: 0 };
}

function keyText(key: WorkloadKey): string {
  return `${key.kind}/${key.namespace}/${key.name}`;
}

/** The in-memory record of everything the data plane served. */
export class TrafficStore {
  readonly #slotMs: number;
  readonly #retentionMs: number;
  readonly #series = new Map<string, Series>();
  readonly #versions = new Map<string, VersionCounts>();

  constructor(options: TrafficStoreOptions = {}) {
    this.#slotMs = options.slotMs ?? 100;
    this.#retentionMs = options.retentionMs ?? 15 * 60_000;
  }

  /** Records one request against its Deployment, its Pod and its Namespace. */
  record(request: ServedRequest): void {
    const keys: WorkloadKey[] = [
      { kind: 'Deployment', namespace: request.namespace, name: request.deployment },
      { kind: 'Pod', namespace: request.namespace, name: request.pod },
      { kind: 'Namespace', namespace: request.namespace, name: request.namespace },
    ];
    const slotStart = Math.floor(request.at / this.#slotMs) * this.#slotMs;
    const bucket = bucketIndex(request.latencyMs);
    for (const key of keys) {
      const series = this.#seriesFor(key);
      let slot = series.slots.get(slotStart);
      if (!slot) {
        slot = emptyCounts();
        series.slots.set(slotStart, slot);
        this.#prune(series, request.at);
      }
      for (const counts of [slot, series.totals]) {
        if (request.success) counts.success++;
        else counts.failure++;
        counts.buckets[bucket]++;
        counts.latencySumMs += request.latencyMs;
      }
    }
    const version = this.#versions.get(request.version) ?? { served: 0, failed: 0 };
    version.served++;
    if (!request.success) version.failed++;
    this.#versions.set(request.version, version);
  }

  /** Counts in (now - windowMs, now]; undefined when the workload was never seen (no series). */
  window(key: WorkloadKey, windowMs: number, now: number): TrafficCounts | undefined {
    const series = this.#series.get(keyText(key));
    if (!series) return undefined;
    const result = emptyCounts();
    // A slot belongs to the window when its start lies inside it: accurate to one slot.
    const from = now - windowMs;
    for (const [start, counts] of series.slots) {
      if (start > from - this.#slotMs && start <= now) {
        result.success += counts.success;
        result.failure += counts.failure;
        result.latencySumMs += counts.latencySumMs;
        addBuckets(result.buckets, counts.buckets);
      }
    }
    return result;
  }

  /** Counts since the store was created; undefined when the workload was never seen. */
  totals(key: WorkloadKey): TrafficCounts | undefined {
    const totals = this.#series.get(keyText(key))?.totals;
    return totals && { ...totals, buckets: [...totals.buckets] };
  }

  /** Every workload of a kind seen so far, optionally in one namespace, sorted by namespace and name. */
  workloads(kind: StoredKind, namespace?: string): WorkloadKey[] {
    return [...this.#series.values()]
      .map((s) => s.key)
      .filter((k) => k.kind === kind && (namespace === undefined || k.namespace === namespace))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  /** Requests answered by each version since the start (key "" for answers without a version). */
  versions(): Map<string, VersionCounts> {
    return new Map([...this.#versions].map(([v, c]) => [v, { ...c }]));
  }

  #seriesFor(key: WorkloadKey): Series {
    const text = keyText(key);
    let series = this.#series.get(text);
    if (!series) {
      series = { key: { ...key }, slots: new Map(), totals: emptyCounts() };
      this.#series.set(text, series);
    }
    return series;
  }

  #prune(series: Series, now: number): void {
    const oldest = now - this.#retentionMs - this.#slotMs;
    // Map iteration follows insertion order, which is time order for slots.
    for (const start of series.slots.keys()) {
      if (start >= oldest) break;
      series.slots.delete(start);
    }
  }
}
