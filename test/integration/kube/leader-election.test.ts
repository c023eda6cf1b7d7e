import { createServer, connect, type Server, type Socket } from 'node:net';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { eventually } from '../../helpers/eventually.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { LeaderElector } from '../../../src/kube/leader-election.ts';
import { kubeConfigFor } from '../../../src/sandbox/apiserver/kubeconfig.ts';
import { createLogger } from '../../../src/log/logger.ts';

const LEASE_MS = 2000;
const RENEW_DEADLINE_MS = 1500;
const RETRY_MS = 250;
// Room for a loaded 2-core machine: timers and loopback requests run late, never early.
const SLACK_MS = 700;

interface Candidate {
  id: string;
  elector: LeaderElector;
  /** Local times of onStartedLeading / onStoppedLeading calls, in order. */
  log: { event: 'started' | 'stopped'; at: number }[];
  done: Promise<void>;
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

describe('leader election on a Lease in the sandbox API server', () => {
  let sandbox: Sandbox;
  let leases: CoordinationV1Api;
  let namespaceCount = 0;
  let namespace: string;
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

  function candidate(id: string, kubeConfig: KubeConfig = sandbox.kubeConfig): Candidate {
    const elector = new LeaderElector({
      kubeConfig, namespace, name: 'kanari-leader', identity: id,
      leaseDurationMs: LEASE_MS, renewDeadlineMs: RENEW_DEADLINE_MS, retryPeriodMs: RETRY_MS, logger,
    });
    const c: Candidate = { id, elector, log: [], done: Promise.resolve() };
    c.done = elector.run({
      onStartedLeading: () => void c.log.push({ event: 'started', at: Date.now() }),
      onStoppedLeading: () => void c.log.push({ event: 'stopped', at: Date.now() }),
    });
    candidates.push(c);
    return c;
  }

  /** Waits until `condition` holds and says how long that took: the hand-over bounds below assert on it. */
  async function waitFor(condition: () => boolean, what: string): Promise<number> {
    const start = Date.now();
    await eventually(what, condition, { everyMs: 10 });
    return Date.now() - start;
  }

  /**
   * Waits until `holder` has renewed the lease `n` more times (each renewal writes a new renewTime): the
   * way to let time pass without a fixed sleep, and to know the others had as many chances to try.
   */
  async function renewals(holder: string, n: number): Promise<void> {
    const seen = new Set<string>();
    const first = (await readLease()).spec?.renewTime;
    await eventually(`${n} renewals by ${holder}`, async () => {
      const spec = (await readLease()).spec;
      if (spec?.holderIdentity === holder && spec.renewTime && String(spec.renewTime) !== String(first)) seen.add(String(spec.renewTime));
      return seen.size >= n;
    }, { everyMs: 20, lastSeen: () => `${seen.size} renewals` });
  }

  const leaders = () => candidates.filter((c) => c.elector.isLeader());
  const readLease = () => leases.readNamespacedLease({ namespace, name: 'kanari-leader' });

  it('elects exactly one of three candidates and keeps it while it renews', async () => {
    candidate('a');
    candidate('b');
    candidate('c');
    await waitFor(() => leaders().length === 1, 'a leader');
    const leader = leaders()[0]!;
    // Ten renewals later (longer than a lease duration) the same replica still leads, and nobody else ever started.
    await renewals(leader.id, 10);
    expect(leaders()).toEqual([leader]);
    expect(leader.log.map((e) => e.event)).toEqual(['started']);
    for (const other of candidates.filter((c) => c !== leader)) expect(other.log).toEqual([]);
    const lease = await readLease();
    expect(lease.spec?.holderIdentity).toBe(leader.id);
    expect(lease.spec?.leaseDurationSeconds).toBe(2);
    expect(new Date(lease.spec!.renewTime!).getTime()).toBeGreaterThan(Date.now() - RETRY_MS - SLACK_MS);
    // A real API server parses MicroTime with exactly six fractional digits.
    const raw = await sandbox.rawRequest('GET', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/kanari-leader`);
    const rawSpec = (raw.body as { spec: { renewTime: string; acquireTime: string } }).spec;
    expect(rawSpec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(rawSpec.acquireTime).toMatch(/\.\d{6}Z$/);
  });

  it('hands over within a retry period when the leader releases the lease on shutdown', async () => {
    const a = candidate('a');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    const b = candidate('b');
    await renewals('a', 2);
    expect(b.elector.isLeader()).toBe(false);

    const stoppedAt = Date.now();
    await a.elector.stop();
    expect(a.log.map((e) => e.event)).toEqual(['started', 'stopped']);
    expect(a.elector.isLeader()).toBe(false);
    expect(await waitFor(() => b.elector.isLeader(), 'b to lead')).toBeLessThan(RETRY_MS + SLACK_MS);
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS);
    const lease = await readLease();
    expect(lease.spec?.holderIdentity).toBe('b');
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('takes over within the lease duration when the leader dies without releasing', async () => {
    const a = candidate('a');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    const b = candidate('b');
    await renewals('a', 2);
    const renewedBeforeDeath = new Date((await readLease()).spec!.renewTime!).getTime();

    await a.elector.stop({ release: false });
    const killedAt = Date.now();
    expect(await waitFor(() => b.elector.isLeader(), 'b to take over')).toBeLessThan(LEASE_MS + RETRY_MS + SLACK_MS);
    const tookOverAt = b.log[0]!.at;
    // Not before the lease written by the dead leader expired, and not much after.
    expect(tookOverAt).toBeGreaterThanOrEqual(renewedBeforeDeath + LEASE_MS);
    expect(tookOverAt - killedAt).toBeLessThan(LEASE_MS + RETRY_MS + SLACK_MS);
    expect((await readLease()).spec?.holderIdentity).toBe('b');
  });

  it('a leader cut off from the API server stops leading before anyone else can start', async () => {
    const url = new URL(sandbox.server.url);
    const proxy = new PartitionableProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.listen();
    try {
      const a = candidate('a', kubeConfigFor({ url: `http://127.0.0.1:${proxy.port}`, token: sandbox.server.token, caCert: undefined }));
      await waitFor(() => a.elector.isLeader(), 'a to lead');
      const b = candidate('b');
      await renewals('a', 2);

      proxy.partition();
      const partitionedAt = Date.now();
      expect(await waitFor(() => b.elector.isLeader(), 'b to take over')).toBeLessThan(LEASE_MS + RETRY_MS + SLACK_MS);
      const stopped = a.log.find((e) => e.event === 'stopped');
      expect(stopped).toBeDefined();
      // The old leader gave up on its own, by its renew deadline, strictly before the new one started.
      expect(stopped!.at - partitionedAt).toBeLessThanOrEqual(RENEW_DEADLINE_MS + SLACK_MS);
      expect(stopped!.at).toBeLessThan(b.log[0]!.at);
      // ...and never believes it leads again while it cannot renew, however often b renews meanwhile.
      await renewals('b', 10);
      expect(a.elector.isLeader()).toBe(false);
      expect(a.log.map((e) => e.event)).toEqual(['started', 'stopped']);
    } finally {
      await proxy.close();
    }
  });

  it('a leader that sees another holder on the lease stops at once', async () => {
    const a = candidate('a');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    // An operator (or a replica with a skewed clock) writes another holder into the lease.
    const lease = await readLease();
    await leases.replaceNamespacedLease({ namespace, name: 'kanari-leader', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } } });
    const lostAfter = await waitFor(() => !a.elector.isLeader(), 'a to stop leading');
    expect(lostAfter).toBeLessThan(RETRY_MS + SLACK_MS);
    expect(lostAfter).toBeLessThan(RENEW_DEADLINE_MS);
    expect(a.log.map((e) => e.event)).toEqual(['started', 'stopped']);
  });

  it('a leader whose renewal hits a 409 Conflict keeps leading and renews at its next try', async () => {
    const a = candidate('a');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    sandbox.server.faults.conflictNext(2);
    // Two renewals hit the conflicts; the ones after them went through.
    await renewals('a', 2);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.log.map((e) => e.event)).toEqual(['started']);
    expect(new Date((await readLease()).spec!.renewTime!).getTime()).toBeGreaterThan(Date.now() - RETRY_MS - SLACK_MS);
  });

  it('a candidate whose takeover hits a 409 Conflict does not lead until a later attempt wins', async () => {
    const a = candidate('a');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    await a.elector.stop();
    expect((await readLease()).spec?.holderIdentity).toBeUndefined();

    sandbox.server.faults.conflictNext(1);
    const startedAt = Date.now();
    const b = candidate('b');
    expect(await waitFor(() => b.elector.isLeader(), 'b to lead')).toBeLessThan(RETRY_MS * 2 + SLACK_MS);
    // The first attempt lost the (forced) race, so leading began one retry period later.
    expect(b.log[0]!.at - startedAt).toBeGreaterThanOrEqual(RETRY_MS - 20);
    expect(b.log.map((e) => e.event)).toEqual(['started']);
  });
});
