// Scale: N Canaries with 10 s analysis intervals. This process holds the sandbox API server, the stand-in
// deployment controller and the TrafficMetrics API; the controller runs in a child process
// (scale-child.ts) so its RSS and CPU time are its own.
//
// Phases:
//   Start       — the controller starts with N Canaries it has never seen: time to the first and to the
//                 last Initialized, counted from the fork (the child loads its modules, syncs its caches,
//                 then initializes).
//   Initialized — every Canary initialized, nothing to roll out: the controller still ticks each one
//                 every interval.
//   Burst       — P of them (--progressing, default all) get a new image at once: how long each waits
//                 from its image change to its first traffic step (served in order of arrival, that is
//                 about the time the burst takes to be sent), and the lateness of analysis ticks meanwhile.
//   Progressing — runs step 1% per tick up to 99%, so they stay in analysis (metrics answering healthy
//                 figures) for the whole window; the other N − P stay idle.
// Tick lateness is measured from outside: each analysis tick stamps status.lastAnalysisTime with the
// tick's "now", so lateness = new lastAnalysisTime − (previous lastAnalysisTime + interval), which holds
// timer, queue and observe delays. API requests come from the server's requestCounts().
//
// Run: node_modules/.bin/node bench/controller-scale.bench.ts [--canaries 1000] [--progressing N]
//      [--window-s 60] [--init-window-s 30] [--concurrency 32] [--max-run-s 900] [--heap-mb N]
//      [--node-flags="--max-semi-space-size=8 ..."] (more flags for the controller's node; note the =)
//      [--cpu-profile prefix] (CPU profiles of the controller's start and Progressing window)
//      [--noise-kb 20] (what a real cluster adds: managedFields, last-applied annotations, Helm release Secrets)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appNames, BenchWorld, percentile, waitUntil } from './bench-world.ts';
import { addClusterNoise } from './cluster-noise.ts';
import type { ChildMemory, ChildStats } from './scale-child.ts';

const INTERVAL_MS = 10_000;
const NEW_IMAGE = 'podinfo:6.0.1';

const { values: args } = parseArgs({
  options: {
    canaries: { type: 'string', default: '1000' },
    progressing: { type: 'string' },
    'window-s': { type: 'string', default: '60' },
    'init-window-s': { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '32' },
    'max-run-s': { type: 'string', default: '900' },
    // Caps the controller's V8 old space (--max-old-space-size), as a deployment would to bound RSS.
    'heap-mb': { type: 'string' },
    // More flags for the controller child's node, space-separated, to try V8's sizing.
    'node-flags': { type: 'string', default: '' },
    // Per app, a kubectl-applied Deployment (managedFields, last-applied annotation) and a Helm-like
    // release Secret of this many KiB, as a real cluster has them (cluster-noise.ts); 0 for none.
    'noise-kb': { type: 'string', default: '0' },
    // CPU profiles of the controller: <prefix>-start.cpuprofile (fork to all Initialized) and
    // <prefix>-progressing.cpuprofile (the Progressing window); open them in Chrome's DevTools.
    'cpu-profile': { type: 'string' },
  },
});

const n = Number(args.canaries);
const progressing = Math.min(n, Number(args.progressing ?? n));
const windowMs = Number(args['window-s']) * 1000;
const initWindowMs = Number(args['init-window-s']) * 1000;
const maxRunMs = Number(args['max-run-s']) * 1000;
const started = Date.now();
const processes: { child?: ChildProcess } = {};
// However it goes, the run ends by itself.
const guard = setTimeout(() => {
  console.error(`giving up after ${args['max-run-s']} s`);
  processes.child?.kill('SIGKILL');
  process.exit(2);
}, maxRunMs);
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
const noiseKb = Number(args['noise-kb']);
if (noiseKb > 0) {
  await addClusterNoise(world, names, noiseKb);
  console.log(`re-applied ${n} Deployments server-side and added ${n} release Secrets of ${noiseKb} KiB`);
}
console.log(`controller: concurrency ${args.concurrency}, node flags "${[args['heap-mb'] ? `--max-old-space-size=${args['heap-mb']}` : '', args['node-flags']].join(' ').trim()}", MALLOC_ARENA_MAX ${process.env.MALLOC_ARENA_MAX ?? 'unset'}`);

// Everything the bench learns, from one watch on the Canaries.
const initializedAt = new Map<string, number>();
const imageChangedAt = new Map<string, number>();
const steppedAt = new Map<string, number>();
/** Each Canary's last analysis stamp, and whether it was Progressing then: a run's start resets the stamp. */
const lastAnalysis = new Map<string, { time: string; progressing: boolean }>();
let lateness: number[] | undefined;
await world.watchCanaries((type, canary) => {
  const name = canary.metadata.name ?? '';
  const status = canary.status;
  if (type === 'delete' || !status) return;
  if (status.phase === 'Initialized' && !initializedAt.has(name)) initializedAt.set(name, Date.now());
  if (status.phase === 'Progressing' && (status.canaryWeight ?? 0) > 0 && imageChangedAt.has(name) && !steppedAt.has(name)) steppedAt.set(name, Date.now());
  const previous = lastAnalysis.get(name);
  const current = status.lastAnalysisTime;
  const isProgressing = status.phase === 'Progressing';
  if (lateness && current && previous?.progressing && isProgressing && current !== previous.time) {
    lateness.push(Date.parse(current) - (Date.parse(previous.time) + INTERVAL_MS));
  }
  if (current) lastAnalysis.set(name, { time: current, progressing: isProgressing });
});

const dir = mkdtempSync(join(tmpdir(), 'kanari-bench-'));
const kubeconfigPath = join(dir, 'kubeconfig');
writeFileSync(kubeconfigPath, world.sandbox.server.kubeconfigYaml());
const server = world.sandbox.server;
server.resetRequestCounts();
const forkedAt = Date.now();
const child = fork(new URL('scale-child.ts', import.meta.url).pathname, [kubeconfigPath, String(args.concurrency)], {
  execPath: process.execPath,
  execArgv: ['--expose-gc', ...(args['heap-mb'] ? [`--max-old-space-size=${Number(args['heap-mb'])}`] : []), ...args['node-flags'].split(' ').filter(Boolean)],
});
processes.child = child;
const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
const nextMessage = () => new Promise<unknown>((resolve) => child.once('message', resolve));
const ask = async <T>(question: string): Promise<T> => {
  const reply = nextMessage();
  child.send(question);
  return (await reply) as T;
};
const parentCpuAtFork = process.cpuUsage();
const { loadedAt } = (await nextMessage()) as { loadedAt: number };
const syncedAt = Date.now();
if (args['cpu-profile']) await ask('profile-start');
const progress = setInterval(() => console.log(`  ${initializedAt.size} Initialized after ${((Date.now() - forkedAt) / 1000).toFixed(0)} s`), 15_000);
await waitUntil(() => initializedAt.size === n, `${n} Canaries Initialized`, maxRunMs);
clearInterval(progress);
if (args['cpu-profile']) await ask(`profile-stop ${args['cpu-profile']}-start.cpuprofile`);
const startCpu = await ask<ChildStats>('stats');
const parentStartCpuMs = Object.values(process.cpuUsage(parentCpuAtFork)).reduce((a, b) => a + b, 0) / 1000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const initTimes = [...initializedAt.values()];
const firstInit = Math.min(...initTimes) - forkedAt;
const allInit = Math.max(...initTimes) - forkedAt;
console.log(`\nStart: ${n} Canaries, counted from the controller's fork`);
console.log(`  modules loaded     ${seconds(loadedAt - forkedAt)}`);
console.log(`  caches synced      ${seconds(syncedAt - forkedAt)}`);
console.log(`  first Initialized  ${seconds(firstInit)}`);
console.log(`  all Initialized    ${seconds(allInit)} (${(n / ((allInit - (syncedAt - forkedAt)) / 1000)).toFixed(0)} per second after the sync)`);
// Which side was busy: well under a core each means the run waited on the machine (other processes), not on either.
const startMs = Date.now() - forkedAt;
console.log(`  CPU meanwhile      controller ${(((startCpu.cpuUser + startCpu.cpuSystem) / 1000 / startMs) * 100).toFixed(0)}% of one core (${((startCpu.cpuUser + startCpu.cpuSystem) / 1000 / n).toFixed(1)} ms per Canary), bench process ${((parentStartCpuMs / startMs) * 100).toFixed(0)}%`);
const startRequests = Object.entries(server.requestCounts()).filter(([key]) => !key.startsWith('watch'));
console.log(`  API requests       ${(startRequests.reduce((sum, [, count]) => sum + count, 0) / n).toFixed(1)} per Canary until all were Initialized (the bench's own lists included)`);
for (const [key, count] of startRequests) console.log(`    ${key.padEnd(44)} ${String(count).padStart(7)}  ${(count / n).toFixed(2)} per Canary`);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Measures one window: lateness, CPU, requests; then where the memory goes. */
const measure = async (label: string, ms: number, analysing: number, profile?: string): Promise<void> => {
  const before = await ask<ChildStats>('stats');
  if (profile) await ask('profile-start');
  const parentCpu = process.cpuUsage();
  server.resetRequestCounts();
  const metricsBefore = world.metricsRequests;
  const window: number[] = [];
  lateness = window;
  await new Promise((resolve) => setTimeout(resolve, ms));
  lateness = undefined;
  if (profile) await ask(`profile-stop ${profile}`);
  const parentCpuMs = Object.values(process.cpuUsage(parentCpu)).reduce((a, b) => a + b, 0) / 1000;
  const after = await ask<ChildStats>('stats');
  const counts = server.requestCounts();
  const metricsRequests = world.metricsRequests - metricsBefore;
  const ticks = after.reconciles - before.reconciles;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const cpuMs = (after.cpuUser + after.cpuSystem - before.cpuUser - before.cpuSystem) / 1000;
  console.log(`\n${label}: ${n} Canaries (${analysing} analysing), ${(ms / 1000).toFixed(0)} s window, ${ticks} reconciles (${(ticks / n / (ms / INTERVAL_MS)).toFixed(2)} per Canary per interval)`);
  if (window.length > 0) {
    console.log(`  tick lateness      p50 ${percentile(window, 50)} ms  p99 ${percentile(window, 99)} ms  max ${Math.max(...window)} ms  (${window.length} analysis ticks, ${(window.length / analysing / (ms / INTERVAL_MS)).toFixed(2)} per analysing Canary per interval)`);
  }
  // Ticks that ran long hold one of the --concurrency slots meanwhile: waiting on the API server, not the CPU.
  const longer = (seconds: number) => {
    const within = (stats: ChildStats) => stats.durationBuckets.find((b) => b.le === seconds)?.count ?? 0;
    return ticks - (within(after) - within(before));
  };
  console.log(`  tick duration      ${[0.1, 0.5, 1, 2.5].map((s) => `${longer(s)} over ${s} s`).join(', ')} (of ${ticks}; from the controller's histogram)`);
  console.log(`  controller RSS     ${mb(after.rss)} (heap used ${mb(after.heapUsed)}; RSS ${mb(after.baselineRss)} with modules loaded, before start)`);
  console.log(`  controller CPU     ${(cpuMs / ticks).toFixed(2)} ms per tick, ${((cpuMs / ms) * 100).toFixed(1)}% of one core`);
  console.log(`  bench process CPU  ${((parentCpuMs / ms) * 100).toFixed(1)}% of one core (API server, deployment stand-in, TrafficMetrics, watch)`);
  const perAnalysis = window.length > 0 ? `, ${(total / window.length).toFixed(2)} per analysis tick` : '';
  console.log(`  API requests       ${total} in all: ${(total / ticks).toFixed(2)} per tick${perAnalysis} (${total - metricsRequests} without TrafficMetrics queries)`);
  for (const [key, count] of Object.entries(counts)) {
    const shown = key === 'get deployments' ? `${key} (TrafficMetrics ${metricsRequests})` : key;
    console.log(`    ${shown.padEnd(44)} ${String(count).padStart(7)}  ${(count / ticks).toFixed(3)} per tick`);
  }
  const memory = await ask<ChildMemory>('memory');
  const other = memory.rss - memory.heapTotal - memory.external;
  console.log(`  memory             RSS ${mb(memory.rss)} = V8 heap ${mb(memory.heapTotal)} + external ${mb(memory.external)} (array buffers ${mb(memory.arrayBuffers)}) + other ${mb(other)} (code, stacks, malloc)`);
  console.log(`    after a full GC  live heap ${mb(memory.liveHeap)}, RSS ${mb(memory.rssAfterGc)}`);
  const m = memory.mappings;
  if (m) console.log(`    resident by map  anonymous ${mb(m.anonymous)} (V8 heap, thread malloc arenas), brk heap ${mb(m.brkHeap)} (main malloc arena), files ${mb(m.files)}, stacks ${mb(m.stacks)}`);
  console.log(`    heap spaces      ${memory.spaces.map((s) => `${s.name} ${mb(s.used)}/${mb(s.size)}`).join(', ')}`);
  const cached = memory.caches.filter((c) => c.count > 0);
  console.log(`    caches           ${cached.map((c) => `${c.kind} ${c.count} (${mb(c.jsonBytes)} JSON, ~${mb(c.heapBytes)} heap)`).join(', ')}`);
};

// One interval first, so the window starts after the burst of initialization.
await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
await measure('Initialized (steady)', initWindowMs, 0);

// The burst: P image changes sent 16 at a time, in name order; lateness counts from the first one.
const burst: number[] = [];
lateness = burst;
const rolloutStarted = Date.now();
const shipped = names.slice(0, progressing);
let next = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (next < shipped.length) {
    const name = shipped[next++];
    await world.setImage(name, NEW_IMAGE);
    imageChangedAt.set(name, Date.now());
  }
}));
const sentIn = Date.now() - rolloutStarted;
await waitUntil(() => steppedAt.size === progressing, `${progressing} Canaries Progressing with weight > 0`, maxRunMs);
const waits = shipped.map((name) => steppedAt.get(name)! - imageChangedAt.get(name)!);
const allStepped = Date.now() - rolloutStarted;
console.log(`\nBurst: ${progressing} image changes sent in ${seconds(sentIn)}; all Progressing with weight > 0 after ${seconds(allStepped)}`);
console.log(`  image change → first step   p50 ${seconds(percentile(waits, 50))}  p99 ${seconds(percentile(waits, 99))}  max ${seconds(Math.max(...waits))}`);
// Let the first analysis tick of every run pass, so the steady window holds analysis ticks only.
await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 1000));
lateness = undefined;
if (burst.length > 0) console.log(`  tick lateness meanwhile     p50 ${percentile(burst, 50)} ms  p99 ${percentile(burst, 99)} ms  max ${Math.max(...burst)} ms  (${burst.length} analysis ticks)`);
await measure('Progressing (steady, metrics answering)', windowMs, progressing, args['cpu-profile'] && `${args['cpu-profile']}-progressing.cpuprofile`);

// The figures are out: a graceful stop would first work off the late backlog, so end it at once.
child.kill('SIGKILL');
await exited;
await world.stop();
rmSync(dir, { recursive: true, force: true });
clearTimeout(guard);
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s`);
// Keep-alive sockets of the clients would hold the process for their idle timeout; the figures are out.
process.exit(0);
