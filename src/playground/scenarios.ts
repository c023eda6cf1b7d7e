/**
 * The playground's scenarios, in the order the default run plays them: the classic SMI demo of Traffic
 * Split (a good version stepped up and promoted), Traffic Metrics (a bad version caught and rolled
 * back), A/B routing by header, and Traffic Access (deny by default until a TrafficTarget allows).
 */
import { weightSequence } from '../engine/strategy.ts';
import { accessScenario } from './access-scenario.ts';
import { judgeScenarioCatalog } from './judge-scenarios.ts';
import { badVersionBound, FRONTEND_ANALYSIS, FRONTEND_V1, FRONTEND_V2, PODINFO_ANALYSIS, PODINFO_RPS, PODINFO_V1, PODINFO_V2, PODINFO_V3_BAD } from './releases.ts';
import { rolloutScenario } from './rollout-scenario.ts';
import type { Scenario, ScenarioResult } from './scenario.ts';
import { slackHeadline } from './slack-text.ts';

const headlines = (result: ScenarioResult): string[] => result.slack.map((d) => slackHeadline(d.body));

function expectSlack(result: ScenarioResult, prefix: string): string[] {
  return headlines(result).some((h) => h.startsWith(prefix)) ? [] : [`Slack received no "${prefix}" message (got: ${headlines(result).join('; ') || 'nothing'})`];
}

const goodRelease = (): Scenario => rolloutScenario({
  name: 'good-release',
  title: 'a good version stepped up and promoted (Traffic Split)',
  app: 'podinfo',
  analysis: PODINFO_ANALYSIS,
  base: PODINFO_V1,
  next: PODINFO_V2,
  expectPhase: 'Succeeded',
  users: [{ label: 'users', rps: PODINFO_RPS }],
  check: (result) => {
    const problems: string[] = [];
    const expected = [...weightSequence(PODINFO_ANALYSIS).slice(1), 0];
    if (result.weights.join() !== expected.join()) problems.push(`weights went ${result.weights.join(' → ')}, expected ${expected.join(' → ')}`);
    if (result.userErrors > 0) problems.push(`${result.userErrors} user requests failed during a good release`);
    if (!result.byVersion.v2?.requests) problems.push('no user request reached v2');
    problems.push(...expectSlack(result, 'Promotion finished'));
    return { problems, notes: [] };
  },
});

const badRelease = (): Scenario => rolloutScenario({
  name: 'bad-release',
  title: 'a version failing half its requests rolled back (Traffic Metrics)',
  app: 'podinfo',
  analysis: PODINFO_ANALYSIS,
  base: PODINFO_V1,
  next: PODINFO_V3_BAD,
  expectPhase: 'Failed',
  users: [{ label: 'users', rps: PODINFO_RPS }],
  check: (result) => {
    const problems: string[] = [];
    const step = PODINFO_ANALYSIS.stepWeight ?? 0;
    if (Math.max(0, ...result.weights) > step) problems.push(`the bad version got weight ${Math.max(...result.weights)}, more than one step (${step})`);
    if (result.weights.at(-1) !== 0) problems.push(`traffic was not routed back to the primary (last weight ${result.weights.at(-1)})`);
    const open = openWindow(result);
    const answers = result.users.flatMap((u) => u.results);
    const sentWhileOpen = answers.filter((r) => r.sentAt >= open.from && r.sentAt <= open.to).length;
    const bound = badVersionBound(PODINFO_ANALYSIS, sentWhileOpen);
    const onBad = answers.filter((r) => r.version === 'v3');
    if (onBad.length > bound.requests) problems.push(`${onBad.length} requests reached the bad version, more than the ${bound.requests} the analysis allows`);
    const outside = onBad.filter((r) => r.sentAt < open.from || r.sentAt > open.to).length;
    if (outside > 0) problems.push(`${outside} requests reached the bad version while the TrafficSplit gave it no weight`);
    problems.push(...expectSlack(result, 'Rolled back'));
    return {
      problems,
      notes: [
        `bad version reached by ${onBad.length} of the ${sentWhileOpen} requests sent in the ${((open.to - open.from) / 1000).toFixed(1)}s it was open ` +
          `(bound ${bound.requests}: ${step}% + 3σ; open ≈ (threshold + 1) × interval = ${bound.expectedOpenMs / 1000}s on a quiet machine)`,
      ],
    };
  },
});

const abTest = (): Scenario => rolloutScenario({
  name: 'ab-test',
  title: 'A/B: only requests with x-canary: insider see the new version',
  app: 'frontend',
  analysis: FRONTEND_ANALYSIS,
  base: FRONTEND_V1,
  next: FRONTEND_V2,
  expectPhase: 'Succeeded',
  users: [
    { label: 'insiders', rps: 20, headers: { 'x-canary': 'insider' } },
    { label: 'everyone else', rps: 30 },
  ],
  check: (result) => {
    const problems: string[] = [];
    if (result.weights.join() !== '100,0') problems.push(`weights went ${result.weights.join(' → ')}, expected 100 → 0 (matched requests all to the canary, then back)`);
    const { insiders, others } = abExposure(result);
    if (insiders.total === 0) problems.push('no insider request was sent while the A/B route was up');
    else if (insiders.onNew < insiders.total) problems.push(`${insiders.total - insiders.onNew} of ${insiders.total} insider requests missed v2 while the A/B route was up`);
    if (others.onNew > 0) problems.push(`${others.onNew} requests without the header reached v2 before promotion`);
    problems.push(...expectSlack(result, 'Promotion finished'));
    return { problems, notes: [`before promotion: insiders ${insiders.onNew}/${insiders.total} on v2, everyone else ${others.onNew}/${others.total} on v2`] };
  },
});

/** When the bad version had weight: from the split's first non-zero weight to its return to 0, with 100 ms for the data plane to see each change. */
export function openWindow(result: ScenarioResult): { from: number; to: number } {
  const opened = result.weightSamples.find((w) => w.canary > 0)?.at ?? Number.POSITIVE_INFINITY;
  const closed = result.weightSamples.find((w) => w.at >= opened && w.canary === 0)?.at ?? Number.POSITIVE_INFINITY;
  return { from: opened - 100, to: closed + 100 };
}

// A/B exposure: while the route is up (from the split's weight 100 until promotion starts), with 200 ms
// for the route to reach the data plane, insiders should all land on v2 and nobody else should.
export function abExposure(result: ScenarioResult): { insiders: { total: number; onNew: number }; others: { total: number; onNew: number } } {
  const routedAt = result.weightSamples.find((w) => w.canary === 100)?.at ?? Number.POSITIVE_INFINITY;
  const promotedAt = result.phaseTimes.Promoting ?? result.phaseTimes.Succeeded ?? Number.POSITIVE_INFINITY;
  const count = (label: string, from: number) => {
    const sent = (result.users.find((u) => u.label === label)?.results ?? []).filter((r) => r.sentAt >= from && r.sentAt < promotedAt - 50 && r.status === 200);
    return { total: sent.length, onNew: sent.filter((r) => r.version === 'v2').length };
  };
  return { insiders: count('insiders', routedAt + 200), others: count('everyone else', 0) };
}

/** The scenarios of a default run, in order: short, one minute in all on a quiet machine. */
export function defaultScenarios(): Scenario[] {
  return [goodRelease(), badRelease(), abTest(), accessScenario()];
}

/** Every scenario by name: the default ones, then the opt-in ones (the judge's, a minute or two each). */
export function scenarioCatalog(): Scenario[] {
  return [...defaultScenarios(), ...judgeScenarioCatalog()];
}
