// Runs every benchmark one after another, each in its own process so none inherits another's heap or
// open sockets. Arguments after `--` go to the scale bench, e.g. `npm run bench -- --canaries 5000`.
// Run: node_modules/.bin/node bench/run-all.ts [-- scale-bench flags]
import { spawnSync } from 'node:child_process';

const benches: [file: string, args: string[]][] = [
  ['apiserver.bench.ts', []],
  ['cel-validation.bench.ts', []],
  ['data-plane.bench.ts', []],
  ['controller-reaction.bench.ts', []],
  ['run-history-size.bench.ts', []],
  ['controller-scale.bench.ts', process.argv.slice(2).filter((arg) => arg !== '--')],
  ['analysis-quality.bench.ts', []],
  ['flagger-compat.bench.ts', []],
  ['playground.bench.ts', []],
  ['outage.bench.ts', []],
  ['reapply-storm.bench.ts', []],
];

let failed = 0;
for (const [file, args] of benches) {
  console.log(`\n── ${file} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [new URL(file, import.meta.url).pathname, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`${file} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
