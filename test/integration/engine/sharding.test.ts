import type { CanaryController } from '../../../src/controller/canary-controller.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { createControllerMetrics, type ControllerMetrics } from '../../../src/server/controller-metrics.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';
import { kubeConfigVia, WatchDelayProxy } from './watch-delay-proxy.ts';

/**
 * Two controllers over one cluster, sharding Canaries by `--selector` (shard=a and shard=b), on one
 * fake clock: each Canary is reconciled by exactly one of them, and a Canary relabelled in the middle
 * of a run passes from one to the other without a step taken twice or skipped.
 */

const GOOD = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

let world: EngineHarness;
let proxy: WatchDelayProxy | undefined;
const controllers: CanaryController[] = [];
let shardA: ControllerMetrics;
let shardB: ControllerMetrics;

async function ticksOf(metrics: ControllerMetrics, name: string): Promise<number> {
  const histogram = await metrics.duration.get();
  return histogram.values.find((v) => v.metricName === 'kanari_canary_duration_seconds_count' && v.labels.name === name)?.value ?? 0;
}

async function labelShard(name: string, shard: string): Promise<void> {
  await world.custom.patchNamespacedCustomObject(
    { group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name, body: { metadata: { labels: { shard } } } },
    mergePatchOptions(),
  );
}

/** Advance Events per step message, with their counts: each step must appear once. */
async function advanceCounts(name: string): Promise<Record<string, number>> {
  const list = await world.core.listNamespacedEvent({ namespace: NAMESPACE });
  const counts: Record<string, number> = {};
  for (const event of list.items.filter((e) => e.involvedObject.name === name && e.reason === 'Advance')) {
    const step = /canary weight \d+ → \d+/.exec(event.message ?? '')?.[0] ?? '';
    counts[step] = (counts[step] ?? 0) + (event.count ?? 1);
  }
  return counts;
}

const ONE_EACH = { 'canary weight 0 → 20': 1, 'canary weight 20 → 40': 1, 'canary weight 40 → 60': 1 };

beforeEach(async () => {
  world = await EngineHarness.start();
  for (const [name, shard] of [['alpha', 'a'], ['beta', 'b']]) {
    await world.createDeployment(name, 'podinfo:6.0.0');
    await world.createCanary(name, { analysis: quickAnalysis() });
    await labelShard(name, shard);
  }
});

afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.stop()));
  world.controller = undefined;
  await world.stop();
  await proxy?.close();
  proxy = undefined;
});

/** Starts the two shards (shard a through `via` when given) and waits for both Canaries to be initialized. */
async function startShards(via?: WatchDelayProxy): Promise<void> {
  shardA = createControllerMetrics();
  shardB = createControllerMetrics();
  const kubeConfig = via ? kubeConfigVia(world.sandbox.kubeConfig, via.url) : undefined;
  controllers.push(await world.startController({ canarySelector: 'shard=a', metrics: shardA, ...(kubeConfig ? { kubeConfig } : {}) }));
  controllers.push(await world.startController({ canarySelector: 'shard=b', metrics: shardB }));
  // The harness waits for a tick of a Canary from whichever shard ticks it.
  world.tickCounter = async (name) => (await ticksOf(shardA, name)) + (await ticksOf(shardB, name));
  await world.waitForPhase('alpha', 'Initialized');
  await world.waitForPhase('beta', 'Initialized');
  world.traffic.set('alpha', GOOD);
  world.traffic.set('beta', GOOD);
}

test('each Canary is reconciled by the one controller whose selector it matches, and releases as alone', async () => {
  await startShards();
  await world.setImage('alpha', 'podinfo:6.0.1');
  await world.setImage('beta', 'podinfo:6.0.1');
  await world.runUntilPhase('alpha', 'Succeeded');
  await world.runUntilPhase('beta', 'Succeeded');

  expect(await ticksOf(shardA, 'alpha')).toBeGreaterThan(0);
  expect(await ticksOf(shardB, 'beta')).toBeGreaterThan(0);
  expect(await ticksOf(shardA, 'beta')).toBe(0);
  expect(await ticksOf(shardB, 'alpha')).toBe(0);
  for (const name of ['alpha', 'beta']) {
    expect(world.weightHistoryOf(name)).toEqual([0, 20, 40, 60, 0]);
    expect(await advanceCounts(name)).toEqual(ONE_EACH);
  }
});

test('a Canary relabelled to the other shard in the middle of a run changes hands cleanly', async () => {
  await startShards();
  await world.setImage('alpha', 'podinfo:6.0.1');
  await world.advanceUntil('alpha', (s) => s.phase === 'Progressing' && s.canaryWeight === 20, 'weight 20 under shard a');
  expect(await ticksOf(shardB, 'alpha')).toBe(0);

  await labelShard('alpha', 'b');
  // Shard b picks it up at once (its watch reports the Canary added); shard a forgets it.
  await eventually('shard b reconciles alpha', async () => (await ticksOf(shardB, 'alpha')) > 0);
  await world.settle();
  await Promise.all(controllers.map((controller) => controller.idle()));
  const byA = await ticksOf(shardA, 'alpha');

  const status = await world.runUntilPhase('alpha', 'Succeeded');
  expect(await ticksOf(shardA, 'alpha')).toBe(byA);
  expect(world.weightHistoryOf('alpha')).toEqual([0, 20, 40, 60, 0]);
  expect(await advanceCounts('alpha')).toEqual(ONE_EACH);
  expect(world.phaseHistory.filter((phase, i, all) => all.indexOf(phase) === i)).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
  expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
});

test('relabelled while the old shard has not seen it yet: its next tick is refused, it lets go, no step is taken twice', async () => {
  proxy = new WatchDelayProxy(world.sandbox.server.url, /\/canaries\b/);
  await proxy.listen();
  await startShards(proxy);
  await world.setImage('alpha', 'podinfo:6.0.1');
  await world.advanceUntil('alpha', (s) => s.phase === 'Progressing' && s.canaryWeight === 20, 'weight 20 under shard a');
  await world.settle();
  await Promise.all(controllers.map((controller) => controller.idle()));

  // Shard a's Canary watch lags: it still believes alpha is its own when the next interval comes.
  proxy.hold();
  await labelShard('alpha', 'b');
  await eventually('shard b reconciles alpha', async () => (await ticksOf(shardB, 'alpha')) > 0);
  await world.passIntervals('alpha', 1);
  await Promise.all(controllers.map((controller) => controller.idle()));
  await eventually('shard a lets alpha go', () => world.logLines.some((line) => line.includes('no longer in this controller')));
  proxy.release();

  await world.runUntilPhase('alpha', 'Succeeded');
  expect(world.weightHistoryOf('alpha')).toEqual([0, 20, 40, 60, 0]);
  expect(await advanceCounts('alpha')).toEqual(ONE_EACH);
});
