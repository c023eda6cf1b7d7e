// How many bytes the run history adds to a Canary's status, from the engine's own decisions (pure: no
// cluster, no clock): a typical run, a long one, and an idle Canary with ten past runs. The informer
// caches of issue 18 hold every Canary, so this is memory per Canary.
// Run: node_modules/.bin/node bench/run-history-size.bench.ts
import type { CanaryAnalysis } from '../src/api/canary.ts';
import { initializedWorld, makeCanary } from '../test/unit/engine/world.ts';

const metrics = [
  { name: 'request-success-rate', thresholdRange: { min: 99 } },
  { name: 'request-duration', thresholdRange: { max: 500 } },
];
const bytes = (value: unknown) => (value === undefined ? 0 : JSON.stringify(value).length);

async function measure(label: string, analysis: Partial<CanaryAnalysis>, runs: number): Promise<void> {
  const world = await initializedWorld(makeCanary({ metrics, ...analysis }));
  for (let i = 0; i < runs; i++) {
    world.newRevision(`rev-${i}-5d8f7c9b4a`);
    await world.runUntil(['Succeeded'], 500);
  }
  const status = world.status;
  const bare = bytes({ ...status, run: undefined, pastRuns: undefined });
  console.log(
    `${label.padEnd(44)} status ${bytes(status)} B (${bare} B without history): run ${bytes(status.run)} B in ${status.run?.entries.length} entries` +
      `${status.run?.droppedEntries ? ` (+${status.run.droppedEntries} dropped)` : ''}, ${status.pastRuns?.length ?? 0} past runs ${bytes(status.pastRuns)} B`,
  );
}

await measure('one run, 2 metrics, steps of 20 to 100', { stepWeight: 20, maxWeight: 100 }, 1);
await measure('eleven runs, 2 metrics, steps of 20 to 100', { stepWeight: 20, maxWeight: 100 }, 11);
await measure('eleven runs, 2 metrics, steps of 1 to 100', { stepWeight: 1, maxWeight: 100 }, 11);
