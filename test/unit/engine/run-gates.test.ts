import type { CanaryWebhook } from '../../../src/api/canary.ts';
import { MINUTE, makeCanary, quickAnalysis, startedWorld, type World } from './world.ts';

/**
 * Webhook gates and manual requests over whole runs, on the scheduler and a fake clock. What a real
 * receiver hears (payloads, retries) is tested against loopback servers in the integration suites.
 */

const hook = (type: CanaryWebhook['type'], name: string): CanaryWebhook => ({ name, type, url: `http://hooks/${name}` });

async function shipped(webhooks: CanaryWebhook[], overrides: Parameters<typeof quickAnalysis>[0] = {}): Promise<World> {
  const world = await startedWorld(makeCanary(quickAnalysis({ webhooks, ...overrides })));
  world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 99.9 });
  world.newRevision('rev-2');
  return world;
}

test('a failing pre-rollout hook is a failed check and rolls the canary back without advancing', async () => {
  const world = await shipped([hook('pre-rollout', 'smoke')]);
  world.gates = (type) => (type === 'pre-rollout' ? { ok: false, reason: 'webhook smoke answered 500: smoke test failed: /healthz 503' } : type !== 'rollback');
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Failed');
  expect(world.status.canaryWeight).toBe(0);
  expect(Math.max(...world.weightHistory)).toBe(0);
  expect(world.eventLines().some((e) => e.includes('smoke test failed'))).toBe(true);
});

test('a failing rollout hook is a failed check each interval and ends in rollback', async () => {
  const world = await shipped([hook('rollout', 'load')]);
  await world.advanceUntil((w) => w.status.canaryWeight === 20);
  world.gates = (type) => (type === 'rollout' ? { ok: false, reason: 'webhook load answered 502: load generator down' } : type !== 'rollback');
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Failed');
  expect(world.status.canaryWeight).toBe(0);
  expect(world.weightHistory.at(-1)).toBe(0);
  expect(Math.max(...world.weightHistory)).toBeLessThan(60);
  expect(world.gateCalls.find((call) => call.type === 'rollout')).toEqual({ type: 'rollout', name: 'load', phase: 'Progressing' });
  expect(world.eventLines().filter((e) => e.startsWith('FailedCheck: ') && e.includes('load generator down'))).toHaveLength(2);
});

test('confirm-traffic-increase closed holds the weight; opened, the weight advances', async () => {
  const world = await shipped([hook('confirm-traffic-increase', 'more')]);
  await world.advanceUntil((w) => w.status.canaryWeight === 20);
  world.gates = (type) => type !== 'confirm-traffic-increase' && type !== 'rollback';
  const ticks = world.scheduledTicks;
  await world.advance(5 * MINUTE);
  expect(world.scheduledTicks - ticks).toBeGreaterThanOrEqual(5);
  expect(world.status).toMatchObject({ phase: 'Progressing', canaryWeight: 20 });
  world.gates = (type) => type !== 'rollback';
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
});

test('confirm-promotion closed keeps WaitingPromotion with checks still running; opened, it promotes', async () => {
  const world = await shipped([hook('confirm-promotion', 'ship-it')]);
  world.gates = (type) => type !== 'confirm-promotion' && type !== 'rollback';
  await world.advanceUntil((w) => w.phase === 'WaitingPromotion');
  const waitingSince = world.status.lastAnalysisTime;
  await world.advance(2 * MINUTE);
  // Checks keep running while waiting: the analysis time moves on, and a bad metric would still count.
  expect(world.phase).toBe('WaitingPromotion');
  expect(world.status.lastAnalysisTime).not.toBe(waitingSince);
  expect(world.status.lastAnalysis?.map((a) => a.result)).toEqual(['pass', 'pass']);
  expect(world.status.canaryWeight).toBe(60);
  world.gates = (type) => type !== 'rollback';
  await world.advance(5 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
});

test('manual control by annotation: promote-full skips the analysis, naming who asked', async () => {
  const world = await shipped([]);
  await world.advanceUntil((w) => w.phase === 'Progressing');
  world.annotate('promote-full', 'dave');
  await world.advance(0);
  await world.advance(5 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  expect(world.primaryRevision).toBe('rev-2');
  expect(world.eventLines().some((e) => /^ManualAction: Full promotion .*requested by dave/.test(e))).toBe(true);
});

test('manual control by annotation: abort rolls back now, naming who asked', async () => {
  const world = await shipped([]);
  await world.advanceUntil((w) => w.status.canaryWeight === 20);
  world.annotate('abort', 'erin');
  // No time passes: the annotation's watch event is enough.
  await world.advance(0);
  expect(world.phase).toBe('Failed');
  expect(world.status.failureReason).toBe('ManualAbort');
  expect(world.weights).toEqual({ canary: 0, primary: 100 });
  expect(world.eventLines().some((e) => /^ManualAction: Abort .*requested by erin/.test(e))).toBe(true);
});

test('a Failed canary is retried by the kanari.dev/retry annotation without a pod-template change', async () => {
  const world = await shipped([]);
  world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 80 });
  await world.advanceUntil((w) => w.phase === 'Failed');
  world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 99.9 });
  world.annotate('retry', 'alice');
  await world.advance(10 * MINUTE);

  expect(world.phase).toBe('Succeeded');
  expect(world.phaseHistory.slice(world.phaseHistory.indexOf('Failed'))).toEqual(['Failed', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
  expect(world.weightHistory.slice(-5)).toEqual([0, 20, 40, 60, 0]);
  expect(world.primaryRevision).toBe('rev-2');
  expect(world.revision).toBe('rev-2');
  expect(world.eventLines().some((e) => e.startsWith('ManualAction: Retry') && e.includes('alice'))).toBe(true);
});
