import type { CanaryWebhook } from '../../../src/api/canary.ts';
import type { ManualRequestKind } from '../../../src/api/annotations.ts';
import { requestAnnotation } from '../../../src/api/annotations.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;
const CLOSED = { status: 403, body: 'not approved yet' };

describe('canary engine: webhook gates and manual control through the real controller', () => {
  let world: EngineHarness;
  const receivers: HttpReceiver[] = [];

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(async () => {
    // Receivers first: closing a hook that never answers ends the tick waiting on it, so stop is quick.
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await world.stop();
  });

  async function receiver(): Promise<HttpReceiver> {
    const r = await startHttpReceiver();
    receivers.push(r);
    return r;
  }

  /** A Deployment and Canary `name` with these hooks, initialized, then shipped a new revision. */
  async function shipWith(name: string, webhooks: CanaryWebhook[], analysis = quickAnalysis({ webhooks })): Promise<void> {
    await world.createDeployment(name, `${name}:1`);
    await world.createCanary(name, { analysis: { ...analysis, webhooks } });
    if (!world.controller) await world.startController();
    await world.waitForPhase(name, 'Initialized');
    world.traffic.set(name, HEALTHY);
    await world.setImage(name, `${name}:2`);
  }

  /** Holds for `ms` and fails if the Canary's status ever stops satisfying `holds` meanwhile. */
  async function holdsFor(name: string, ms: number, holds: (s: Awaited<ReturnType<EngineHarness['status']>>) => boolean): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const status = await world.status(name);
      if (!holds(status)) throw new Error(`status changed while it should hold: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function annotate(name: string, kind: ManualRequestKind, who: string): Promise<void> {
    const [key, value] = requestAnnotation(kind, who, Date.now());
    await world.custom.patchNamespacedCustomObject(
      { group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name, body: { metadata: { annotations: { [key]: value } } } },
      mergePatchOptions(),
    );
  }

  test('confirm-rollout closed keeps the canary Waiting with no traffic; opened, the rollout proceeds', async () => {
    const gate = await receiver();
    gate.script(CLOSED);
    await shipWith('podinfo', [{ name: 'approve', type: 'confirm-rollout', url: `${gate.url}/gate/approve` }]);
    await world.waitForPhase('podinfo', 'Waiting');
    await holdsFor('podinfo', 1200, (s) => s.phase === 'Waiting');
    expect(world.weightHistory).toEqual([0]);
    expect((await world.events('podinfo')).some((e) => e.startsWith('WaitingApproval: ') && e.includes('not approved yet'))).toBe(true);

    gate.script({ status: 200 });
    await world.waitForPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    const body = JSON.parse(gate.requests[0].body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['checksum', 'metadata', 'name', 'namespace', 'phase']);
    expect(body).toMatchObject({ name: 'podinfo', namespace: NAMESPACE, metadata: {} });
    expect(typeof body.checksum).toBe('string');
    expect(body.checksum).not.toBe('');
  });

  test('a failing pre-rollout hook is a failed check and rolls the canary back without advancing', async () => {
    const pre = await receiver();
    pre.script({ status: 500, body: 'smoke test failed: /healthz 503' });
    await shipWith('podinfo', [{ name: 'smoke', type: 'pre-rollout', url: `${pre.url}/smoke` }]);
    const status = await world.waitForPhase('podinfo', 'Failed');
    expect(status.canaryWeight).toBe(0);
    expect(Math.max(...world.weightHistory)).toBe(0);
    expect((await world.events('podinfo')).some((e) => e.includes('smoke test failed'))).toBe(true);
  });

  test('a failing rollout hook is a failed check each interval and ends in rollback', async () => {
    const load = await receiver();
    const hooks: CanaryWebhook[] = [{ name: 'load', type: 'rollout', url: `${load.url}/`, metadata: { cmd: 'hey -z 1m http://podinfo-canary' } }];
    await shipWith('podinfo', hooks);
    await world.waitForStatus('podinfo', (s) => s.canaryWeight === 20, 'weight 20');
    load.script({ status: 502, body: 'load generator down' });
    const status = await world.waitForPhase('podinfo', 'Failed');
    expect(status.canaryWeight).toBe(0);
    expect(world.weightHistory.at(-1)).toBe(0);
    expect(Math.max(...world.weightHistory)).toBeLessThan(60);
    expect(JSON.parse(load.requests[0].body)).toMatchObject({ name: 'podinfo', phase: 'Progressing', metadata: { cmd: 'hey -z 1m http://podinfo-canary' } });
  });

  test('confirm-traffic-increase closed holds the weight; opened, the weight advances', async () => {
    const gate = await receiver();
    await shipWith('podinfo', [{ name: 'more', type: 'confirm-traffic-increase', url: `${gate.url}/more` }]);
    await world.waitForStatus('podinfo', (s) => s.canaryWeight === 20, 'weight 20');
    gate.script(CLOSED);
    await new Promise((resolve) => setTimeout(resolve, 400)); // let a tick in flight with an open answer finish
    const held = (await world.status('podinfo')).canaryWeight;
    await holdsFor('podinfo', 1200, (s) => s.canaryWeight === held && s.phase === 'Progressing');
    gate.script({ status: 200 });
    await world.waitForPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
  });

  test('confirm-promotion closed keeps WaitingPromotion with checks still running; opened, it promotes', async () => {
    const gate = await receiver();
    gate.script(CLOSED);
    await shipWith('podinfo', [{ name: 'ship-it', type: 'confirm-promotion', url: `${gate.url}/ship` }]);
    const waiting = await world.waitForPhase('podinfo', 'WaitingPromotion');
    // Checks keep running while waiting: the analysis time moves on, and a bad metric would still count.
    await world.waitForStatus('podinfo', (s) => s.phase === 'WaitingPromotion' && s.lastAnalysisTime !== waiting.lastAnalysisTime, 'a check while waiting');
    expect((await world.status('podinfo')).canaryWeight).toBe(60);
    gate.script({ status: 202 });
    await world.waitForPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
  });

  test('a rollback hook answering 2xx rolls back at once; post-rollout hears Failed; event hooks hear each event', async () => {
    const rollback = await receiver();
    const post = await receiver();
    const events = await receiver();
    rollback.script({ status: 404 });
    await shipWith('podinfo', [
      { name: 'abort-button', type: 'rollback', url: `${rollback.url}/` },
      { name: 'notify', type: 'post-rollout', url: `${post.url}/`, metadata: { team: 'payments' } },
      { name: 'audit', type: 'event', url: `${events.url}/` },
    ]);
    await world.waitForStatus('podinfo', (s) => s.canaryWeight === 20, 'weight 20');
    rollback.script({ status: 200 });
    await world.waitForPhase('podinfo', 'Failed');
    expect(Math.max(...world.weightHistory)).toBeLessThanOrEqual(40);

    const [postCall] = await post.waitForRequests(1);
    expect(JSON.parse(postCall.body)).toMatchObject({ name: 'podinfo', namespace: NAMESPACE, phase: 'Failed', metadata: { team: 'payments' } });
    await events.waitForRequests(3);
    const bodies = events.requests.map((r) => JSON.parse(r.body) as { metadata: Record<string, string> });
    for (const body of bodies) {
      expect(body).toMatchObject({ name: 'podinfo', namespace: NAMESPACE });
      expect(['Normal', 'Warning']).toContain(body.metadata.eventType);
      expect(Number(body.metadata.timestamp)).toBeGreaterThan(0);
    }
    expect(bodies.some((b) => /New revision detected/i.test(b.metadata.eventMessage))).toBe(true);
    expect(bodies.some((b) => b.metadata.eventType === 'Warning')).toBe(true);
  });

  test('post-rollout hears Succeeded after a promotion', async () => {
    const post = await receiver();
    await shipWith('podinfo', [{ name: 'notify', type: 'post-rollout', url: `${post.url}/` }]);
    await world.waitForPhase('podinfo', 'Succeeded');
    const [call] = await post.waitForRequests(1);
    expect(JSON.parse(call.body)).toMatchObject({ name: 'podinfo', namespace: NAMESPACE, phase: 'Succeeded' });
  });

  test("a dead webhook of one Canary does not delay another Canary's progress", async () => {
    const dead = await receiver();
    dead.script({ neverAnswer: true });
    await world.startController();
    await shipWith('stuck', [{ name: 'hangs', type: 'rollout', url: `${dead.url}/`, timeout: '20s' }]);
    await dead.waitForRequests(1);
    const started = Date.now();
    await shipWith('healthy', []);
    await world.waitForPhase('healthy', 'Succeeded');
    const took = Date.now() - started;
    // Three 300 ms steps plus promotion take about 2 s; a shared wait on the dead hook would take 20 s.
    expect(took).toBeLessThan(10_000);
    expect((await world.status('stuck')).phase).toBe('Progressing');
  }, 40_000);

  test('manual control by annotation: pause holds, resume continues, promote opens a closed gate, each naming who asked', async () => {
    const gate = await receiver();
    gate.script(CLOSED);
    await shipWith('podinfo', [{ name: 'ship-it', type: 'confirm-promotion', url: `${gate.url}/ship` }]);
    await world.waitForStatus('podinfo', (s) => s.canaryWeight === 20, 'weight 20');
    await annotate('podinfo', 'pause', 'alice');
    await world.waitForStatus('podinfo', (s) => s.paused !== undefined, 'paused');
    const held = (await world.status('podinfo')).canaryWeight;
    await holdsFor('podinfo', 1000, (s) => s.canaryWeight === held);
    await annotate('podinfo', 'resume', 'bob');
    await world.waitForPhase('podinfo', 'WaitingPromotion');
    await annotate('podinfo', 'promote', 'carol');
    await world.waitForPhase('podinfo', 'Succeeded');

    const events = await world.events('podinfo');
    expect(events).toEqual(expect.arrayContaining([expect.stringMatching(/^ManualAction: Pause .*requested by alice/), expect.stringMatching(/^ManualAction: Resume .*requested by bob/), expect.stringMatching(/^ManualAction: Promote .*requested by carol/)]));
  });

  test('manual control by annotation: promote-full skips the analysis, abort rolls back now', async () => {
    await world.startController();
    await shipWith('fast', [], quickAnalysis({ interval: '2s' }));
    await world.waitForStatus('fast', (s) => s.phase === 'Progressing', 'Progressing');
    await annotate('fast', 'promote-full', 'dave');
    await world.waitForPhase('fast', 'Succeeded', 15_000);
    expect((await world.events('fast')).some((e) => /^ManualAction: Full promotion .*requested by dave/.test(e))).toBe(true);

    await shipWith('doomed', []);
    await world.waitForStatus('doomed', (s) => s.canaryWeight === 20, 'weight 20');
    await annotate('doomed', 'abort', 'erin');
    await world.waitForPhase('doomed', 'Failed');
    expect((await world.events('doomed')).some((e) => /^ManualAction: Abort .*requested by erin/.test(e))).toBe(true);
  });
});
