import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { LoopbackServer } from '../../helpers/loopback-server.ts';
import type { CanaryController } from '../../../src/controller/canary-controller.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';
import { kubeConfigVia } from './watch-delay-proxy.ts';

/** One API request as the doomed controller sent it. */
interface SeenRequest {
  method: string;
  path: string;
  body: string;
}

/**
 * Where a controller dies: at the first request `matches` accepts, either before it reaches the API
 * server (`before`: the write is lost) or after the server applied it but before the controller heard
 * back (`after`: the write happened, nothing that follows it did).
 */
interface KillPoint {
  name: string;
  when: 'before' | 'after';
  matches(request: SeenRequest): boolean;
}

/**
 * A loopback HTTP proxy between one controller and the API server. Cutting it is, as far as the cluster
 * can tell, the controller's process dying: every open request and watch is torn down and nothing the
 * controller does afterwards arrives. That gives a kill at an exact request, which SIGKILL cannot.
 */
class SeverableLink {
  readonly #server: LoopbackServer;
  readonly #upstream: URL;
  #point: KillPoint | undefined;
  #severed = false;
  #onSevered: () => void = () => {};
  readonly severed: Promise<void>;

  constructor(upstream: string, point: KillPoint | undefined) {
    this.#upstream = new URL(upstream);
    this.#point = point;
    this.severed = new Promise((resolve) => (this.#onSevered = resolve));
    this.#server = new LoopbackServer((req, res) => this.#forward(req, res));
  }

  get url(): string {
    return this.#server.url;
  }

  listen(): Promise<void> {
    return this.#server.listen();
  }

  /** The controller is dead from here on. */
  sever(): void {
    if (this.#severed) return;
    this.#severed = true;
    void this.#server.close();
    this.#onSevered();
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.#severed) return void res.destroy();
      const seen: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') };
      const hit = this.#point?.matches(seen) ? this.#point : undefined;
      if (hit) this.#point = undefined;
      if (hit?.when === 'before') return this.sever();
      const upstream = httpRequest(
        { host: this.#upstream.hostname, port: this.#upstream.port, method: seen.method, path: seen.path, headers: { ...req.headers, host: this.#upstream.host } },
        (answer) => {
          if (hit) {
            // The server applied the request; the controller never learns that it did.
            answer.resume();
            answer.on('end', () => this.sever());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(chunks.length ? Buffer.concat(chunks) : undefined);
    });
  }
}

const isStatusWrite = (r: SeenRequest) => r.method === 'PATCH' && /\/canaries\/podinfo\/status$/.test(r.path);
const statusWrite = (fragment: RegExp) => (r: SeenRequest) => isStatusWrite(r) && fragment.test(r.body);
const splitWrite = (weight: number) => (r: SeenRequest) =>
  r.method !== 'GET' && /\/trafficsplits/.test(r.path) && new RegExp(`"service":"podinfo-canary","weight":"?${weight}"?`).test(r.body);

describe('canary engine: controller crashes and API server faults', () => {
  let world: EngineHarness;
  const zombies: CanaryController[] = [];

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(async () => {
    await Promise.all(zombies.splice(0).map((z) => z.stop()));
    await world.stop();
  });

  /**
   * Runs controllers one after another, each behind its own link that dies at the next kill point, then
   * a last one that lives. Analysis intervals pass (on the fake clock) until each point is reached.
   * Resolves with the names of the points actually reached, in order.
   */
  async function killAt(points: KillPoint[]): Promise<string[]> {
    const reached: string[] = [];
    for (const point of points) {
      const link = new SeverableLink(world.sandbox.server.url, point);
      await link.listen();
      let severed = false;
      void link.severed.then(() => (severed = true));
      const doomed = await world.startController({ kubeConfig: kubeConfigVia(world.sandbox.kubeConfig, link.url) });
      world.controller = undefined;
      zombies.push(doomed);
      await world.drive('podinfo', async () => severed, `kill point "${point.name}" (reached so far: ${reached.join(', ')})`);
      link.sever();
      reached.push(point.name);
    }
    await world.startController();
    return reached;
  }

  /** Advance Events by message with their counts, to show no step was taken twice. */
  async function advanceEvents(): Promise<Map<string, number>> {
    const list = await world.core.listNamespacedEvent({ namespace: NAMESPACE });
    const counts = new Map<string, number>();
    for (const e of list.items.filter((e) => e.involvedObject.name === 'podinfo' && e.reason === 'Advance')) {
      const step = /canary weight \d+ → \d+/.exec(e.message ?? '')?.[0] ?? e.message ?? '';
      counts.set(step, (counts.get(step) ?? 0) + (e.count ?? 1));
    }
    return counts;
  }

  async function expectPromoted(): Promise<void> {
    // The uninterrupted run's history (promotion.test.ts): every step once, in order, then back to 0.
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    const primary = await world.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    expect(primary.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.1');
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
    const status = await world.status('podinfo');
    expect(status.canaryWeight).toBe(0);
    expect(status.conditions?.find((c) => c.type === 'Promoted')?.status).toBe('True');
    for (const [step, count] of await advanceEvents()) expect([step, count]).toEqual([step, 1]);
    // A restarted controller must not tick before its caches are full and call the target missing.
    expect((await world.events('podinfo')).filter((e) => e.startsWith('TargetNotFound'))).toEqual([]);
  }

  test('stopped and restarted in every phase, a promotion ends as an uninterrupted one does', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    // Held unready, the primary keeps the canary in Initializing long enough to restart there.
    world.deployments.holdUnready(NAMESPACE, 'podinfo-primary');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    const restart = async () => {
      await world.stopController();
      await world.startController();
    };

    await world.startController();
    await world.waitForPhase('podinfo', 'Initializing');
    await restart();
    world.deployments.release(NAMESPACE, 'podinfo-primary');
    await world.waitForPhase('podinfo', 'Initialized');
    await restart();

    world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    for (const weight of [20, 40]) {
      await world.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === weight, `weight ${weight}`);
      await restart();
    }
    // Held again, the promoted primary's rollout keeps the canary in Promoting while we restart.
    world.deployments.holdUnready(NAMESPACE, 'podinfo-primary');
    await world.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === 60, 'weight 60');
    await restart();
    await world.advanceUntil('podinfo', (s) => s.phase === 'Promoting', 'phase Promoting');
    await restart();
    world.deployments.release(NAMESPACE, 'podinfo-primary');
    await world.runUntilPhase('podinfo', 'Succeeded');
    await restart();
    await world.controller?.idle();

    expect(world.phaseHistory).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    await expectPromoted();
  });

  test('killed between an action and its status write, and with status writes lost, a promotion still never skips or repeats a step', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    const points: KillPoint[] = [
      { name: 'primary created', when: 'after', matches: (r) => r.method === 'POST' && /\/deployments$/.test(r.path) && r.body.includes('"podinfo-primary"') },
      { name: 'Initializing lost', when: 'before', matches: statusWrite(/"phase":"Initializing"/) },
      { name: 'Initialized written', when: 'after', matches: statusWrite(/"phase":"Initialized"/) },
      { name: 'Progressing lost', when: 'before', matches: statusWrite(/"phase":"Progressing"/) },
      { name: 'split at 20', when: 'after', matches: splitWrite(20) },
      { name: 'split at 40', when: 'after', matches: splitWrite(40) },
      // The split is already at 60 when this status write is lost: the next controller must not step again.
      { name: 'weight 60 lost', when: 'before', matches: statusWrite(/"canaryWeight":60/) },
      { name: 'primary promoted', when: 'after', matches: (r) => r.method === 'PATCH' && /\/deployments\/podinfo-primary$/.test(r.path) && r.body.includes('6.0.1') },
      { name: 'Promoting written', when: 'after', matches: statusWrite(/"phase":"Promoting"/) },
      { name: 'split back to 0', when: 'after', matches: splitWrite(0) },
      { name: 'Finalising lost', when: 'before', matches: statusWrite(/"phase":"Finalising"/) },
      { name: 'Succeeded lost', when: 'before', matches: statusWrite(/"phase":"Succeeded"/) },
    ];
    const killing = killAt(points);
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    expect(await killing).toEqual(points.map((p) => p.name));
    await world.runUntilPhase('podinfo', 'Succeeded');
    await world.controller?.idle();

    expect(world.phaseHistory).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    await expectPromoted();
  });

  test('killed mid-rollback, a failing canary still ends Failed with all traffic on the primary', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    await world.stopController();

    world.traffic.set('podinfo', { kind: 'metrics', success: 80, failure: 20, p99Ms: 120 });
    const points: KillPoint[] = [
      { name: 'split at 20', when: 'after', matches: splitWrite(20) },
      { name: 'first failed check lost', when: 'before', matches: statusWrite(/"failedChecks":1/) },
      { name: 'rolled back to 0', when: 'after', matches: splitWrite(0) },
      { name: 'Failed lost', when: 'before', matches: statusWrite(/"phase":"Failed"/) },
    ];
    await world.setImage('podinfo', 'podinfo:6.0.1');
    expect(await killAt(points)).toEqual(points.map((p) => p.name));
    const status = await world.runUntilPhase('podinfo', 'Failed');
    await world.controller?.idle();

    // As uninterrupted (promotion.test.ts): one step of 20, then everything back on the primary.
    expect(world.weightHistory).toEqual([0, 20, 0]);
    expect(status.canaryWeight).toBe(0);
    const primary = await world.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    expect(primary.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.0');
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
  });

  test('5xx and 429 bursts, forced status conflicts, dropped watches and compaction mid-run: the promotion completes exactly', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');

    world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    const faults = world.sandbox.server.faults;
    await world.waitForStatus('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === 20, 'weight 20');
    await world.settle();
    await world.controller?.idle();
    // Nothing else talks to the API server now; the next interval's tick is the one that meets the 503s.
    const logged = (pattern: RegExp) => () => world.logLines.some((line) => pattern.test(line));
    const interval = await world.intervalOf('podinfo');
    faults.failNext(6, 503);
    world.clock.advance(interval);
    await eventually('the controller met a 503', logged(/reconcile failed; retrying/));
    // Conflicts land on whichever write comes next (the controller's status or Event patch, or the
    // deployment controller's): every writer must take a 409 in its stride.
    faults.conflictNext(2);
    await world.advanceUntil('podinfo', (s) => s.canaryWeight === 40, 'weight 40 after 503s and conflicts');
    // 429s while every informer reconnects after its watch dropped; then the run goes on.
    faults.failNext(4, 429, 0);
    faults.dropWatches();
    await world.historyCaughtUp('podinfo');
    await world.advanceUntil('podinfo', (s) => s.canaryWeight === 60, 'weight 60 after 429s and dropped watches');
    faults.compact();
    faults.dropWatches();
    await world.historyCaughtUp('podinfo');
    await world.runUntilPhase('podinfo', 'Succeeded');
    await world.controller?.idle();

    expect(world.phaseHistory).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    await expectPromoted();
  });

  test('/readyz reports unhealthy while the informers cannot reach the API server, and healthy again after', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    const controller = await world.startController({ informer: { relistIntervalMs: 0, watchdogMs: 0 } });
    await world.waitForPhase('podinfo', 'Initialized');
    const unhealthy = () => controller.readiness().filter((check) => !check.healthy()).map((check) => check.name);
    expect(unhealthy()).toEqual([]);

    await world.sandbox.server.faults.down();
    await eventually('an informer reports unhealthy', () => unhealthy().length > 0);
    expect(unhealthy().some((name) => name.startsWith('informer '))).toBe(true);
    await world.sandbox.server.faults.up();
    await eventually('every informer is healthy again', () => unhealthy().length === 0, { lastSeen: unhealthy });

    // Back up, the controller still works: a new revision is analysed and promoted.
    world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.runUntilPhase('podinfo', 'Succeeded');
  });
});
