// A GitOps tool re-applying every Canary and its target Deployment every PERIOD_MS through a release,
// on the real clock: no tool (the baseline), server-side apply with force (Flux), and client-side apply
// through the real kubectl (Argo CD's default). Each round touches an annotation of every object (the
// worst case: a real tool with an unchanged Git writes nothing) and, with --replicas N, writes the
// targets' replicas, fighting the scale to zero. The release ships the GitOps way: the image changes in
// the manifests the tool applies. Printed per mode: release time, apply rounds, Kanari's refused status
// writes (each retried after a fresh read) and failed ticks, the tool's own conflicts, all per minute,
// whether every split took the uninterrupted weight history, and the targets' replicas afterwards.
//
// Run: node_modules/.bin/node bench/reapply-storm.bench.ts [--apps 5] [--period-ms 1000] [--replicas 2] [--interval-s 5]
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Canary } from '../src/api/canary.ts';
import { CANARY_API_VERSION } from '../src/api/canary.ts';
import { assembleController } from '../src/controller/assemble.ts';
import { createLogger } from '../src/log/logger.ts';
import { createControllerMetrics } from '../src/server/controller-metrics.ts';
import { GitOpsReapplier, type ApplyMode, type Manifest } from '../test/helpers/gitops/reapplier.ts';
import { appNames, BenchWorld, canaryWeight, NAMESPACE, waitUntil } from './bench-world.ts';

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '5' },
    'period-ms': { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '2' },
    'interval-s': { type: 'string', default: '5' },
  },
});
const APPS = Number(args.apps);
const PERIOD_MS = Number(args['period-ms']);
const REPLICAS = Number(args.replicas) > 0 ? Number(args.replicas) : undefined;
const INTERVAL = `${Number(args['interval-s'])}s`;
const EXPECTED_WEIGHTS = '0,20,40,60,0';

function manifests(names: string[], image: string, round: number): Manifest[] {
  const annotations = { 'gitops.example/synced-round': String(round) };
  return names.flatMap((name): Manifest[] => {
    const labels = { app: name };
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: NAMESPACE, labels, annotations },
        spec: {
          ...(REPLICAS === undefined ? {} : { replicas: REPLICAS }),
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 9898 }] }] } },
        },
      },
      {
        apiVersion: CANARY_API_VERSION,
        kind: 'Canary',
        metadata: { name, namespace: NAMESPACE, annotations },
        spec: {
          targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          service: { port: 9898 },
          analysis: { interval: INTERVAL, threshold: 2, stepWeight: 20, maxWeight: 60, metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } }] },
        },
      },
    ];
  });
}

async function release(mode: ApplyMode | 'none'): Promise<void> {
  const world = await BenchWorld.start({ https: true });
  const names = appNames('app', APPS);
  let image = 'podinfo:6.0.0';
  const tool = new GitOpsReapplier({
    mode: mode === 'none' ? 'server-side' : mode,
    kubeConfig: world.sandbox.kubeConfig,
    kubeconfigYaml: world.sandbox.server.kubeconfigYaml(),
    periodMs: PERIOD_MS,
    manifests: (round) => manifests(names, image, round),
  });
  const counts = { statusConflicts: 0, failedTicks: 0 };
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write: (chunk, _enc, done) => {
        const text = String(chunk);
        counts.statusConflicts += text.split('status conflict; re-reading').length - 1;
        counts.failedTicks += text.split('reconcile failed; retrying').length - 1;
        done();
      },
    }),
  });
  const histories = new Map<string, number[]>();
  await world.watchSplits((type, split) => {
    const history = histories.get(split.metadata?.name ?? '') ?? [];
    if (type !== 'delete' && history.at(-1) !== canaryWeight(split)) history.push(canaryWeight(split));
    histories.set(split.metadata?.name ?? '', history);
  });
  const phases = new Map<string, string>();
  await world.watchCanaries((type, canary: Canary) => phases.set(canary.metadata.name ?? '', type === 'delete' ? 'deleted' : (canary.status?.phase ?? '')));
  const every = (phase: string) => names.every((name) => phases.get(name) === phase);

  // The tool creates everything (the baseline applies once and stops).
  if (mode === 'none') await tool.start().then(() => tool.stop());
  else await tool.start();
  const controller = assembleController({ kubeConfig: world.sandbox.kubeConfig, logger, metrics: createControllerMetrics(), namespaces: [NAMESPACE], informer: { relistIntervalMs: 0, watchdogMs: 0 } }).controller;
  await controller.start();
  await waitUntil(() => every('Initialized'), `${APPS} Canaries Initialized`, 120_000);
  const roundsBefore = tool.rounds;
  const conflictsBefore = { ...counts };
  const started = performance.now();
  image = 'podinfo:6.0.1';
  if (mode === 'none') {
    for (const name of names) await world.setImage(name, image);
  }
  await waitUntil(() => every('Succeeded'), `${APPS} Canaries Succeeded`, 600_000);
  const minutes = (performance.now() - started) / 60_000;
  if (mode !== 'none') await tool.waitForRounds(2);
  await tool.stop();
  const replicas = await Promise.all(names.map(async (name) => (await world.apps.readNamespacedDeployment({ name, namespace: NAMESPACE })).spec?.replicas ?? 0));
  const same = names.filter((name) => (histories.get(name) ?? []).join(',') === EXPECTED_WEIGHTS).length;
  const rate = (n: number) => (n / minutes).toFixed(1);
  const statusConflicts = counts.statusConflicts - conflictsBefore.statusConflicts;
  console.log(`${mode === 'none' ? 'no GitOps tool' : `${mode} apply every ${PERIOD_MS} ms`} — ${APPS} releases in ${(minutes * 60).toFixed(1)} s`);
  if (mode !== 'none') console.log(`  apply rounds: ${tool.rounds - roundsBefore} (${rate(tool.rounds - roundsBefore)}/min), each ${APPS * 2} objects; the tool's own conflicts ${tool.conflicts}, failures ${tool.failures.length}`);
  console.log(`  Kanari: refused status writes ${statusConflicts} (${rate(statusConflicts)}/min), failed ticks ${counts.failedTicks - conflictsBefore.failedTicks}`);
  console.log(`  splits with the uninterrupted weight history ${EXPECTED_WEIGHTS}: ${same}/${APPS}; target replicas afterwards: ${[...new Set(replicas)].join(', ')}`);
  await controller.stop();
  await world.stop();
}

console.log(`${APPS} Canaries, analysis interval ${INTERVAL}, steps of 20 to 60; replicas in Git: ${REPLICAS ?? 'none'}`);
for (const mode of ['none', 'server-side', 'client-side'] as const) await release(mode);
