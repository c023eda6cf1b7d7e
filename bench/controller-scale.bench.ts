// Scale: N Canaries with 10 s analysis intervals in steady state. This process holds the sandbox API
// server, the stand-in deployment controller and the TrafficMetrics API; the controller runs in a child
// process (this same file with --controller-child) so its RSS and CPU time are its own.
//
// Two measurement windows:
//   Initialized — every Canary initialized, nothing to roll out: the controller still ticks each one
//                 every interval.
//   Progressing — every target got a new image; runs step 1% per tick up to 99%, so they stay in
//                 analysis (metrics answering healthy figures) for the whole window.
// Tick lateness is measured from outside: each analysis tick stamps status.lastAnalysisTime with the
// tick's "now", so lateness = new lastAnalysisTime − (previous lastAnalysisTime + interval), which holds
// timer, queue and observe delays. API requests come from the server's requestCounts().
//
// Run: node_modules/.bin/node bench/controller-scale.bench.ts [--canaries 1000] [--window-s 60]
//      [--init-window-s 30] [--concurrency 32] [--max-run-s 900] [--heap-mb N]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import type { Canary } from '../src/api/canary.ts';
import { assembleController } from '../src/controller/assemble.ts';
import { createLogger } from '../src/log/logger.ts';
import { createControllerMetrics } from '../src/server/controller-metrics.ts';
import { appNames, BenchWorld, NAMESPACE, percentile, waitUntil } from './bench-world.ts';

const INTERVAL_MS = 10_000;

/** What the controller child reports when asked. */
interface ChildStats {
  /** RSS once the modules were loaded, before the controller started: the floor that no Canary costs. */
  baselineRss: number;
  rss: number;
  heapUsed: number;
  /** Heap still used after a forced full GC: the live set, where heapUsed may hold garbage not yet collected. */
  liveHeap: number;
  /** process.cpuUsage(), microseconds. */
  cpuUser: number;
  cpuSystem: number;
  /** Reconcile ticks finished, from the controller's own duration histogram. */
  reconciles: number;
}

const { values: args } = parseArgs({
  options: {
    'controller-child': { type: 'string' },
    canaries: { type: 'string', default: '1000' },
    'window-s': { type: 'string', default: '60' },
    'init-window-s': { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '32' },
    'max-run-s': { type: 'string', default: '900' },
    // Caps the controller's V8 old space (--max-old-space-size), as a deployment would to bound RSS.
    'heap-mb': { type: 'string' },
  },
});

if (args['controller-child']) await runControllerChild(args['controller-child'], Number(args.concurrency));
else await runBench();

/** The child: a controller as `kanari controller` would build it, answering stats requests over IPC. */
async function runControllerChild(kubeconfigPath: string, concurrency: number): Promise<void> {
  const baselineRss = process.memoryUsage().rss;
  // The bench died: a controller left behind would retry against a dead server forever.
  process.on('disconnect', () => process.exit(1));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const metrics = createControllerMetrics();
  const controller = assembleController({
    kubeConfig,
    logger: createLogger({ level: 'warn', destination: process.stderr }),
    metrics,
    namespaces: [NAMESPACE],
    concurrency,
  }).controller;
  process.on('message', (message: string) => {
    void (async () => {
      if (message === 'stats') {
        const histogram = await metrics.duration.get();
        const reconciles = histogram.values.filter((v) => v.metricName === 'kanari_canary_duration_seconds_count').reduce((sum, v) => sum + v.value, 0);
        const memory = process.memoryUsage();
        const cpu = process.cpuUsage();
        (globalThis as { gc?: () => void }).gc?.();
        const liveHeap = process.memoryUsage().heapUsed;
        process.send!({ baselineRss, rss: memory.rss, heapUsed: memory.heapUsed, liveHeap, cpuUser: cpu.user, cpuSystem: cpu.system, reconciles } satisfies ChildStats);
      } else if (message === 'stop') {
        await controller.stop();
        process.exit(0);
      }
    })();
  });
  await controller.start();
  process.send!('started');
}

async function runBench(): Promise<void> {
  const n = Number(args.canaries);
  const windowMs = Number(args['window-s']) * 1000;
  const initWindowMs = Number(args['init-window-s']) * 1000;
  const started = Date.now();
  const processes: { child?: ChildProcess } = {};
  // However it goes, the run ends by itself.
  const guard = setTimeout(() => {
    console.error(`giving up after ${args['max-run-s']} s`);
    processes.child?.kill('SIGKILL');
    process.exit(2);
  }, Number(args['max-run-s']) * 1000);
  process.on('exit', () => processes.child?.kill('SIGKILL'));

  const world = await BenchWorld.start({ podDelayMs: 20 });
  const names = appNames('app', n);
  await world.createApps(names, {
    interval: '10s',
    threshold: 5,
    stepWeight: 1,
    maxWeight: 99,
    metrics: [
      { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } },
      { name: 'request-duration', interval: '1m', thresholdRange: { max: 500 } },
    ],
  });
  console.log(`created ${n} Deployments and Canaries in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const lateness: number[] = [];
  let measuring = false;
  const canaries = await world.watchCanaries((type, canary) => {
    if (type === 'delete' || !measuring) return;
    const previous = lastAnalysis.get(canary.metadata.name ?? '');
    const current = canary.status?.lastAnalysisTime;
    if (current && previous && current !== previous && canary.status?.phase === 'Progressing') {
      lateness.push(Date.parse(current) - (Date.parse(previous) + INTERVAL_MS));
    }
    if (current) lastAnalysis.set(canary.metadata.name ?? '', current);
  });
  const lastAnalysis = new Map<string, string>();
  const all = (predicate: (canary: Canary | undefined) => boolean) => () => names.every((name) => predicate(canaries.get(NAMESPACE, name)));

  const dir = mkdtempSync(join(tmpdir(), 'kanari-bench-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, world.sandbox.server.kubeconfigYaml());
  const child = fork(new URL(import.meta.url).pathname, ['--controller-child', kubeconfigPath, '--concurrency', String(args.concurrency)], {
    execPath: process.execPath,
    execArgv: ['--expose-gc', ...(args['heap-mb'] ? [`--max-old-space-size=${Number(args['heap-mb'])}`] : [])],
  });
  processes.child = child;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextMessage = () => new Promise<unknown>((resolve) => child.once('message', resolve));
  const stats = async (): Promise<ChildStats> => {
    const reply = nextMessage();
    child.send('stats');
    return (await reply) as ChildStats;
  };
  await nextMessage();
  const controllerStarted = Date.now();
  const initialized = () => names.filter((name) => canaries.get(NAMESPACE, name)?.status?.phase === 'Initialized').length;
  const progress = setInterval(() => console.log(`  ${initialized()} Initialized after ${((Date.now() - controllerStarted) / 1000).toFixed(0)} s`), 15_000);
  await waitUntil(() => initialized() === n, `${n} Canaries Initialized`, Number(args['max-run-s']) * 1000);
  clearInterval(progress);
  const initSeconds = (Date.now() - controllerStarted) / 1000;
  console.log(`controller initialized ${n} Canaries in ${initSeconds.toFixed(1)} s (${(n / initSeconds).toFixed(1)} per second)`);

  const server = world.sandbox.server;
  const measure = async (label: string, ms: number): Promise<void> => {
    const before = await stats();
    const parentCpu = process.cpuUsage();
    server.resetRequestCounts();
    const metricsBefore = world.metricsRequests;
    lateness.length = 0;
    measuring = true;
    await new Promise((resolve) => setTimeout(resolve, ms));
    measuring = false;
    const parentCpuMs = Object.values(process.cpuUsage(parentCpu)).reduce((a, b) => a + b, 0) / 1000;
    const after = await stats();
    const counts = server.requestCounts();
    const metricsRequests = world.metricsRequests - metricsBefore;
    const ticks = after.reconciles - before.reconciles;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const cpuMs = (after.cpuUser + after.cpuSystem - before.cpuUser - before.cpuSystem) / 1000;
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    console.log(`\n${label}: ${n} Canaries, ${(ms / 1000).toFixed(0)} s window, ${ticks} reconciles (${(ticks / n / (ms / INTERVAL_MS)).toFixed(2)} per Canary per interval)`);
    if (lateness.length > 0) {
      console.log(`  tick lateness      p50 ${percentile(lateness, 50)} ms  p99 ${percentile(lateness, 99)} ms  max ${Math.max(...lateness)} ms  (${lateness.length} analysis ticks)`);
    }
    console.log(`  controller RSS     ${mb(after.rss)} (heap used ${mb(after.heapUsed)}, ${mb(after.liveHeap)} live after a full GC; RSS ${mb(after.baselineRss)} with modules loaded, before start)`);
    console.log(`  controller CPU     ${(cpuMs / ticks).toFixed(2)} ms per tick, ${((cpuMs / ms) * 100).toFixed(1)}% of one core`);
    console.log(`  bench process CPU  ${((parentCpuMs / ms) * 100).toFixed(1)}% of one core (API server, deployment stand-in, TrafficMetrics, watch)`);
    console.log(`  API requests       ${(total / ticks).toFixed(2)} per Canary per tick (${((total - metricsRequests) / ticks).toFixed(2)} without TrafficMetrics queries)`);
    for (const [key, count] of Object.entries(counts)) {
      const shown = key === 'get deployments' ? `${key} (TrafficMetrics ${metricsRequests})` : key;
      console.log(`    ${shown.padEnd(44)} ${String(count).padStart(7)}  ${(count / ticks).toFixed(3)} per tick`);
    }
  };

  // One interval first, so the window starts after the burst of initialization.
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  await measure('Initialized (steady)', initWindowMs);

  const rolloutStarted = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < names.length) await world.setImage(names[next++], 'podinfo:6.0.1');
  }));
  await waitUntil(all((c) => c?.status?.phase === 'Progressing' && (c.status.canaryWeight ?? 0) > 0), `${n} Canaries Progressing`, Number(args['max-run-s']) * 1000);
  console.log(`\nall ${n} Canaries Progressing with weight > 0 ${((Date.now() - rolloutStarted) / 1000).toFixed(1)} s after the first image change`);
  // Let the first analysis tick of every run pass, so the window holds analysis ticks only.
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 1000));
  await measure('Progressing (steady, metrics answering)', windowMs);

  // The figures are out: a graceful stop would first work off the late backlog, so end it at once.
  child.kill('SIGKILL');
  await exited;
  await world.stop();
  rmSync(dir, { recursive: true, force: true });
  clearTimeout(guard);
  console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // Keep-alive sockets of the clients would hold the process for their idle timeout; the figures are out.
  process.exit(0);
}
