import { CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { runController, type RunningController, type LeaderElectionSettings } from '../../../src/controller/run-controller.ts';
import { ResilientInformer } from '../../../src/kube/informer.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const LEASE: LeaderElectionSettings = { namespace: NAMESPACE, leaseName: 'kanari-leader', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };

/**
 * Two controller processes' worth of replicas, each serving /metrics, on the harness's fake clock for
 * their analysis intervals; the Lease itself runs on real time, as it does in a cluster.
 */
describe('two controller replicas with leader election', () => {
  let world: EngineHarness;
  const replicas: RunningController[] = [];
  const startReplica = (identity: string) =>
    runController({
      kubeConfig: world.sandbox.kubeConfig,
      logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
      namespaces: [NAMESPACE],
      informer: { relistIntervalMs: 0, watchdogMs: 0 },
      healthAddress: { host: '127.0.0.1', port: 0 },
      clock: world.clock,
      leaderElection: { ...LEASE, identity },
    });

  beforeEach(async () => {
    world = await EngineHarness.start();
    world.countTicksOf(() => replicas);
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.stop()));
    await world.stop();
  });

  test('exactly one replica works; when it dies the other takes over and the run goes on without a skipped or repeated step', async () => {
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', { analysis: quickAnalysis({ stepWeight: 10, maxWeight: 50 }) });
    replicas.push(await startReplica('replica-a'), await startReplica('replica-b'));
    await eventually('a leader', () => replicas.some((r) => r.isLeader()));
    expect(replicas.filter((r) => r.isLeader())).toHaveLength(1);
    expect(replicas.filter((r) => r.current() !== undefined)).toHaveLength(1);

    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { kind: 'metrics', success: 1000, failure: 0, p99Ms: 50 });
    await world.setImage('podinfo', 'podinfo:2');
    await world.advanceUntil('podinfo', (s) => (s.canaryWeight ?? 0) >= 20, 'weight 20');

    const leader = replicas.find((r) => r.isLeader())!;
    const standby = replicas.find((r) => r !== leader)!;
    const standbyIdentity = replicas.indexOf(standby) === 0 ? 'replica-a' : 'replica-b';
    // Killed: the Lease is left to expire, and only then may the standby take it.
    await leader.stop({ releaseLease: false });
    await eventually('the standby to lead', () => standby.isLeader());

    await world.runUntilPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 40, 50, 0]);
    const lease = await world.sandbox.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: LEASE.leaseName, namespace: NAMESPACE });
    expect(lease.spec?.holderIdentity).toBe(standbyIdentity);
  });

  test('a replica that stops gracefully hands the lease over at once', async () => {
    replicas.push(await startReplica('replica-a'));
    await eventually('replica-a to lead', () => replicas[0].isLeader());
    replicas.push(await startReplica('replica-b'));
    // Every state the Lease goes through, from a watch: timing on a busy machine proves nothing, the
    // sequence of writes does.
    const leases = world.sandbox.kubeConfig.makeApiClient(CoordinationV1Api);
    const states: V1Lease[] = [];
    const watch = new ResilientInformer<V1Lease>({
      kubeConfig: world.sandbox.kubeConfig,
      path: `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases`,
      list: () => leases.listNamespacedLease({ namespace: NAMESPACE }),
      watchdogMs: 0,
      relistIntervalMs: 0,
    });
    watch.onEvent((type, lease) => {
      if (type !== 'delete') states.push(lease);
    });
    await watch.start();
    try {
      await replicas[0].stop();
      await eventually('replica-b to lead', () => replicas[1].isLeader());
      await eventually('the watch to see replica-b hold the lease', () => states.at(-1)?.spec?.holderIdentity === 'replica-b');
    } finally {
      await watch.stop();
    }
    // Released, not left to expire: replica-a's last write clears the holder and shortens the lease to a
    // second, so the standby's next retry takes it instead of waiting out the lease duration.
    const handover = states.map((lease) => [lease.spec?.holderIdentity ?? '', lease.spec?.leaseDurationSeconds]);
    const released = handover.findIndex(([holder, seconds]) => holder === '' && seconds === 1);
    expect(released).toBeGreaterThanOrEqual(0);
    expect(handover.slice(released + 1).every(([holder]) => holder === 'replica-b')).toBe(true);
  });
});
