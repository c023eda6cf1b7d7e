// How long the playground takes, the figure a person running `npm start` waits for: the whole run
// (world start included) and each scenario, over RUNS runs with the default seed. The playground runs
// on real time (1 s analysis intervals), so a busy machine makes it longer, never wrong.
//
// Run: node_modules/.bin/node bench/playground.bench.ts [--runs 3]
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, runPlayground } from '../src/playground/run-playground.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(args.runs);

const totals: number[] = [];
const byScenario = new Map<string, number[]>();
let failed = 0;
for (let i = 0; i < runs; i++) {
  const run = await runPlayground({ seed: DEFAULT_SEED, output: { write: () => true } });
  totals.push(run.durationMs);
  if (!run.ok) failed++;
  for (const result of run.results) byScenario.set(result.name, [...(byScenario.get(result.name) ?? []), result.durationMs]);
}

const seconds = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${(sorted[Math.floor((sorted.length - 1) / 2)] / 1000).toFixed(1)} s  max ${(sorted.at(-1)! / 1000).toFixed(1)} s`;
};
console.log(`playground, seed ${DEFAULT_SEED}, ${runs} runs${failed ? ` (${failed} not as expected)` : ''}:`);
console.log(`  ${'whole run'.padEnd(16)} ${seconds(totals)}`);
for (const [name, values] of byScenario) console.log(`  ${name.padEnd(16)} ${seconds(values)}`);
