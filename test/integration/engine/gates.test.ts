import type { CanaryWebhook } from '../../../src/api/canary.ts';
import type { ManualRequestKind } from '../../../src/api/annotations.ts';
import { requestAnnotation } from '../../../src/api/annotations.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;
const CLOSED = { status: 403, body: 'not approved yet' };

/**
 * Gates and manual control through real webhook receivers on loopback and real annotations: what the
 * receivers hear, and that the controller reacts to them. How each gate holds or moves a run (pre-rollout,
 * rollout, confirm-traffic-increase, confirm-promotion, promote-full, abort, retry) is unit-tested on the
 * engine's World (test/unit/engine/run-gates.test.ts).
 */
describe('canary engine: webhook gates and manual control through the real controller', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(() => world.stop());

  const receiver = () => world.receiver();

  /** A Deployment and Canary `name` with these hooks, initialized, then shipped a new revision. */
  function shipWith(name: string, webhooks: CanaryWebhook[], analysis = quickAnalysis({ webhooks })): Promise<void> {
    return world.ship(name, { analysis: { ...analysis, webhooks } }, () => world.traffic.set(name, HEALTHY));
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
    // Three intervals, three ticks, each asking the gate again: still Waiting, no traffic.
    await world.passIntervals('podinfo', 3);
    expect((await world.status('podinfo')).phase).toBe('Waiting');
    expect(gate.requests.length).toBeGreaterThanOrEqual(4);
    expect(world.weightHistory).toEqual([0]);
    expect((await world.events('podinfo')).some((e) => e.startsWith('WaitingApproval: ') && e.includes('not approved yet'))).toBe(true);

    gate.script({ status: 200 });
    await world.runUntilPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    const body = JSON.parse(gate.requests[0].body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['checksum', 'metadata', 'name', 'namespace', 'phase']);
    expect(body).toMatchObject({ name: 'podinfo', namespace: NAMESPACE, metadata: {} });
    expect(typeof body.checksum).toBe('string');
    expect(body.checksum).not.toBe('');
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
    await world.runUntilPhase('podinfo', 'Failed');
    // The next analysis asks the rollback hook first: back to the primary from the first step.
    expect(world.weightHistory).toEqual([0, 20, 0]);

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

  test("a rollout hook behind a proxy's HTML error page: the Event names the page by its title, no markup", async () => {
    const gate = await receiver();
    const page = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n';
    gate.script({ status: 502, body: page, headers: { 'content-type': 'text/html' } });
    await shipWith('podinfo', [{ name: 'smoke', type: 'rollout', url: `${gate.url}/` }]);
    await world.advanceUntil('podinfo', (s) => (s.failedChecks ?? 0) > 0, 'a failed check');
    const halted = await eventually('a FailedCheck Event', async () => (await world.events('podinfo')).find((e) => e.startsWith('FailedCheck: ')));
    expect(halted).toMatch(/^FailedCheck: Halt advancement of podinfo\.test: rollout hook failed: webhook smoke answered 502: HTML page "502 Bad Gateway" \(failed checks 1\/\d+\)$/);
  });

  test('post-rollout hears Succeeded after a promotion', async () => {
    const post = await receiver();
    await shipWith('podinfo', [{ name: 'notify', type: 'post-rollout', url: `${post.url}/` }]);
    await world.runUntilPhase('podinfo', 'Succeeded');
    const [call] = await post.waitForRequests(1);
    expect(JSON.parse(call.body)).toMatchObject({ name: 'podinfo', namespace: NAMESPACE, phase: 'Succeeded' });
  });

  test("a dead webhook of one Canary does not delay another Canary's progress", async () => {
    const dead = await receiver();
    dead.script({ neverAnswer: true });
    await world.startController();
    // The hook would give up after ten minutes of real time: far longer than this test may take.
    await shipWith('stuck', [{ name: 'hangs', type: 'rollout', url: `${dead.url}/`, timeout: '10m' }]);
    await world.waitForStatus('stuck', (s) => s.canaryWeight === 20, 'weight 20');
    // The next analysis asks the rollout hook, which never answers: that tick of `stuck` hangs.
    world.clock.advance(await world.intervalOf('stuck'));
    await dead.waitForRequests(1);
    const stuckTicks = await world.ticks('stuck');

    await shipWith('healthy', []);
    await world.runUntilPhase('healthy', 'Succeeded');
    // The whole run of `healthy` happened while the tick of `stuck` was still waiting on its hook.
    expect(world.weightHistoryOf('healthy')).toEqual([0, 20, 40, 60, 0]);
    expect(await world.ticks('stuck')).toBe(stuckTicks);
    expect(dead.requests).toHaveLength(1);
    expect((await world.status('stuck')).phase).toBe('Progressing');
  });

  test('manual control by annotation: pause holds, resume continues, promote opens a closed gate, each naming who asked', async () => {
    const gate = await receiver();
    gate.script(CLOSED);
    await shipWith('podinfo', [{ name: 'ship-it', type: 'confirm-promotion', url: `${gate.url}/ship` }]);
    await world.waitForStatus('podinfo', (s) => s.canaryWeight === 20, 'weight 20');
    await annotate('podinfo', 'pause', 'alice');
    // The annotation alone wakes the controller: no interval passes before it is paused.
    await world.waitForStatus('podinfo', (s) => s.paused !== undefined, 'paused');
    await world.passIntervals('podinfo', 3);
    expect(await world.status('podinfo')).toMatchObject({ phase: 'Progressing', canaryWeight: 20, paused: { by: 'alice' } });
    await annotate('podinfo', 'resume', 'bob');
    await world.runUntilPhase('podinfo', 'WaitingPromotion');
    await annotate('podinfo', 'promote', 'carol');
    await world.runUntilPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);

    const events = await world.events('podinfo');
    expect(events).toEqual(expect.arrayContaining([expect.stringMatching(/^ManualAction: Pause .*requested by alice/), expect.stringMatching(/^ManualAction: Resume .*requested by bob/), expect.stringMatching(/^ManualAction: Promote .*requested by carol/)]));
  });
});
