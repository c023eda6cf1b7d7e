import { CoordinationV1Api } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { runController, type RunningController, type LeaderElectionSettings } from '../../../src/controller/run-controller.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { ElectionTime, type CandidateClock } from '../../helpers/election-time.ts';
import { EngineHarness, NAMESPACE, START, quickAnalysis } from './engine-harness.ts';

const LEASE: LeaderElectionSettings = { namespace: NAMESPACE, leaseName: 'kanari-leader', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };

interface Replica {
  identity: string;
  running: RunningController;
  /** The replica's view of the Lease's fake clock. */
  clock: CandidateClock;
}

/**
 * Two controller processes' worth of replicas, each serving /metrics. Their analysis intervals run on
 * the harness's fake clock; the Lease runs on a second fake clock that the test moves a retry period at a
 * time, so a hand-over is shown by how many retry periods it takes, whatever the machine's speed.
 */
describe('two controller replicas with leader election', () => {
  let world: EngineHarness;
  let time: ElectionTime;
  const replicas: Replica[] = [];

  /** Starts a replica and waits for its first attempt at the Lease, which it makes at once. */
  const startReplica = async (identity: string): Promise<Replica> => {
    const clock = time.candidateClock();
    const running = await runController({
      kubeConfig: world.sandbox.kubeConfig,
      logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
      namespaces: [NAMESPACE],
      informer: { relistIntervalMs: 0, watchdogMs: 0 },
      healthAddress: { host: '127.0.0.1', port: 0 },
      clock: world.clock,
      leaderElection: { ...LEASE, identity, clock },
    });
    const replica = { identity, running, clock };
    replicas.push(replica);
    await time.settled([clock]);
    return replica;
  };
  const readLease = () => world.sandbox.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: LEASE.leaseName, namespace: NAMESPACE });

  beforeEach(async () => {
    world = await EngineHarness.start();
    world.countTicksOf(() => replicas.map((r) => r.running));
    time = new ElectionTime(START, LEASE.retryPeriodMs);
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.running.stop()));
    await world.stop();
  });

  test('exactly one replica works; when it dies the other takes over after the lease duration and the run goes on without a skipped or repeated step', async () => {
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', { analysis: quickAnalysis({ stepWeight: 10, maxWeight: 50 }) });
    const a = await startReplica('replica-a');
    const b = await startReplica('replica-b');
    expect([a.running.isLeader(), b.running.isLeader()]).toEqual([true, false]);
    expect([a.running.current() !== undefined, b.running.current() !== undefined]).toEqual([true, false]);

    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { kind: 'metrics', success: 1000, failure: 0, p99Ms: 50 });
    await world.setImage('podinfo', 'podinfo:2');
    await world.advanceUntil('podinfo', (s) => (s.canaryWeight ?? 0) >= 20, 'weight 20');

    // Killed: the Lease (last renewed when the Lease's clock stood at START) is left to expire. The
    // standby may not take it for a whole lease duration, and takes it at its first retry after that.
    await a.running.stop({ releaseLease: false });
    expect(new Date((await readLease()).spec!.renewTime!).getTime()).toBe(START);
    await time.passRetryPeriods(1, [b.clock]);
    expect(b.running.isLeader()).toBe(false);
    await time.passRetryPeriods(LEASE.leaseDurationMs / LEASE.retryPeriodMs - 1, [b.clock]);
    expect(time.clock.now()).toBe(START + LEASE.leaseDurationMs);
    expect(b.running.isLeader()).toBe(false);
    await time.passRetryPeriods(1, [b.clock]);
    expect(b.running.isLeader()).toBe(true);

    await world.runUntilPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 40, 50, 0]);
    expect((await readLease()).spec?.holderIdentity).toBe('replica-b');
  });

  test("a replica that stops gracefully hands the lease over at the standby's next retry", async () => {
    const a = await startReplica('replica-a');
    const b = await startReplica('replica-b');
    expect([a.running.isLeader(), b.running.isLeader()]).toEqual([true, false]);

    // Released, not left to expire: the holder is cleared, so one retry period is enough.
    await a.running.stop();
    expect((await readLease()).spec?.holderIdentity).toBeUndefined();
    await time.passRetryPeriods(1, [b.clock]);
    expect(b.running.isLeader()).toBe(true);
    expect(b.running.current()).toBeDefined();
    expect((await readLease()).spec?.holderIdentity).toBe('replica-b');
  });
});
