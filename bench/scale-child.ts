// The controller under test in the scale bench, in a process of its own so its RSS and CPU time are its
// alone. Built the way `kanari controller` builds it; answers the bench's questions over IPC.
// Started by controller-scale.bench.ts: node --expose-gc bench/scale-child.ts <kubeconfig> <concurrency>
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
}

/** Where the memory goes (`memory`): dearer than `stats` (a full GC, every cache serialized), so asked after a window. */
export interface ChildMemory {
  rss: number;
  heapTotal: number;
  /** Heap, external and array buffers still used after a forced full GC: the live set. */
  liveHeap: number;
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces with more than 1 MB committed, after the GC. */
  spaces: { name: string; size: number; used: number }[];
  /** Objects per informer cache and the size of their JSON, which is what the cache keeps in some form. */
  caches: { kind: string; count: number; jsonBytes: number }[];
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

process.on('message', (message: string) => {
  void (async () => {
    if (message === 'stats') {
      const histogram = await metrics.duration.get();
      const reconciles = histogram.values.filter((v) => v.metricName === 'kanari_canary_duration_seconds_count').reduce((sum, v) => sum + v.value, 0);
      const { rss, heapUsed } = process.memoryUsage();
      const cpu = process.cpuUsage();
      process.send!({ baselineRss, rss, heapUsed, cpuUser: cpu.user, cpuSystem: cpu.system, reconciles } satisfies ChildStats);
    } else if (message === 'memory') {
      const rss = process.memoryUsage().rss;
      gc();
      const after = process.memoryUsage();
      const spaces = getHeapSpaceStatistics()
        .filter((space) => space.space_size > 2 ** 20)
        .map((space) => ({ name: space.space_name, size: space.space_size, used: space.space_used_size }));
      const caches = cache.all().map((scoped) => {
        const objects = scoped.list();
        return { kind: scoped.kind, count: objects.length, jsonBytes: objects.reduce((sum, obj) => sum + JSON.stringify(obj).length, 0) };
      });
      process.send!({ rss, heapTotal: after.heapTotal, liveHeap: after.heapUsed, external: after.external, arrayBuffers: after.arrayBuffers, spaces, caches } satisfies ChildMemory);
    } else if (message === 'stop') {
      await controller.stop();
      process.exit(0);
    }
  })();
});
await controller.start();
process.send!({ loadedAt });
