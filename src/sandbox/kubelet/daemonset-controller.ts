/**
 * The sandbox's stand-in for Kubernetes' DaemonSet controller, for DaemonSet targets: the simulated
 * cluster has a few nodes with labels; a DaemonSet wants one pod on every node its nodeSelector matches
 * (none when the selector names a label no node has, which is how a DaemonSet is "scaled to zero"), and
 * a changed pod template rolls out to those nodes, each pod becoming ready after the startup delay. Only
 * the DaemonSet status is written: what a controller under test reads.
 */
import { AppsV1Api, type KubeConfig, type V1DaemonSet, type V1DaemonSetStatus } from '@kubernetes/client-node';
import { createLogger, type Logger } from '../../log/logger.ts';
import { podTemplateHash } from './pod-template-hash.ts';
import { SystemClock, type Clock, type TimerHandle } from '../../time/clock.ts';
import { mergePatch } from './sandbox-requests.ts';
import { watchCollection, type WatchedCollection } from './watched-collection.ts';

/** A simulated node: its name and labels, matched against nodeSelectors. */
export interface SandboxNode {
  name: string;
  labels: Record<string, string>;
}

/** Two nodes, labelled as a small cluster's would be. */
export const DEFAULT_NODES: readonly SandboxNode[] = [
  { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a', 'kubernetes.io/os': 'linux' } },
  { name: 'node-b', labels: { 'kubernetes.io/hostname': 'node-b', 'kubernetes.io/os': 'linux' } },
];

export interface DaemonSetControllerOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace only; all of them by default. */
  namespace?: string;
  nodes?: readonly SandboxNode[];
  /** Time from a pod's creation to its readiness; 0 makes new pods ready at once. Default 200 ms. */
  startupDelayMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** A running DaemonSet controller; always `stop()` it. */
export interface DaemonSetController {
  /** Resolves once no DaemonSet is being reconciled: what was asked for is written. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface Pod {
  node: string;
  hash: string;
  ready: boolean;
  timer?: TimerHandle;
}

interface Tracked {
  pods: Map<string, Pod>;
  written?: string;
  dirty: boolean;
  running?: Promise<void>;
}

const RETRY_MS = 200;

/** Starts watching DaemonSets; resolves once the first list is in. */
export async function startDaemonSetController(options: DaemonSetControllerOptions): Promise<DaemonSetController> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const clock = options.clock ?? new SystemClock();
  const nodes = options.nodes ?? DEFAULT_NODES;
  const startupDelayMs = options.startupDelayMs ?? 200;
  const apps = options.kubeConfig.makeApiClient(AppsV1Api);
  const states = new Map<string, Tracked>();
  const active = new Set<Promise<void>>();
  let stopping = false;
  const ns = options.namespace;

  const daemonSets: WatchedCollection<V1DaemonSet> = watchCollection<V1DaemonSet>({
    kubeConfig: options.kubeConfig,
    path: ns ? `/apis/apps/v1/namespaces/${ns}/daemonsets` : '/apis/apps/v1/daemonsets',
    list: () => (ns ? apps.listNamespacedDaemonSet({ namespace: ns }) : apps.listDaemonSetForAllNamespaces()),
    onChange: (ds) => enqueue(ds.metadata?.namespace ?? 'default', ds.metadata?.name ?? ''),
    logger,
    maxBackoffMs: 1000,
  });

  function enqueue(namespace: string, name: string): void {
    if (stopping || !name) return;
    const key = `${namespace}/${name}`;
    let state = states.get(key);
    if (!state) {
      state = { pods: new Map(), dirty: false };
      states.set(key, state);
    }
    state.dirty = true;
    if (state.running) return;
    const tracked = state;
    const run: Promise<void> = drain(namespace, name, tracked).finally(() => {
      tracked.running = undefined;
      active.delete(run);
    });
    tracked.running = run;
    active.add(run);
  }

  async function drain(namespace: string, name: string, state: Tracked): Promise<void> {
    while (state.dirty && !stopping) {
      state.dirty = false;
      try {
        await reconcile(namespace, name, state);
      } catch (error) {
        logger.warn({ daemonset: `${namespace}/${name}`, err: String(error) }, 'daemonset reconcile failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        state.dirty = true;
      }
    }
  }

  async function reconcile(namespace: string, name: string, state: Tracked): Promise<void> {
    const ds = daemonSets.get(namespace, name);
    if (!ds || ds.metadata?.deletionTimestamp) {
      for (const pod of state.pods.values()) pod.timer?.cancel();
      states.delete(`${namespace}/${name}`);
      return;
    }
    const selector = ds.spec?.template?.spec?.nodeSelector ?? {};
    const wanted = nodes.filter((node) => Object.entries(selector).every(([key, value]) => node.labels[key] === value));
    const hash = podTemplateHash(ds.spec?.template ?? {});
    for (const [node, pod] of state.pods) {
      if (!wanted.some((n) => n.name === node)) {
        pod.timer?.cancel();
        state.pods.delete(node);
      }
    }
    for (const node of wanted) {
      const pod = state.pods.get(node.name);
      if (pod && pod.hash === hash) continue;
      pod?.timer?.cancel();
      // The old pod is replaced on its node: a rolling update of one pod per node.
      const fresh: Pod = { node: node.name, hash, ready: startupDelayMs <= 0 };
      if (!fresh.ready) {
        fresh.timer = clock.setTimer(clock.now() + startupDelayMs, () => {
          fresh.ready = true;
          enqueue(namespace, name);
        });
      }
      state.pods.set(node.name, fresh);
    }
    const pods = [...state.pods.values()];
    const ready = pods.filter((pod) => pod.ready).length;
    const status: V1DaemonSetStatus = {
      observedGeneration: ds.metadata?.generation ?? 1,
      desiredNumberScheduled: wanted.length,
      currentNumberScheduled: pods.length,
      updatedNumberScheduled: pods.filter((pod) => pod.hash === hash).length,
      numberReady: ready,
      numberAvailable: ready,
      numberUnavailable: wanted.length - ready,
      numberMisscheduled: 0,
    };
    const text = JSON.stringify(status);
    if (state.written === text) return;
    await apps.patchNamespacedDaemonSetStatus({ namespace, name, body: { status } }, mergePatch);
    state.written = text;
  }

  await daemonSets.ready;
  return {
    idle: async () => {
      while (active.size > 0) await Promise.all([...active]);
    },
    stop: async () => {
      stopping = true;
      await daemonSets.stop();
      await Promise.all([...active]);
      for (const state of states.values()) for (const pod of state.pods.values()) pod.timer?.cancel();
      states.clear();
    },
  };
}
