import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';
import { kubeConfigVia, WatchDelayProxy } from './watch-delay-proxy.ts';

/**
 * For a moment after every status write the controller's Canary cache is one write behind, and a
 * watch event of another object (a GitOps tool re-applying the target) can start a tick then; after an
 * outage the Canary informer may come back later than the controller's writes, and the cache stays
 * several writes behind. A tick acts before it writes the status, so one that decided from such a
 * version would write the route of a step already left behind. The controller knows which versions it
 * has written over and reads the Canary from the API server instead. Here the Canary watch is held back
 * to make the moment last.
 */

let world: EngineHarness;
let proxy: WatchDelayProxy;

beforeEach(async () => {
  world = await EngineHarness.start();
  proxy = new WatchDelayProxy(world.sandbox.server.url, /\/canaries\b/);
  await proxy.listen();
});
afterEach(async () => {
  await world.stop();
  await proxy.close();
});

/** A release of podinfo through a controller whose watches pass the proxy, at its first step (20 %), nothing under way. */
async function runToFirstStep(): Promise<void> {
  await world.createDeployment('podinfo', 'podinfo:6.0.0');
  await world.createCanary('podinfo', { analysis: quickAnalysis() });
  await world.startController({ kubeConfig: kubeConfigVia(world.sandbox.kubeConfig, proxy.url) });
  await world.waitForPhase('podinfo', 'Initialized');
  world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
  await world.setImage('podinfo', 'podinfo:6.0.1');
  await world.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === 20, 'weight 20');
  await world.settle();
  await world.controller?.idle();
}

test('a tick right after a step, its Canary cache one write behind, decides from the API server: the same weight, no other step', async () => {
  await runToFirstStep();
  const next = ((await world.status('podinfo')).canaryWeight ?? 0) + 20;

  proxy.hold();
  await world.passIntervals('podinfo', 1);
  await world.controller?.idle();
  const stepped = await world.status('podinfo');
  expect(stepped.canaryWeight).toBe(next);

  // The target changes (outside its pod template): the controller ticks at once, its Canary cache one step behind.
  const ticks = await world.ticks('podinfo');
  const conflicts = () => world.logLines.filter((line) => line.includes('status conflict; re-reading')).length;
  const conflictsBefore = conflicts();
  await world.apps.patchNamespacedDeployment(
    { name: 'podinfo', namespace: NAMESPACE, body: { metadata: { annotations: { 'gitops.example/synced-at': 'now' } } } },
    mergePatchOptions(),
  );
  await eventually('a tick after the target changed', async () => (await world.ticks('podinfo')) > ticks);
  await world.controller?.idle();
  // It decided from the API server's copy, not the cache's: no status write was refused.
  expect(conflicts()).toBe(conflictsBefore);

  const split = await world.readSplit('podinfo');
  expect(Number(split.spec.backends.find((b) => b.service === 'podinfo-canary')?.weight)).toBe(next);
  expect(await world.status('podinfo')).toMatchObject({ canaryWeight: next, lastAnalysisTime: stepped.lastAnalysisTime });
  proxy.release();
});

test('a Canary cache several writes behind (its watch held through every step): the weights never go back', async () => {
  await runToFirstStep();

  // From here the controller's cache keeps the Canary at weight 20 while the run goes on past it.
  proxy.hold();
  await world.runUntilPhase('podinfo', 'Succeeded');
  await world.controller?.idle();
  await world.historyCaughtUp('podinfo');
  expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
  expect(Number((await world.readSplit('podinfo')).spec.backends.find((b) => b.service === 'podinfo-canary')?.weight)).toBe(0);
  proxy.release();
});
