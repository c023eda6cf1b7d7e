// Reaction time: Deployment image change → the first TrafficSplit write that gives the canary a weight
// above 0. One Canary per run (RUNS Canaries, all initialized first), runs one after another, so each
// measures an otherwise quiet controller that holds RUNS Canaries in its caches. The controller, the
// sandbox API server and this bench share one process (one event loop).
//
// The analysis interval is 10 s, but a new run resets lastAnalysisTime, so the first step happens on the
// first tick after the canary Deployment is ready, not an interval later. Simulated pods are ready
// POD_DELAY_MS after their Deployment changes (default 0), and that delay is inside the figure.
//
// "Seen" is when the controller's Deployment informer handed the change to the controller's listener:
// the bench wraps ResilientInformer.prototype.onEvent while the controller registers its listeners, so
// only the controller's own listeners are timed (no change in src/).
//
// Run: node_modules/.bin/node bench/controller-reaction.bench.ts [--runs 100] [--pod-delay-ms 0]
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import type { V1Deployment } from '@kubernetes/client-node';
import { assembleController } from '../src/controller/assemble.ts';
import { ResilientInformer } from '../src/kube/informer.ts';
import { createLogger } from '../src/log/logger.ts';
import { createControllerMetrics } from '../src/server/controller-metrics.ts';
import { appNames, BenchWorld, canaryWeight, NAMESPACE, percentile, waitUntil } from './bench-world.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '100' }, 'pod-delay-ms': { type: 'string', default: '0' } } });
const runs = Number(args.runs);
const podDelayMs = Number(args['pod-delay-ms']);
const NEW_IMAGE = 'podinfo:6.0.1';

const world = await BenchWorld.start({ podDelayMs });
const names = appNames('react', runs);
await world.createApps(names, { interval: '10s', threshold: 2, stepWeight: 10, maxWeight: 50, metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } }] });

// When each app's split first showed a canary weight > 0, and when the controller saw the image change.
const weightedAt = new Map<string, number>();
const seenAt = new Map<string, number>();
await world.watchSplits((type, split) => {
  const name = split.metadata?.name ?? '';
  if (type !== 'delete' && canaryWeight(split) > 0 && !weightedAt.has(name)) weightedAt.set(name, performance.now());
});
const initialized = new Set<string>();
await world.watchCanaries((type, canary) => {
  if (type !== 'delete' && canary.status?.phase === 'Initialized') initialized.add(canary.metadata.name ?? '');
});

const originalOnEvent = ResilientInformer.prototype.onEvent;
ResilientInformer.prototype.onEvent = function (this: ResilientInformer<never>, listener) {
  return originalOnEvent.call(this, (type, obj) => {
    const deployment = obj as V1Deployment;
    const name = deployment.metadata?.name ?? '';
    if (deployment.kind !== 'Canary' && deployment.spec?.template?.spec?.containers?.[0]?.image === NEW_IMAGE && !seenAt.has(name)) seenAt.set(name, performance.now());
    listener(type, obj);
  });
};
const controller = assembleController({
  kubeConfig: world.sandbox.kubeConfig,
  logger: createLogger({ level: 'warn', destination: new Writable({ write: (_chunk, _enc, done) => done() }) }),
  metrics: createControllerMetrics(),
  namespaces: [NAMESPACE],
  informer: { relistIntervalMs: 0, watchdogMs: 0 },
}).controller;
await controller.start();
ResilientInformer.prototype.onEvent = originalOnEvent;
const setupStarted = performance.now();
await waitUntil(() => initialized.size === runs, `${runs} Canaries Initialized`, 120_000);
console.log(`${runs} Canaries initialized in ${Math.round(performance.now() - setupStarted)} ms`);

const totals: number[] = [];
const beforeSeen: number[] = [];
for (const name of names) {
  await controller.idle();
  const started = performance.now();
  await world.setImage(name, NEW_IMAGE);
  await waitUntil(() => weightedAt.has(name), `first canary weight of ${name}`, 10_000);
  totals.push(weightedAt.get(name)! - started);
  beforeSeen.push((seenAt.get(name) ?? Number.NaN) - started);
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const share = beforeSeen.reduce((a, b) => a + b, 0) / totals.reduce((a, b) => a + b, 0);
console.log(`image change → first canary weight > 0, ${runs} runs (pod delay ${podDelayMs} ms, interval 10s):`);
console.log(`  total          p50 ${ms(percentile(totals, 50))}  p99 ${ms(percentile(totals, 99))}  max ${ms(Math.max(...totals))}`);
console.log(`  before seen    p50 ${ms(percentile(beforeSeen, 50))}  p99 ${ms(percentile(beforeSeen, 99))}  (patch sent → controller's Deployment listener)`);
console.log(`  share of the time spent before the controller saw the watch event: ${(share * 100).toFixed(1)}%`);
await controller.stop();
await world.stop();
