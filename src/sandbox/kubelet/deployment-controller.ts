/**
 * The sandbox's stand-in for Kubernetes' deployment and replicaset controllers: it watches Deployments,
 * keeps a ReplicaSet per pod template with its replicas, rolls a changed template out (new pods first,
 * old ones give way as new ones become ready), and writes back the Deployment status the real
 * controllers would, so Kanari sees the fields it sees in a cluster. It is the only one: the playground's
 * kubelet, the engine's integration tests, the workload tests and the benches all run on it.
 *
 * What becomes of replicas besides the status (ReplicaSet and Pod objects, a sample-app server per pod)
 * is a PodLayer's business (pod-objects.ts); without one only the Deployment status is written, which is
 * all a controller under test needs and keeps benches with thousands of Deployments light.
 */
import { AppsV1Api, type KubeConfig, type V1Deployment, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { createLogger, type Logger } from '../../log/logger.ts';
import { createSeededRandom } from '../sample-app/seeded-random.ts';
import { deploymentStatus, maxUnavailableOf, type DeploymentCondition } from './deployment-status.ts';
import { podTemplateHash } from './pod-template-hash.ts';
import { SystemClock, type Clock, type TimerHandle } from '../../time/clock.ts';
import { mergePatch } from './sandbox-requests.ts';
import { watchCollection, type WatchedCollection } from './watched-collection.ts';

/** One simulated pod of a ReplicaSet. */
export interface Replica {
  pod: string;
  hash: string;
  labels: Record<string, string>;
  /** The pod template the replica was created from. */
  template: V1PodTemplateSpec;
  /** Its container has started (the startup delay has passed). */
  started: boolean;
  ready: boolean;
  timer?: TimerHandle;
}

/** One ReplicaSet: the replicas of one pod template. */
export interface ReplicaSetState {
  name: string;
  hash: string;
  revision: number;
  replicas: Replica[];
}

/** One Deployment as the controller tracks it. */
export interface DeploymentState {
  namespace: string;
  name: string;
  uid: string;
  sets: Map<string, ReplicaSetState>;
}

/** The side effects of replicas beyond the Deployment status; every method may write to the API server. */
export interface PodLayer {
  replicaSetCreated(state: DeploymentState, rs: ReplicaSetState, deployment: V1Deployment): Promise<void>;
  /** An older template came back (rollout undo): its ReplicaSet is the newest revision again. */
  replicaSetRevised(state: DeploymentState, rs: ReplicaSetState): Promise<void>;
  /** Every reconcile: the Deployment's current revision is `rs.revision` (a cluster shows it as an annotation). */
  currentRevision(state: DeploymentState, deployment: V1Deployment, rs: ReplicaSetState): Promise<void>;
  replicaCreated(state: DeploymentState, rs: ReplicaSetState, replica: Replica): Promise<void>;
  /** The replica passed its startup delay and is not held: it becomes ready (a server starts). */
  replicaReady(state: DeploymentState, replica: Replica): Promise<void>;
  /** The replica was taken out of its ReplicaSet (no longer an endpoint); stop it gracefully. */
  replicaStopped(state: DeploymentState, replica: Replica): Promise<void>;
  /** The ReplicaSet's desired count and status, after each reconcile that changed them. */
  replicaSetChanged(state: DeploymentState, rs: ReplicaSetState, desired: number, generation: number): Promise<void>;
  replicaSetRemoved(state: DeploymentState, rs: ReplicaSetState): Promise<void>;
  /** Stops what is still running, without API writes. */
  shutdown(): Promise<void>;
}

/** Options of the deployment controller. */
export interface DeploymentControllerOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace only; all of them by default. */
  namespace?: string;
  /** Time from a pod's creation to its readiness; 0 makes new pods ready at once. Default 200 ms. */
  startupDelayMs?: number;
  /** Pod startups and rollout deadlines run on it; a test passes the fake clock its controller uses. */
  clock?: Clock;
  /** Seed of pod names. */
  seed?: number | string;
  /** ReplicaSet and Pod objects, servers; none by default (status only). */
  pods?: PodLayer;
  logger?: Logger;
}

/** A running deployment controller; always `stop()` it. */
export interface DeploymentController {
  /** Every tracked Deployment (for endpoint lookups). */
  states(): Iterable<DeploymentState>;
  state(namespace: string, name: string): DeploymentState | undefined;
  /** Keeps a Deployment's pods that are not ready yet from becoming ready (progress-deadline tests). */
  holdUnready(namespace: string, name: string): void;
  /** Lets held pods become ready. */
  release(namespace: string, name: string): void;
  /** Resolves once no Deployment is being reconciled or waiting to be: what was asked for is written. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface Tracked extends DeploymentState {
  lastProgressAt: number;
  conditions: DeploymentCondition[];
  /** The last status written, to skip writes that change nothing. */
  written?: string;
  writtenSets: Map<string, string>;
  deadlineTimer?: TimerHandle;
  dirty: boolean;
  running?: Promise<void>;
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
// A failed write (a fault injected by a test, a conflict) is retried after this long, in real time.
const RETRY_MS = 200;

/** Starts watching Deployments; resolves once the first list is in. */
export async function startDeploymentController(options: DeploymentControllerOptions): Promise<DeploymentController> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const clock = options.clock ?? new SystemClock();
  const startupDelayMs = options.startupDelayMs ?? 200;
  const pods = options.pods ?? statusOnly;
  const random = createSeededRandom(options.seed ?? 'kanari-kubelet');
  const apps = options.kubeConfig.makeApiClient(AppsV1Api);
  const states = new Map<string, Tracked>();
  const held = new Set<string>();
  const retries = new Set<NodeJS.Timeout>();
  const active = new Set<Promise<void>>();
  let stopping = false;
  const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

  const ns = options.namespace;
  const deployments: WatchedCollection<V1Deployment> = watchCollection<V1Deployment>({
    kubeConfig: options.kubeConfig,
    path: ns ? `/apis/apps/v1/namespaces/${ns}/deployments` : '/apis/apps/v1/deployments',
    list: () => (ns ? apps.listNamespacedDeployment({ namespace: ns }) : apps.listDeploymentForAllNamespaces()),
    onChange: (d) => enqueue(d.metadata?.namespace ?? 'default', d.metadata?.name ?? ''),
    logger,
    maxBackoffMs: 1000,
  });

  const stateFor = (namespace: string, name: string): Tracked => {
    const key = keyOf(namespace, name);
    let state = states.get(key);
    if (!state) {
      state = { namespace, name, uid: '', sets: new Map(), lastProgressAt: clock.now(), conditions: [], writtenSets: new Map(), dirty: false };
      states.set(key, state);
    }
    return state;
  };

  // One reconcile at a time per Deployment; bursts of events coalesce into one more run.
  function enqueue(namespace: string, name: string): void {
    if (stopping || !name) return;
    const state = stateFor(namespace, name);
    state.dirty = true;
    if (state.running) return;
    const run: Promise<void> = drain(state).finally(() => {
      state.running = undefined;
      active.delete(run);
    });
    state.running = run;
    active.add(run);
  }

  async function drain(state: Tracked): Promise<void> {
    while (state.dirty && !stopping) {
      state.dirty = false;
      try {
        await reconcile(state);
      } catch (error) {
        logger.warn({ deployment: keyOf(state.namespace, state.name), err: String(error) }, 'deployment reconcile failed; retrying');
        const retry = setTimeout(() => {
          retries.delete(retry);
          enqueue(state.namespace, state.name);
        }, RETRY_MS);
        retries.add(retry);
      }
    }
  }

  const stopReplica = async (state: Tracked, rs: ReplicaSetState, replica: Replica): Promise<void> => {
    replica.timer?.cancel();
    rs.replicas = rs.replicas.filter((r) => r !== replica);
    await pods.replicaStopped(state, replica);
  };

  const createReplica = async (state: Tracked, rs: ReplicaSetState, deployment: V1Deployment): Promise<void> => {
    const template = deployment.spec?.template ?? {};
    const suffix = Array.from({ length: 5 }, () => NAME_ALPHABET[random.integer(NAME_ALPHABET.length)]).join('');
    const replica: Replica = {
      pod: `${rs.name}-${suffix}`,
      hash: rs.hash,
      labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': rs.hash },
      template,
      started: startupDelayMs <= 0,
      ready: false,
    };
    await pods.replicaCreated(state, rs, replica);
    rs.replicas.push(replica);
    if (!replica.started) {
      replica.timer = clock.setTimer(clock.now() + startupDelayMs, () => {
        replica.started = true;
        enqueue(state.namespace, state.name);
      });
    }
  };

  const makeReady = async (state: Tracked, replica: Replica): Promise<void> => {
    await pods.replicaReady(state, replica);
    replica.ready = true;
    state.lastProgressAt = clock.now();
  };

  const ensureReplicaSet = async (state: Tracked, deployment: V1Deployment, hash: string): Promise<ReplicaSetState> => {
    const existing = state.sets.get(hash);
    const revision = Math.max(0, ...[...state.sets.values()].map((s) => s.revision)) + 1;
    if (existing) {
      if (existing.revision < revision - 1) {
        existing.revision = revision;
        await pods.replicaSetRevised(state, existing);
      }
      return existing;
    }
    const rs: ReplicaSetState = { name: `${state.name}-${hash}`, hash, revision, replicas: [] };
    await pods.replicaSetCreated(state, rs, deployment);
    state.sets.set(hash, rs);
    state.lastProgressAt = clock.now();
    return rs;
  };

  const writeReplicaSet = async (state: Tracked, rs: ReplicaSetState, desired: number, generation: number): Promise<void> => {
    const text = JSON.stringify([desired, generation, rs.replicas.length, rs.replicas.filter((r) => r.ready).length]);
    if (state.writtenSets.get(rs.hash) === text) return;
    await pods.replicaSetChanged(state, rs, desired, generation);
    state.writtenSets.set(rs.hash, text);
  };

  const teardown = async (state: Tracked): Promise<void> => {
    state.deadlineTimer?.cancel();
    for (const rs of state.sets.values()) {
      for (const replica of [...rs.replicas]) await stopReplica(state, rs, replica);
      await pods.replicaSetRemoved(state, rs);
    }
    state.sets.clear();
    states.delete(keyOf(state.namespace, state.name));
  };

  async function reconcile(state: Tracked): Promise<void> {
    const deployment = deployments.get(state.namespace, state.name);
    if (!deployment || deployment.metadata?.deletionTimestamp) return teardown(state);
    state.uid = deployment.metadata?.uid ?? '';
    const desired = deployment.spec?.replicas ?? 1;
    const generation = deployment.metadata?.generation ?? 1;
    const current = await ensureReplicaSet(state, deployment, podTemplateHash(deployment.spec?.template ?? {}));
    await pods.currentRevision(state, deployment, current);
    const holding = held.has(keyOf(state.namespace, state.name));

    const missing = Math.max(0, desired - current.replicas.length);
    // Pods start in parallel, as a kubelet per node would start them.
    await Promise.all(Array.from({ length: missing }, () => createReplica(state, current, deployment)));
    // Scale down not-ready pods first, as the ReplicaSet controller does.
    while (current.replicas.length > desired) {
      const victim = [...current.replicas].sort((a, b) => Number(a.ready) - Number(b.ready))[0];
      await stopReplica(state, current, victim);
    }
    const startedUp = (r: Replica) => r.started && !r.ready && !holding;
    await Promise.all(current.replicas.filter(startedUp).map((replica) => makeReady(state, replica)));
    // Old ReplicaSets give way as new pods become ready: a rolling update that never drops below desired.
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
    await writeStatus(state, deployment, current, desired, generation);
  }

  async function writeStatus(state: Tracked, deployment: V1Deployment, current: ReplicaSetState, desired: number, generation: number): Promise<void> {
    const all = [...state.sets.values()].flatMap((s) => s.replicas);
    const facts = {
      generation,
      desired,
      total: all.length,
      updated: current.replicas.length,
      ready: all.filter((r) => r.ready).length,
      updatedReady: current.replicas.filter((r) => r.ready).length,
      maxUnavailable: maxUnavailableOf(deployment.spec?.strategy as never, desired),
      newReplicaSetName: current.name,
      lastProgressAt: state.lastProgressAt,
      progressDeadlineSeconds: deployment.spec?.progressDeadlineSeconds ?? 600,
      now: clock.now(),
    };
    const status = deploymentStatus(facts, state.conditions);
    const text = JSON.stringify({ ...status, conditions: status.conditions.map((c) => [c.type, c.status, c.reason]) });
    if (state.written !== text) {
      await apps.patchNamespacedDeploymentStatus({ namespace: state.namespace, name: state.name, body: { status } }, mergePatch);
      state.written = text;
      state.conditions = status.conditions;
    }
    state.deadlineTimer?.cancel();
    state.deadlineTimer = undefined;
    if (status.conditions[1].reason === 'ReplicaSetUpdated') {
      // Wake up when the deadline passes so ProgressDeadlineExceeded appears without another event.
      const due = facts.lastProgressAt + facts.progressDeadlineSeconds * 1000 + 10;
      state.deadlineTimer = clock.setTimer(Math.max(due, facts.now + 10), () => enqueue(state.namespace, state.name));
    }
  }

  await deployments.ready;

  // Teardowns have left `states` already, so the runs in flight are counted apart.
  const running = () => [...active];
  return {
    states: () => states.values(),
    state: (namespace, name) => states.get(keyOf(namespace, name)),
    holdUnready: (namespace, name) => {
      held.add(keyOf(namespace, name));
    },
    release: (namespace, name) => {
      held.delete(keyOf(namespace, name));
      enqueue(namespace, name);
    },
    idle: async () => {
      while (active.size > 0 || retries.size > 0) {
        if (active.size > 0) await Promise.all(running());
        else await new Promise((resolve) => setTimeout(resolve, RETRY_MS / 4));
      }
    },
    stop: async () => {
      stopping = true;
      for (const retry of retries) clearTimeout(retry);
      await deployments.stop();
      await Promise.all(running());
      for (const state of states.values()) {
        state.deadlineTimer?.cancel();
        for (const rs of state.sets.values()) for (const replica of rs.replicas) replica.timer?.cancel();
      }
      await pods.shutdown();
      states.clear();
    },
  };
}

/** No objects, no servers: only the Deployment status is written. */
const statusOnly: PodLayer = {
  replicaSetCreated: async () => {},
  replicaSetRevised: async () => {},
  currentRevision: async () => {},
  replicaCreated: async () => {},
  replicaReady: async () => {},
  replicaStopped: async () => {},
  replicaSetChanged: async () => {},
  replicaSetRemoved: async () => {},
  shutdown: async () => {},
};
