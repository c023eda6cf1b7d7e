// The controller under test in the scale bench, in a process of its own so its RSS and CPU time are its
// alone. Built the way `kanari controller` builds it; answers the bench's questions over IPC.
// Started by controller-scale.bench.ts: node --expose-gc bench/scale-child.ts <kubeconfig> <concurrency>
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { KubeConfig } from '@kubernetes/client-node';
import { assembleController } from '../src/controller/assemble.ts';
import { createLogger } from '../src/log/logger.ts';
import { createControllerMetrics } from '../src/server/controller-metrics.ts';
import { NAMESPACE } from './bench-world.ts';

/** What the child reports when asked for `stats`: cheap, so it can be asked at the edges of a window. */
export interface ChildStats {
  /** RSS once the modules were loaded, before the controller started: the floor that no Canary costs. */
  baselineRss: number;
  rss: number;
  heapUsed: number;
  /** process.cpuUsage(), microseconds. */
  cpuUser: number;
  cpuSystem: number;
  /** Reconcile ticks finished, from the controller's own duration histogram. */
  reconciles: number;
  /** That histogram summed over every Canary: ticks that took at most `le` seconds. */
  durationBuckets: { le: number; count: number }[];
}

/**
 * Where the memory goes (`memory`): dearer than `stats` (a full GC, every cache serialized), so asked
 * after a window. RSS, heap, external and array buffers are one snapshot taken before the GC; the live
 * heap is what the GC left.
 */
export interface ChildMemory {
  rss: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Heap still used after a forced full GC: the live set. */
  liveHeap: number;
  /** RSS after that GC, which may return heap pages to the system. */
  rssAfterGc: number;
  /** V8 heap spaces with more than 1 MB committed, after the GC. */
  spaces: { name: string; size: number; used: number }[];
  /** Resident memory by kind of mapping (Linux): what the process's pages are, whoever asked for them. */
  mappings?: { files: number; brkHeap: number; anonymous: number; stacks: number };
  /** Objects per informer cache and the size of their JSON, which is what the cache keeps in some form. */
  caches: { kind: string; count: number; jsonBytes: number; heapBytes: number }[];
}

const [kubeconfigPath, concurrency] = process.argv.slice(2);
// Imports are hoisted: this runs once every module is loaded.
const loadedAt = Date.now();
const baselineRss = process.memoryUsage().rss;
// The bench died: a controller left behind would retry against a dead server forever.
process.on('disconnect', () => process.exit(1));
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigPath);
const metrics = createControllerMetrics();
const { controller, cache } = assembleController({
  kubeConfig,
  logger: createLogger({ level: 'warn', destination: process.stderr }),
  metrics,
  namespaces: [NAMESPACE],
  concurrency: Number(concurrency),
});

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/**
 * Resident bytes by mapping from /proc/self/smaps: files (the node binary, libraries, ICU data), the brk
 * heap (glibc's main malloc arena), anonymous mappings (V8's heap, glibc's per-thread malloc arenas,
 * wasm memory) and thread stacks.
 */
function residentByMapping(): ChildMemory['mappings'] {
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return undefined;
  }
  const totals = { files: 0, brkHeap: 0, anonymous: 0, stacks: 0 };
  let kind: keyof typeof totals = 'anonymous';
  for (const line of smaps.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1];
      kind = name.startsWith('/') ? 'files' : name === '[heap]' ? 'brkHeap' : name.startsWith('[stack') ? 'stacks' : 'anonymous';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals[kind] += Number(rss[1]) * 1024;
  }
  return totals;
}

const profiler = new Session();

process.on('message', (message: string) => {
  void (async () => {
    if (message === 'profile-start') {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      process.send!('profiling');
    } else if (message.startsWith('profile-stop ')) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(message.slice('profile-stop '.length), JSON.stringify(profile));
      profiler.disconnect();
      process.send!('profiled');
    }
    if (message === 'stats') {
      const histogram = await metrics.duration.get();
      const reconciles = histogram.values.filter((v) => v.metricName === 'kanari_canary_duration_seconds_count').reduce((sum, v) => sum + v.value, 0);
      const buckets = new Map<number, number>();
      for (const v of histogram.values) {
        if (v.metricName !== 'kanari_canary_duration_seconds_bucket') continue;
        const le = Number((v.labels as Record<string, string | number>).le);
        buckets.set(le, (buckets.get(le) ?? 0) + v.value);
      }
      const durationBuckets = [...buckets].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
      const { rss, heapUsed } = process.memoryUsage();
      const cpu = process.cpuUsage();
      process.send!({ baselineRss, rss, heapUsed, cpuUser: cpu.user, cpuSystem: cpu.system, reconciles, durationBuckets } satisfies ChildStats);
    } else if (message === 'memory') {
      const before = process.memoryUsage();
      gc();
      const after = process.memoryUsage();
      const spaces = getHeapSpaceStatistics()
        .filter((space) => space.space_size > 2 ** 20)
        .map((space) => ({ name: space.space_name, size: space.space_size, used: space.space_used_size }));
      const caches = cache.all().map((scoped) => {
        const objects = scoped.list();
        const json = objects.map((obj) => JSON.stringify(obj));
        // What a copy of the cache costs on the heap, measured: parse the objects again and weigh them.
        gc();
        const empty = process.memoryUsage().heapUsed;
        const copy = json.map((text) => JSON.parse(text) as unknown);
        gc();
        const heapBytes = process.memoryUsage().heapUsed - empty;
        copy.length = 0;
        return { kind: scoped.kind, count: objects.length, jsonBytes: json.reduce((sum, text) => sum + text.length, 0), heapBytes };
      });
      const { rss, heapTotal, external, arrayBuffers } = before;
      const mappings = residentByMapping();
      process.send!({ rss, heapTotal, external, arrayBuffers, liveHeap: after.heapUsed, rssAfterGc: after.rss, spaces, mappings, caches } satisfies ChildMemory);
    } else if (message === 'stop') {
      await controller.stop();
      process.exit(0);
    }
  })();
});
await controller.start();
process.send!({ loadedAt });
