/**
 * The simulated kubelet (and deployment/replicaset controllers) of the playground: it watches
 * Deployments in the sandbox API server and makes them real — ReplicaSets per pod template, Pod
 * objects, one sample-app server per ready replica on a loopback port — and writes back the status the
 * real controllers would, so Kanari's controller sees the same fields it sees in a cluster.
 */
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Deployment, type V1Service } from '@kubernetes/client-node';
import { createLogger, type Logger } from '../../log/logger.ts';
import { startSampleApp, type SampleApp } from '../sample-app/sample-app.ts';
import { behaviourFromEnv, type SampleAppBehaviour } from '../sample-app/sample-app-behaviour.ts';
import { createSeededRandom, type SeededRandom } from '../sample-app/seeded-random.ts';
import { deploymentStatus, maxUnavailableOf, type DeploymentCondition } from './deployment-status.ts';
import { podTemplateHash } from './pod-template-hash.ts';
import { watchCollection, type WatchedCollection } from './watched-collection.ts';


/** How long a replica being replaced may finish the requests it already has, like a pod's terminationGracePeriod. */
const TERMINATION_GRACE_MS = 2000;
/** Where the deployment controller numbers the rollouts of a Deployment and its ReplicaSets. */
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** The Pod annotation that carries the loopback port of a replica's server. */
export const PORT_ANNOTATION = 'sandbox.kanari.dev/port';

/** Options of the simulated kubelet. */
export interface KubeletOptions {
  kubeConfig: KubeConfig;
  /** Run sample-app servers (default true); false only writes status, for controller tests. */
  serve?: boolean;
  /** Time from a pod's creation to its readiness; default 200 ms. */
  startupDelayMs?: number;
  /** Seed of pod names and the sample apps' failure and latency draws. */
  seed?: number | string;
  logger?: Logger;
}

/** One ready replica a Service can route to. */
export interface Endpoint {
  namespace: string;
  deployment: string;
  pod: string;
  /** Loopback port of the replica's server (0 when `serve: false`). */
  port: number;
  url: string;
  version: string;
  /** The pod's ServiceAccount (`default` when the template names none). */
  serviceAccount: string;
}

/** A running simulated kubelet; always `stop()` it. */
export interface SimulatedKubelet {
  /** Ready replicas selected by a Service's selector, sorted by pod name. */
  endpoints(namespace: string, service: string): Endpoint[];
  /** Ready replicas of one Deployment. */
  replicasOf(namespace: string, deployment: string): Endpoint[];
  /** Keeps a Deployment's not-yet-ready pods from becoming ready (for progress-deadline tests). */
  holdUnready(namespace: string, deployment: string): void;
  /** Lets held pods become ready. */
  release(namespace: string, deployment: string): void;
  stop(): Promise<void>;
}

interface Replica {
  pod: string;
  hash: string;
  behaviour: SampleAppBehaviour;
  labels: Record<string, string>;
  serviceAccount: string;
  started: boolean;
  ready: boolean;
  app?: SampleApp;
  timer?: NodeJS.Timeout;
}

interface ReplicaSetState {
  name: string;
  hash: string;
  revision: number;
  replicas: Replica[];
  /** The last status written, to skip writes that change nothing. */
  written?: string;
}

interface DeploymentState {
  namespace: string;
  name: string;
  uid: string;
  sets: Map<string, ReplicaSetState>;
  lastProgressAt: number;
  conditions: DeploymentCondition[];
  written?: string;
  deadlineTimer?: NodeJS.Timeout;
  /** Serialises reconciles of one Deployment. */
  queue: Promise<void>;
  dirty: boolean;
  running: boolean;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

function isConflict(error: unknown): boolean {
  return (error as { code?: number }).code === 409;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Starts watching Deployments and Services; resolves once both caches are filled. */
export async function startSimulatedKubelet(options: KubeletOptions): Promise<SimulatedKubelet> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const serve = options.serve ?? true;
  const startupDelayMs = options.startupDelayMs ?? 200;
  const random: SeededRandom = createSeededRandom(options.seed ?? 'kanari-kubelet');
  const apps = options.kubeConfig.makeApiClient(AppsV1Api);
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const states = new Map<string, DeploymentState>();
  const held = new Set<string>();
  let stopping = false;

  const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

  const deployments: WatchedCollection<V1Deployment> = watchCollection<V1Deployment>({
    kubeConfig: options.kubeConfig,
    path: '/apis/apps/v1/deployments',
    list: () => apps.listDeploymentForAllNamespaces(),
    onChange: (d) => enqueue(d.metadata?.namespace ?? 'default', d.metadata?.name ?? ''),
    logger,
  });
  const services: WatchedCollection<V1Service> = watchCollection<V1Service>({
    kubeConfig: options.kubeConfig,
    path: '/api/v1/services',
    list: () => core.listServiceForAllNamespaces(),
    logger,
  });

  const stateFor = (namespace: string, name: string): DeploymentState => {
    const key = keyOf(namespace, name);
    let state = states.get(key);
    if (!state) {
      state = { namespace, name, uid: '', sets: new Map(), lastProgressAt: Date.now(), conditions: [], queue: Promise.resolve(), dirty: false, running: false };
      states.set(key, state);
    }
    return state;
  };

  // Coalesces bursts of events into one reconcile at a time per Deployment.
  function enqueue(namespace: string, name: string): void {
    if (stopping || !name) return;
    const state = stateFor(namespace, name);
    state.dirty = true;
    if (state.running) return;
    state.running = true;
    state.queue = (async () => {
      while (state.dirty && !stopping) {
        state.dirty = false;
        try {
          await reconcile(state);
        } catch (error) {
          logger.warn({ deployment: keyOf(namespace, name), err: String(error) }, 'kubelet reconcile failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, 200));
          state.dirty = true;
        }
      }
      state.running = false;
    })();
  }

  const stopReplica = async (state: DeploymentState, rs: ReplicaSetState, replica: Replica): Promise<void> => {
    clearTimeout(replica.timer);
    // Out of the endpoints first, then a graceful stop: requests already routed to it are still answered.
    rs.replicas = rs.replicas.filter((r) => r !== replica);
    await replica.app?.stop(TERMINATION_GRACE_MS);
    await core.deleteNamespacedPod({ namespace: state.namespace, name: replica.pod, gracePeriodSeconds: 0 }).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  };

  const createReplica = async (state: DeploymentState, rs: ReplicaSetState, deployment: V1Deployment): Promise<void> => {
    const template = deployment.spec?.template;
    const container = template?.spec?.containers?.[0];
    const labels = { ...(template?.metadata?.labels ?? {}), 'pod-template-hash': rs.hash };
    const suffix = Array.from({ length: 5 }, () => 'bcdfghjklmnpqrstvwxz2456789'[random.integer(27)]).join('');
    const replica: Replica = {
      pod: `${rs.name}-${suffix}`,
      hash: rs.hash,
      behaviour: behaviourFromEnv(container?.env, container?.image?.split(':')[1]),
      labels,
      serviceAccount: template?.spec?.serviceAccountName || 'default',
      started: false,
      ready: false,
    };
    await core.createNamespacedPod({
      namespace: state.namespace,
      body: {
        metadata: {
          name: replica.pod,
          namespace: state.namespace,
          labels,
          annotations: { ...(template?.metadata?.annotations ?? {}) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: rsUids.get(`${state.namespace}/${rs.name}`) ?? '', controller: true, blockOwnerDeletion: true }],
        },
        spec: { ...(template?.spec ?? { containers: [] }), nodeName: 'kanari-sandbox' },
      },
    });
    await core.patchNamespacedPodStatus({ namespace: state.namespace, name: replica.pod, body: { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } } }, mergePatch);
    rs.replicas.push(replica);
    replica.timer = setTimeout(() => {
      replica.started = true;
      enqueue(state.namespace, state.name);
    }, startupDelayMs);
  };

  const makeReady = async (state: DeploymentState, replica: Replica): Promise<void> => {
    if (serve) {
      replica.app = await startSampleApp({ behaviour: replica.behaviour, seed: `${options.seed ?? 'kanari'}/${replica.pod}`, podName: replica.pod });
      await core.patchNamespacedPod({ namespace: state.namespace, name: replica.pod, body: { metadata: { annotations: { [PORT_ANNOTATION]: String(replica.app.port) } } } }, mergePatch);
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await core.patchNamespacedPodStatus(
      {
        namespace: state.namespace,
        name: replica.pod,
        body: {
          status: {
            phase: 'Running',
            podIP: '127.0.0.1',
            podIPs: [{ ip: '127.0.0.1' }],
            hostIP: '127.0.0.1',
            startTime: now,
            conditions: [
              { type: 'PodScheduled', status: 'True' },
              { type: 'Initialized', status: 'True' },
              { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
              { type: 'Ready', status: 'True', lastTransitionTime: now },
            ],
            containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: '', imageID: '', state: { running: { startedAt: now } } }],
          },
        },
      },
      mergePatch,
    );
    replica.ready = true;
    state.lastProgressAt = Date.now();
  };

  const rsUids = new Map<string, string>();

  const ensureReplicaSet = async (state: DeploymentState, deployment: V1Deployment, hash: string): Promise<ReplicaSetState> => {
    const existing = state.sets.get(hash);
    const revision = Math.max(0, ...[...state.sets.values()].map((s) => s.revision)) + 1;
    if (existing) {
      // Going back to an older template (rollout undo) makes its ReplicaSet the newest revision again.
      if (existing.revision < revision - 1) {
        existing.revision = revision;
        await apps.patchNamespacedReplicaSet({ namespace: state.namespace, name: existing.name, body: { metadata: { annotations: { [REVISION_ANNOTATION]: String(revision) } } } }, mergePatch);
      }
      return existing;
    }
    const rs: ReplicaSetState = { name: `${state.name}-${hash}`, hash, revision, replicas: [] };
    const template = deployment.spec?.template ?? {};
    const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    const body = {
      metadata: {
        name: rs.name,
        namespace: state.namespace,
        labels,
        annotations: { [REVISION_ANNOTATION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(deployment.spec?.replicas ?? 1) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: state.name, uid: state.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { ...(deployment.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
        template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
      },
    };
    try {
      const created = await apps.createNamespacedReplicaSet({ namespace: state.namespace, body });
      rsUids.set(`${state.namespace}/${rs.name}`, created.metadata?.uid ?? '');
    } catch (error) {
      if (!isConflict(error)) throw error;
      const found = await apps.readNamespacedReplicaSet({ namespace: state.namespace, name: rs.name });
      rsUids.set(`${state.namespace}/${rs.name}`, found.metadata?.uid ?? '');
    }
    state.sets.set(hash, rs);
    state.lastProgressAt = Date.now();
    return rs;
  };

  const writeReplicaSet = async (state: DeploymentState, rs: ReplicaSetState, target: number, generation: number): Promise<void> => {
    const ready = rs.replicas.filter((r) => r.ready).length;
    const status = { replicas: rs.replicas.length, fullyLabeledReplicas: rs.replicas.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: generation };
    const text = JSON.stringify({ target, status });
    if (rs.written === text) return;
    await apps.patchNamespacedReplicaSet({ namespace: state.namespace, name: rs.name, body: { spec: { replicas: target } } }, mergePatch);
    await apps.patchNamespacedReplicaSetStatus({ namespace: state.namespace, name: rs.name, body: { status } }, mergePatch);
    rs.written = text;
  };

  const teardown = async (state: DeploymentState): Promise<void> => {
    clearTimeout(state.deadlineTimer);
    for (const rs of state.sets.values()) {
      for (const replica of [...rs.replicas]) await stopReplica(state, rs, replica);
      await apps.deleteNamespacedReplicaSet({ namespace: state.namespace, name: rs.name }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
    }
    state.sets.clear();
    states.delete(keyOf(state.namespace, state.name));
  };

  async function reconcile(state: DeploymentState): Promise<void> {
    const deployment = deployments.get(state.namespace, state.name);
    if (!deployment || deployment.metadata?.deletionTimestamp) {
      await teardown(state);
      return;
    }
    state.uid = deployment.metadata?.uid ?? '';
    const desired = deployment.spec?.replicas ?? 1;
    const generation = deployment.metadata?.generation ?? 1;
    const hash = podTemplateHash(deployment.spec?.template ?? {});
    const current = await ensureReplicaSet(state, deployment, hash);
    // The deployment controller records the current revision on the Deployment too (kubectl rollout undo
    // replaces /metadata/annotations with a JSON patch, which needs them to exist).
    if (deployment.metadata?.annotations?.[REVISION_ANNOTATION] !== String(current.revision)) {
      await apps.patchNamespacedDeployment({ namespace: state.namespace, name: state.name, body: { metadata: { annotations: { [REVISION_ANNOTATION]: String(current.revision) } } } }, mergePatch);
    }
    const holding = held.has(keyOf(state.namespace, state.name));

    const missing = Math.max(0, desired - current.replicas.length);
    // Pods start in parallel, as a kubelet per node would start them.
    await Promise.all(Array.from({ length: missing }, () => createReplica(state, current, deployment)));
    // Scale down the newest first, as the ReplicaSet controller prefers not-ready and younger pods.
    while (current.replicas.length > desired) {
      const victim = [...current.replicas].sort((a, b) => Number(a.ready) - Number(b.ready))[0];
      await stopReplica(state, current, victim);
    }
    const startedUp = (r: Replica) => r.started && !r.ready && !holding;
    await Promise.all(current.replicas.filter(startedUp).map((replica) => makeReady(state, replica)));
    // Old ReplicaSets give way as new pods become ready: a rolling update with maxUnavailable 0.
    const currentReady = current.replicas.filter((r) => r.ready).length;
    let oldAllowed = Math.max(0, desired - currentReady);
    const oldSets = [...state.sets.values()].filter((s) => s !== current).sort((a, b) => b.revision - a.revision);
    for (const rs of oldSets) {
      const keep = Math.min(rs.replicas.length, oldAllowed);
      oldAllowed -= keep;
      const surplus = [...rs.replicas].sort((a, b) => Number(a.ready) - Number(b.ready)).slice(0, rs.replicas.length - keep);
      for (const replica of surplus) await stopReplica(state, rs, replica);
      // Old replicas still starting become ready too: they are the ones serving during the rollout.
      await Promise.all(rs.replicas.filter(startedUp).map((replica) => makeReady(state, replica)));
    }

    for (const rs of state.sets.values()) await writeReplicaSet(state, rs, rs === current ? desired : rs.replicas.length, generation);

    const all = [...state.sets.values()].flatMap((s) => s.replicas);
    const facts = {
      generation,
      desired,
      total: all.length,
      updated: current.replicas.length,
      ready: all.filter((r) => r.ready).length,
      updatedReady: currentReady,
      maxUnavailable: maxUnavailableOf(deployment.spec?.strategy as never, desired),
      newReplicaSetName: current.name,
      lastProgressAt: state.lastProgressAt,
      progressDeadlineSeconds: deployment.spec?.progressDeadlineSeconds ?? 600,
      now: Date.now(),
    };
    const status = deploymentStatus(facts, state.conditions);
    const text = JSON.stringify({ ...status, conditions: status.conditions.map((c) => [c.type, c.status, c.reason]) });
    if (state.written !== text) {
      await apps.patchNamespacedDeploymentStatus({ namespace: state.namespace, name: state.name, body: { status } }, mergePatch);
      state.written = text;
      state.conditions = status.conditions;
    }
    clearTimeout(state.deadlineTimer);
    if (status.conditions[1].reason === 'ReplicaSetUpdated') {
      // Wake up when the deadline passes so ProgressDeadlineExceeded appears without another event.
      const dueIn = facts.lastProgressAt + facts.progressDeadlineSeconds * 1000 - facts.now + 10;
      state.deadlineTimer = setTimeout(() => enqueue(state.namespace, state.name), Math.max(10, dueIn));
    }
  }

  await Promise.all([deployments.ready, services.ready]);

  const endpointOf = (state: DeploymentState, replica: Replica): Endpoint => ({
    namespace: state.namespace,
    deployment: state.name,
    pod: replica.pod,
    port: replica.app?.port ?? 0,
    url: replica.app?.url ?? '',
    version: replica.behaviour.version,
    serviceAccount: replica.serviceAccount,
  });
  const readyReplicas = (state: DeploymentState) =>
    [...state.sets.values()].flatMap((rs) => rs.replicas.filter((r) => r.ready).map((r) => ({ replica: r, endpoint: endpointOf(state, r) })));

  return {
    endpoints: (namespace, service) => {
      const selector = services.get(namespace, service)?.spec?.selector;
      return [...states.values()]
        .filter((s) => s.namespace === namespace)
        .flatMap(readyReplicas)
        .filter(({ replica }) => selects(selector, replica.labels))
        .map(({ endpoint }) => endpoint)
        .sort((a, b) => a.pod.localeCompare(b.pod));
    },
    replicasOf: (namespace, deployment) => {
      const state = states.get(keyOf(namespace, deployment));
      return state ? readyReplicas(state).map(({ endpoint }) => endpoint) : [];
    },
    holdUnready: (namespace, deployment) => {
      held.add(keyOf(namespace, deployment));
    },
    release: (namespace, deployment) => {
      held.delete(keyOf(namespace, deployment));
      enqueue(namespace, deployment);
    },
    stop: async () => {
      stopping = true;
      await Promise.all([deployments.stop(), services.stop()]);
      await Promise.all([...states.values()].map((s) => s.queue));
      for (const state of states.values()) {
        clearTimeout(state.deadlineTimer);
        for (const rs of state.sets.values()) {
          for (const replica of rs.replicas) {
            clearTimeout(replica.timer);
            await replica.app?.stop();
          }
        }
      }
      states.clear();
    },
  };
}
