// Analysis quality: Flagger's threshold policy and the sequential judge (src/engine/judge/) on
// identical simulated traffic, over the grid of the reference (request rate, primary failure rate,
// canary ratio incl. crash, interval, threshold, stepWeight, maxWeight, minimum success, daily cycle,
// common-mode incidents, overdispersion, latency slowdowns, tail pauses, warm-up). Prints A/A false
// rollbacks, time to rollback, excess failed requests served before the decision (blast radius), and
// promotion rate and time for good canaries. Seeded: the same flags print the same figures.
//
// Run: node_modules/.bin/node bench/analysis-quality.bench.ts [--aa-runs 10000] [--runs 2000] [--seed 1]
import { parseArgs } from 'node:util';
import { figuresOf, percent, seconds, table } from './analysis-quality/outcome-stats.ts';
import type { Figures } from './analysis-quality/outcome-stats.ts';
import { runJudge, runThresholds } from './analysis-quality/policies.ts';
import type { Outcome, PolicyOptions } from './analysis-quality/policies.ts';
import { TrafficWorld } from './analysis-quality/traffic-world.ts';
import type { Scenario } from './analysis-quality/traffic-world.ts';
import { createSeededRandom } from '../src/sandbox/sample-app/seeded-random.ts';
import type { SeededRandom } from '../src/sandbox/sample-app/seeded-random.ts';

const { values: args } = parseArgs({ options: { 'aa-runs': { type: 'string', default: '10000' }, runs: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } } });
const aaRuns = Number(args['aa-runs']);
const runs = Number(args.runs);
const seed = Number(args.seed);
const started = performance.now();

/** Every policy's outcomes over the same runs. */
interface CaseResult {
  thresholds: Outcome[];
  judge: Outcome[];
  early: Outcome[];
  /** The judge with `variant` options, when asked for. */
  variant: Outcome[];
  scenarios: Scenario[];
}

function runCase(label: string, count: number, scenarioOf: (random: SeededRandom) => Scenario, options: PolicyOptions, variant?: PolicyOptions): CaseResult {
  const random = createSeededRandom(`${seed}/${label}`);
  const result: CaseResult = { thresholds: [], judge: [], early: [], variant: [], scenarios: [] };
  for (let run = 0; run < count; run++) {
    const scenario = scenarioOf(random);
    const world = new TrafficWorld(scenario, random.integer(2 ** 32));
    result.scenarios.push(scenario);
    result.thresholds.push(runThresholds(world, options));
    const judged = runJudge(world, options);
    result.judge.push(judged.outcome);
    result.early.push(judged.earlyPromotion);
    if (variant !== undefined) result.variant.push(runJudge(world, variant).outcome);
  }
  return result;
}

/** The judge alone over the same runs `runCase` draws for `label` (the same scenarios and traffic). */
function judgeOnly(label: string, count: number, scenarioOf: (random: SeededRandom) => Scenario, options: PolicyOptions): Outcome[] {
  const random = createSeededRandom(`${seed}/${label}`);
  const outcomes: Outcome[] = [];
  for (let run = 0; run < count; run++) {
    const scenario = scenarioOf(random);
    outcomes.push(runJudge(new TrafficWorld(scenario, random.integer(2 ** 32)), options).outcome);
  }
  return outcomes;
}

const pick = <T>(random: SeededRandom, values: readonly T[]): T => values[random.integer(values.length)];

// ── 1. The reference's rough simulation: 100 req/s, 60 s, weights 10 → 50, threshold 5, min 99 % ──────

const referenceCases: [string, number, number, string][] = [
  ['primary 0.5 %, canary ×2', 0.005, 2, 'thresholds 46 % (540 s), 124 | judge 96 % (240 s), 41'],
  ['primary 0.5 %, canary ×5', 0.005, 5, 'thresholds 100 % (360 s), 76 | judge 100 % (120 s), 18'],
  ['primary 0.2 %, canary ×2', 0.002, 2, 'thresholds never | judge 57 %'],
  ['A/A, primary 0.9 %', 0.009, 1, 'thresholds 12 % | judge 0.7 %'],
  ['primary 0.9 %, canary ×20', 0.009, 20, 'thresholds 540 failed | judge 108'],
];
const fixed = (primaryFailureRate: number, canaryRatio: number): Scenario => ({
  requestRate: 100, primaryFailureRate, canaryRatio, intervalS: 60, threshold: 5, stepWeight: 10, maxWeight: 50, minSuccess: 99,
  overdispersion: 0, slowdown: 1, tailPause: 0, warmUp: false, dayPhaseS: 0,
});
const referenceRows = [['case', 'policy', 'rolled back', 'median time', 'excess failed', 'promoted', 'reference']];
for (const [label, rate, ratio, reference] of referenceCases) {
  const result = runCase(label, runs, () => fixed(rate, ratio), { latency: false });
  const rows: [string, Figures][] = [['thresholds', figuresOf(result.thresholds)], ['judge', figuresOf(result.judge)]];
  rows.forEach(([policy, f], i) => referenceRows.push([i === 0 ? label : '', policy, percent(f.rolledBack), seconds(f.medianRollbackS), f.meanExcessFailures.toFixed(1), percent(f.promoted), i === 0 ? reference : '']));
}
console.log(`\n1. The reference's setting (100 req/s, interval 60 s, weights 10 → 50 %, threshold 5, min success 99 %, α 0.05), ${runs} runs per case`);
console.log(table(referenceRows));
// The reference's judge had more than five looks: the same cases with weights 10 → 100 (ten intervals).
const longer = [['case', 'judge rolled back, weights 10 → 100', 'median time']];
for (const [label, rate, ratio] of referenceCases.filter(([, , ratio]) => ratio === 2)) {
  const judged = figuresOf(runCase(`${label}, maxWeight 100`, runs, () => ({ ...fixed(rate, ratio), maxWeight: 100 }), { latency: false }).judge);
  longer.push([label, percent(judged.rolledBack), seconds(judged.medianRollbackS)]);
}
console.log(table(longer));

// ── 2. The grid ────────────────────────────────────────────────────────────────────────────────────

/** A run drawn from the reference's grid; the canary as given. */
function gridScenario(canary: Partial<Scenario>): (random: SeededRandom) => Scenario {
  return (random) => {
    const primaryFailureRate = pick(random, [0.0001, 0.001, 0.005, 0.009, 0.02]);
    // An operator's bound sits above the primary's own failure rate; for a 2 % primary none of the
    // grid's does, so it gets twice its failure rate (96 %).
    const bounds = [99, 99.5, 99.9].filter((min) => 100 - min > 100 * primaryFailureRate);
    return {
      requestRate: pick(random, [1, 10, 100, 1000]),
      primaryFailureRate,
      canaryRatio: 1,
      intervalS: pick(random, [10, 30, 60]),
      threshold: pick(random, [1, 2, 5, 10]),
      stepWeight: pick(random, [5, 10, 20]),
      maxWeight: pick(random, [50, 100]),
      minSuccess: bounds.length > 0 ? pick(random, bounds) : 100 - 200 * primaryFailureRate,
      ...(random.next() < 0.3 ? { incidentAtS: Math.floor(random.next() * 600) } : {}),
      overdispersion: pick(random, [0, 0.25, 0.5]),
      slowdown: 1,
      tailPause: 0,
      warmUp: false,
      dayPhaseS: random.next() * 86_400,
      ...canary,
    };
  };
}

function policyRows(label: string, result: CaseResult, withEarly: boolean): string[][] {
  const rows: [string, Figures][] = [['thresholds', figuresOf(result.thresholds)], ['judge', figuresOf(result.judge)]];
  if (withEarly) rows.push(['judge + early promotion', figuresOf(result.early)]);
  return rows.map(([policy, f], i) => [i === 0 ? label : '', policy, percent(f.rolledBack), percent(f.rolledBackForNoData), seconds(f.medianRollbackS), f.meanExcessFailures.toFixed(1), percent(f.promoted), seconds(f.medianPromotionS)]);
}
const header = ['case', 'policy', 'rolled back', 'of which no data', 'median to rollback', 'excess failed', 'promoted', 'median to promotion'];

const aa = runCase('A/A', aaRuns, gridScenario({ canaryRatio: 1 }), { latency: true }, { latency: true, judgeEverySlot: true });
const aaThresholds = figuresOf(aa.thresholds);
const aaJudge = figuresOf(aa.judge);
console.log(`\n2. A/A over the grid (identical canary, success rate and latency compared), ${aaRuns} runs`);
console.log(table([header, ...policyRows('A/A', aa, true)]));
console.log(`false rollbacks by the judge itself: ${percent(aaJudge.rolledBackByJudge, aaRuns)} (target ≤ 1 %); checked every 10 s: ${percent(figuresOf(aa.variant).rolledBackByJudge, aaRuns)}; by the judge's 90 % guard rail: ${percent(aaJudge.rolledBack - aaJudge.rolledBackForNoData - aaJudge.rolledBackByJudge, aaRuns)}; by the thresholds' checks, no data aside: ${percent(aaThresholds.rolledBack - aaThresholds.rolledBackForNoData, aaRuns)}`);
const bothPromoted = aa.thresholds.flatMap((o, i) => (o.decision === 'promote' && aa.judge[i].decision === 'promote' ? [i] : []));
const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(`runs both promoted (${bothPromoted.length}): median time to promotion thresholds ${seconds(medianOf(bothPromoted.map((i) => aa.thresholds[i].atS)))}, judge ${seconds(medianOf(bothPromoted.map((i) => aa.judge[i].atS)))}, judge + early promotion ${seconds(medianOf(bothPromoted.map((i) => aa.early[i].atS)))}; promoted later by the judge: ${bothPromoted.filter((i) => aa.judge[i].atS > aa.thresholds[i].atS).length}, earlier with early promotion: ${bothPromoted.filter((i) => aa.early[i].atS < aa.thresholds[i].atS).length}`);
const breakdown = (name: string, key: (s: Scenario) => string) => {
  const groups = new Map<string, number[]>();
  aa.scenarios.forEach((scenario, i) => groups.set(key(scenario), [...(groups.get(key(scenario)) ?? []), i]));
  const rows = [[name, 'runs', 'thresholds rolled back', 'thresholds, no data aside', 'judge itself']];
  for (const [value, indices] of [...groups].sort()) {
    const t = figuresOf(indices.map((i) => aa.thresholds[i]));
    const j = figuresOf(indices.map((i) => aa.judge[i]));
    rows.push([value, String(indices.length), percent(t.rolledBack), percent(t.rolledBack - t.rolledBackForNoData), percent(j.rolledBackByJudge, indices.length)]);
  }
  console.log(table(rows));
};
breakdown('overdispersion CV', (s) => s.overdispersion.toFixed(2));
breakdown('incident', (s) => (s.incidentAtS === undefined ? 'none' : 'both ×5 for 2 min'));
breakdown('request rate', (s) => `${String(s.requestRate).padStart(4)}/s`);
breakdown('primary failures', (s) => `${(100 * s.primaryFailureRate).toFixed(2)} %`);

// The same A/A runs (same draws, so the same traffic) with the judge at 99 % confidence, and with a 50 %
// tolerance: what each setting buys where failures come in bursts.
const bursty = (s: Scenario) => s.requestRate === 1000 && s.overdispersion === 0.5 && s.primaryFailureRate >= 0.005;
const where = (predicate: (s: Scenario) => boolean) => aa.scenarios.flatMap((s, i) => (predicate(s) ? [i] : []));
const aaVariants: [string, Outcome[]][] = [
  ['95 %, maxIncrease 20 % (above)', aa.judge],
  ['99 %, maxIncrease 20 %', judgeOnly('A/A', aaRuns, gridScenario({ canaryRatio: 1 }), { latency: true, confidence: 0.99 })],
  ['95 %, maxIncrease 50 %', judgeOnly('A/A', aaRuns, gridScenario({ canaryRatio: 1 }), { latency: true, maxIncrease: 0.5 })],
  ['95 %, maxIncrease 20 %, checked every 10 s', aa.variant],
];
const variantRows = [['judge', 'all runs', 'CV 0', 'CV 0.25', 'CV 0.5', '1000 req/s', '1000 req/s, CV 0.5, primary 0.5–2 %']];
for (const [name, outcomes] of aaVariants) {
  const byJudge = (indices: number[]) => percent(figuresOf(indices.map((i) => outcomes[i])).rolledBackByJudge, indices.length);
  variantRows.push([name, byJudge(where(() => true)), ...[0, 0.25, 0.5].map((cv) => byJudge(where((s) => s.overdispersion === cv))), byJudge(where((s) => s.requestRate === 1000)), byJudge(where(bursty))]);
}
console.log('A/A false rollbacks by the judge itself, on the same runs, by confidence and tolerance:');
console.log(table(variantRows));

console.log(`\n3. Worse canaries over the grid (failure ratio), ${runs} runs each`);
const failureRows = [header];
const blast: string[][] = [['canary', 'thresholds', 'judge', 'judge ÷ thresholds', 'judge every 10 s', '÷ thresholds', 'both rolled back: thresholds', 'judge', '÷', 'bad canary promoted: thresholds', 'judge']];
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
for (const ratio of [1.1, 1.25, 1.5, 2, 5, 20, 'crash'] as const) {
  const label = ratio === 'crash' ? 'crash' : `×${ratio}`;
  const result = runCase(label, runs, gridScenario({ canaryRatio: ratio }), { latency: true }, { latency: true, judgeEverySlot: true });
  failureRows.push(...policyRows(label, result, ratio === 1.1));
  const t = figuresOf(result.thresholds);
  const j = figuresOf(result.judge);
  const v = figuresOf(result.variant);
  const both = result.thresholds.flatMap((o, i) => (o.decision === 'rollback' && result.judge[i].decision === 'rollback' ? [i] : []));
  const pairedT = mean(both.map((i) => result.thresholds[i].excessFailures));
  const pairedJ = mean(both.map((i) => result.judge[i].excessFailures));
  blast.push([label, t.meanExcessFailures.toFixed(1), j.meanExcessFailures.toFixed(1), (j.meanExcessFailures / t.meanExcessFailures).toFixed(2),
    v.meanExcessFailures.toFixed(1), (v.meanExcessFailures / t.meanExcessFailures).toFixed(2), pairedT.toFixed(1), pairedJ.toFixed(1), (pairedJ / pairedT).toFixed(2), percent(t.promoted), percent(j.promoted)]);
}
console.log(table(failureRows));
console.log('\nBlast radius: mean excess failed canary requests per run until rollback or promotion (×1.1 is within the 20 % tolerance); "both rolled back" pairs the runs where both policies rolled back:');
console.log(table(blast));

console.log(`\n4. Slower canaries over the grid (latency only; thresholds: p99 ≤ 500 ms), ${Math.round(runs / 2)} runs each`);
const latencyRows = [header];
const latencyCases: [string, Partial<Scenario>][] = [
  ['slowdown ×1.1', { slowdown: 1.1 }], ['slowdown ×1.25', { slowdown: 1.25 }], ['slowdown ×1.5', { slowdown: 1.5 }],
  ['tail pauses 0.5 %', { tailPause: 0.005 }], ['tail pauses 1 %', { tailPause: 0.01 }], ['tail pauses 2 %', { tailPause: 0.02 }],
  ['warm-up ×2 for 2 min', { warmUp: true }],
];
for (const [label, canary] of latencyCases) {
  const result = runCase(label, Math.round(runs / 2), gridScenario({ canaryRatio: 1, ...canary }), { latency: true }, { latency: true, judgeFromS: 120 });
  latencyRows.push(...policyRows(label, result, false));
  const skipping = figuresOf(result.variant);
  latencyRows.push(['', 'judge ignoring the first 2 min', percent(skipping.rolledBack), percent(skipping.rolledBackForNoData), seconds(skipping.medianRollbackS), '0.0', percent(skipping.promoted), seconds(skipping.medianPromotionS)]);
}
console.log(table(latencyRows));
console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s, seed ${seed}`);
