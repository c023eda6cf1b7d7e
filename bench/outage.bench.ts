// Outages in the middle of an analysis, on the real clock: the API server stopped for OUTAGE_S seconds
// (its watch history compacted, as after a restart, so every informer relists), the TrafficMetrics API
// answering 503 for as long, and both together. For each: weight changes while away (must be 0), ticks
// that failed, and the time from the return to
//   - the controller's informers all healthy again (/readyz),
//   - its first status write (the due analysis),
//   - the next weight step (for the metrics API: it comes at the next analysis interval).
// One Canary, interval INTERVAL_S, enough failed checks allowed that the metrics outage alone does not
// roll it back (Kanari counts an unmeasurable check as failed, as Flagger does), in one process with the
// sandbox.
//
// Run: node_modules/.bin/node bench/outage.bench.ts [--outage-s 30] [--interval-s 5]
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Canary } from '../src/api/canary.ts';
import { assembleController } from '../src/controller/assemble.ts';
import { createLogger } from '../src/log/logger.ts';
import { createControllerMetrics } from '../src/server/controller-metrics.ts';
import { BenchWorld, canaryWeight, NAMESPACE, waitUntil, type SplitView } from './bench-world.ts';

const { values: args } = parseArgs({ options: { 'outage-s': { type: 'string', default: '30' }, 'interval-s': { type: 'string', default: '5' } } });
const OUTAGE_MS = Number(args['outage-s']) * 1000;
const INTERVAL_S = Number(args['interval-s']);

type Scenario = 'API server' | 'metrics API' | 'both';

async function measure(scenario: Scenario): Promise<void> {
  const world = await BenchWorld.start();
  let failedTicks = 0;
  const logger = createLogger({
    level: 'warn',
    destination: new Writable({
      write: (chunk, _enc, done) => {
        failedTicks += String(chunk).split('reconcile failed; retrying').length - 1;
        done();
      },
    }),
  });
  await world.createApp('podinfo', {
    interval: `${INTERVAL_S}s`,
    threshold: Math.ceil(OUTAGE_MS / 1000 / INTERVAL_S) + 3,
    stepWeight: 10,
    maxWeight: 50,
    metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } }],
  });
  // Every weight the split takes, with when the bench saw it.
  const weights: { at: number; weight: number }[] = [];
  await world.watchSplits((type, split) => {
    if (type !== 'delete' && weights.at(-1)?.weight !== canaryWeight(split)) weights.push({ at: performance.now(), weight: canaryWeight(split) });
  });
  const controller = assembleController({ kubeConfig: world.sandbox.kubeConfig, logger, metrics: createControllerMetrics(), namespaces: [NAMESPACE] }).controller;
  await controller.start();
  const read = async () => {
    const canary = (await world.custom.getNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'podinfo' })) as Canary;
    const split = (await world.custom.getNamespacedCustomObject({ group: 'split.smi-spec.io', version: 'v1alpha4', namespace: NAMESPACE, plural: 'trafficsplits', name: 'podinfo' })) as SplitView;
    return { status: canary.status ?? {}, weight: canaryWeight(split) };
  };
  const poll = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
    }
    throw new Error(`no ${what} within 120 s`);
  };
  await poll('Initialized', async () => ((await read()).status.phase === 'Initialized' ? true : undefined));
  await world.setImage('podinfo', 'podinfo:6.0.1');
  await poll('a first step', async () => ((await read()).weight >= 10 ? true : undefined));

  const before = await read();
  const failedBefore = failedTicks;
  const faults = world.sandbox.server.faults;
  const away = performance.now();
  if (scenario !== 'metrics API') await faults.down();
  if (scenario !== 'API server') world.metricsAvailable = false;
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  if (scenario !== 'metrics API') faults.compact();
  const back = performance.now();
  if (scenario !== 'metrics API') await faults.up();
  if (scenario !== 'API server') world.metricsAvailable = true;

  const unhealthy = () => controller.readiness().filter((check) => !check.healthy()).length;
  await waitUntil(() => unhealthy() === 0, 'every informer healthy again', 120_000);
  const healthyAfter = performance.now() - back;
  const firstWrite = await poll('a status write after the return', async () => {
    const now = await read();
    return now.status.lastAnalysisTime !== undefined && Date.parse(now.status.lastAnalysisTime) >= Date.now() - (performance.now() - back) ? performance.now() - back : undefined;
  });
  const nextStep = await poll('the next step', async () => ((await read()).weight > before.weight ? performance.now() - back : undefined));
  const final = await read();

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const movedWhileAway = weights.filter((w) => w.at > away && w.at < back).length;
  console.log(`${scenario} away ${OUTAGE_MS / 1000} s (weight ${before.weight} when it went):`);
  console.log(`  weight changes while away: ${movedWhileAway}; failed ticks: ${failedTicks - failedBefore}; failed checks counted: ${(final.status.failedChecks ?? 0) - (before.status.failedChecks ?? 0)}`);
  console.log(`  after the return: informers healthy ${s(healthyAfter)}, first status write ${s(firstWrite)}, next step ${s(nextStep)} (to weight ${final.weight})`);
  await controller.stop();
  await world.stop();
}

console.log(`analysis interval ${INTERVAL_S} s; the issue's reference: 33 s from a real kube-apiserver's return to the next step`);
for (const scenario of ['API server', 'metrics API', 'both'] as const) await measure(scenario);
