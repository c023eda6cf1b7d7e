import { createServer, connect, type Server, type Socket } from 'node:net';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { ElectionTime, type CandidateClock } from '../../helpers/election-time.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { LeaderElector } from '../../../src/kube/leader-election.ts';
import { kubeConfigFor } from '../../../src/sandbox/apiserver/kubeconfig.ts';
import { createLogger } from '../../../src/log/logger.ts';

const LEASE_MS = 2000;
const RENEW_DEADLINE_MS = 1500;
const RETRY_MS = 250;
/** Where the Lease's fake clock starts. */
const START = Date.parse('2026-03-02T10:00:00Z');

interface Candidate {
  id: string;
  elector: LeaderElector;
  clock: CandidateClock;
  /** Fake times of onStartedLeading / onStoppedLeading calls, in order. */
  log: { event: 'started' | 'stopped'; at: number }[];
  stopped: boolean;
  /** Stops the candidate as a shutdown (release) or a crash (`release: false`) would. */
  stop(options?: { release?: boolean }): Promise<void>;
}

/** A TCP proxy in front of the API server that can cut one replica off, as a network partition would. */
class PartitionableProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private partitioned = false;
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      // While partitioned, connections are accepted and never answered: requests hang, as they do when
      // packets are dropped.
      if (this.partitioned) return;
      const upstream = connect(target.port, target.host);
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  partition(): void {
    this.partitioned = true;
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('leader election on a Lease in the sandbox API server, on a fake clock', () => {
  let sandbox: Sandbox;
  let leases: CoordinationV1Api;
  let namespaceCount = 0;
  let namespace: string;
  let time: ElectionTime;
  let candidates: Candidate[];
  let bothLeadingSeen: boolean;
  let monitor: NodeJS.Timeout;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    sandbox = await startSandbox();
    leases = sandbox.kubeConfig.makeApiClient(CoordinationV1Api);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  beforeEach(async () => {
    namespace = `le-${++namespaceCount}`;
    await sandbox.createNamespace(namespace);
    time = new ElectionTime(START, RETRY_MS);
    candidates = [];
    bothLeadingSeen = false;
    // The one property that must hold at every instant of every test: never two leaders.
    monitor = setInterval(() => {
      if (candidates.filter((c) => c.elector.isLeader()).length > 1) bothLeadingSeen = true;
    }, 10);
  });
  afterEach(async () => {
    clearInterval(monitor);
    sandbox.server.faults.reset();
    await Promise.all(candidates.map((c) => c.elector.stop({ release: false })));
    expect(bothLeadingSeen).toBe(false);
  });

  /** Starts a candidate and waits for its first attempt, which it makes at once. */
  async function candidate(id: string, kubeConfig: KubeConfig = sandbox.kubeConfig): Promise<Candidate> {
    const clock = time.candidateClock();
    const elector = new LeaderElector({
      kubeConfig, namespace, name: 'kanari-leader', identity: id,
      leaseDurationMs: LEASE_MS, renewDeadlineMs: RENEW_DEADLINE_MS, retryPeriodMs: RETRY_MS, logger, clock,
    });
    const c: Candidate = {
      id, elector, clock, log: [], stopped: false,
      async stop(options) {
        c.stopped = true;
        await elector.stop(options);
      },
    };
    void elector.run({
      onStartedLeading: () => void c.log.push({ event: 'started', at: time.clock.now() }),
      onStoppedLeading: () => void c.log.push({ event: 'stopped', at: time.clock.now() }),
    });
    candidates.push(c);
    await time.settled([clock]);
    return c;
  }

  /** Passes `n` retry periods; every candidate still running (or those given) finishes each attempt. */
  const passRetryPeriods = (n: number, who: Candidate[] = candidates.filter((c) => !c.stopped)) =>
    time.passRetryPeriods(n, who.map((c) => c.clock));
  const leaders = () => candidates.filter((c) => c.elector.isLeader());
  const readLease = () => leases.readNamespacedLease({ namespace, name: 'kanari-leader' });
  const renewTime = async () => new Date((await readLease()).spec!.renewTime!).getTime();

  it('elects exactly one of three candidates and keeps it while it renews', async () => {
    await Promise.all([candidate('a'), candidate('b'), candidate('c')]);
    expect(leaders()).toHaveLength(1);
    const leader = leaders()[0]!;
    // Ten retry periods later (longer than a lease duration) the same replica still leads, has renewed at
    // the last of them, and nobody else ever started.
    await passRetryPeriods(10);
    expect(time.clock.now() - START).toBeGreaterThan(LEASE_MS);
    expect(leaders()).toEqual([leader]);
    expect(leader.log.map((e) => e.event)).toEqual(['started']);
    for (const other of candidates.filter((c) => c !== leader)) expect(other.log).toEqual([]);
    const lease = await readLease();
    expect(lease.spec?.holderIdentity).toBe(leader.id);
    expect(lease.spec?.leaseDurationSeconds).toBe(2);
    expect(new Date(lease.spec!.renewTime!).getTime()).toBe(time.clock.now());
    // A real API server parses MicroTime with exactly six fractional digits.
    const raw = await sandbox.rawRequest('GET', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/kanari-leader`);
    const rawSpec = (raw.body as { spec: { renewTime: string; acquireTime: string } }).spec;
    expect(rawSpec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(rawSpec.acquireTime).toMatch(/\.\d{6}Z$/);
  });

  it('hands over at the next retry, one retry period, when the leader releases the lease on shutdown', async () => {
    const a = await candidate('a');
    expect(a.elector.isLeader()).toBe(true);
    const b = await candidate('b');
    await passRetryPeriods(2);
    expect(b.elector.isLeader()).toBe(false);

    const stoppedAt = time.clock.now();
    await a.stop();
    expect(a.log.map((e) => e.event)).toEqual(['started', 'stopped']);
    expect(a.elector.isLeader()).toBe(false);
    expect((await readLease()).spec?.holderIdentity).toBeUndefined();
    await passRetryPeriods(1);
    expect(b.elector.isLeader()).toBe(true);
    expect(b.log).toEqual([{ event: 'started', at: stoppedAt + RETRY_MS }]);
    const lease = await readLease();
    expect(lease.spec?.holderIdentity).toBe('b');
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('takes over only after the lease duration when the leader dies without releasing', async () => {
    const a = await candidate('a');
    const b = await candidate('b');
    await passRetryPeriods(2);
    const renewedBeforeDeath = await renewTime();
    expect(renewedBeforeDeath).toBe(time.clock.now());

    await a.stop({ release: false });
    // A retry period later the lease is still the dead leader's, and so it is for the whole lease duration.
    await passRetryPeriods(1);
    expect(b.elector.isLeader()).toBe(false);
    await passRetryPeriods(LEASE_MS / RETRY_MS - 1);
    expect(time.clock.now()).toBe(renewedBeforeDeath + LEASE_MS);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.log).toEqual([]);
    // The first retry after the lease expired takes it over.
    await passRetryPeriods(1);
    expect(b.log).toEqual([{ event: 'started', at: renewedBeforeDeath + LEASE_MS + RETRY_MS }]);
    expect(b.elector.isLeader()).toBe(true);
    expect((await readLease()).spec?.holderIdentity).toBe('b');
  });

  it('a leader cut off from the API server stops leading at its renew deadline, before anyone else can start', async () => {
    const url = new URL(sandbox.server.url);
    const proxy = new PartitionableProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.listen();
    try {
      const a = await candidate('a', kubeConfigFor({ url: `http://127.0.0.1:${proxy.port}`, token: sandbox.server.token, caCert: undefined }));
      const b = await candidate('b');
      await passRetryPeriods(2);
      const lastRenewal = await renewTime();

      proxy.partition();
      // a's renewals hang from here on: only b finishes its attempts.
      await passRetryPeriods(RENEW_DEADLINE_MS / RETRY_MS - 1, [b]);
      expect(a.elector.isLeader()).toBe(true);
      await passRetryPeriods(1, [b]);
      // The old leader gave up on its own, at its renew deadline, while the lease was still its own...
      expect(a.elector.isLeader()).toBe(false);
      expect(a.log).toEqual([{ event: 'started', at: START }, { event: 'stopped', at: lastRenewal + RENEW_DEADLINE_MS }]);
      expect(b.elector.isLeader()).toBe(false);
      // ...and b started at its first retry after the lease expired, strictly later.
      await passRetryPeriods((LEASE_MS - RENEW_DEADLINE_MS) / RETRY_MS + 1, [b]);
      expect(b.log).toEqual([{ event: 'started', at: lastRenewal + LEASE_MS + RETRY_MS }]);
      // a never believes it leads again while it cannot renew, however often b renews meanwhile.
      await passRetryPeriods(10, [b]);
      expect(a.elector.isLeader()).toBe(false);
      expect(a.log.map((e) => e.event)).toEqual(['started', 'stopped']);
    } finally {
      await proxy.close();
    }
  });

  it('a leader that sees another holder on the lease stops at its next attempt', async () => {
    const a = await candidate('a');
    // An operator (or a replica with a skewed clock) writes another holder into the lease.
    const lease = await readLease();
    await leases.replaceNamespacedLease({ namespace, name: 'kanari-leader', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } } });
    const writtenAt = time.clock.now();
    await passRetryPeriods(1);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.log).toEqual([{ event: 'started', at: START }, { event: 'stopped', at: writtenAt + RETRY_MS }]);
  });

  it('a leader whose renewal hits a 409 Conflict keeps leading and renews at its next try', async () => {
    const a = await candidate('a');
    const acquired = await renewTime();
    sandbox.server.faults.conflictNext(2);
    // Two renewals hit the conflicts: the lease keeps its last renewal, and a still leads within its deadline.
    await passRetryPeriods(2);
    expect(await renewTime()).toBe(acquired);
    expect(a.elector.isLeader()).toBe(true);
    // The next one goes through.
    await passRetryPeriods(1);
    expect(await renewTime()).toBe(time.clock.now());
    expect(a.elector.isLeader()).toBe(true);
    expect(a.log.map((e) => e.event)).toEqual(['started']);
  });

  it('a candidate whose takeover hits a 409 Conflict does not lead until a later attempt wins', async () => {
    const a = await candidate('a');
    await a.stop();
    expect((await readLease()).spec?.holderIdentity).toBeUndefined();

    sandbox.server.faults.conflictNext(1);
    const startedAt = time.clock.now();
    const b = await candidate('b');
    // The first attempt lost the (forced) race, so leading began one retry period later.
    expect(b.elector.isLeader()).toBe(false);
    await passRetryPeriods(1);
    expect(b.log).toEqual([{ event: 'started', at: startedAt + RETRY_MS }]);
    expect(b.elector.isLeader()).toBe(true);
  });
});
