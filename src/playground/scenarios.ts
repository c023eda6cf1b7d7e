/**
 * The playground's scenarios, in the order the default run plays them: the classic SMI demo of Traffic
 * Split (a good version stepped up and promoted), Traffic Metrics (a bad version caught and rolled
 * back), A/B routing by header, and Traffic Access (deny by default until a TrafficTarget allows).
 */
import { weightSequence } from '../engine/strategy.ts';
import type { UserRequest } from '../sandbox/loadgen/load-generator.ts';
import { accessScenario } from './access-scenario.ts';
import { judgeScenarioCatalog } from './judge-scenarios.ts';
import type { PlaygroundRouter } from './playground-world.ts';
import { badVersionBound, FRONTEND_ANALYSIS, FRONTEND_V1, FRONTEND_V2, PODINFO_ANALYSIS, PODINFO_RPS, PODINFO_V1, PODINFO_V2, PODINFO_V3_BAD } from './releases.ts';
import { rolloutScenario } from './rollout-scenario.ts';
import type { SplitState } from './rollout-recorder.ts';
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
    const answers = result.users.flatMap((u) => u.results);
    const whileOpen = answers.filter((r) => routedWhileOpen(result, r)).length;
    const bound = badVersionBound(PODINFO_ANALYSIS, whileOpen);
    const onBad = answers.filter((r) => r.version === 'v3');
    if (onBad.length > bound.requests) problems.push(`${onBad.length} requests reached the bad version, more than the ${bound.requests} the analysis allows`);
    const outside = onBad.filter((r) => !routedWhileOpen(result, r)).length;
    if (outside > 0) problems.push(`${outside} requests reached the bad version though the TrafficSplit state that routed them gave it no weight`);
    problems.push(...expectSlack(result, 'Rolled back'));
    return {
      problems,
      notes: [
        `bad version reached by ${onBad.length} of the ${whileOpen} requests routed while the TrafficSplit gave it weight, for ${(openMs(result) / 1000).toFixed(1)}s; ` +
          `bound ${bound.requests} = ${step}% + 3σ; open ≈ (threshold + 1) × interval = ${bound.expectedOpenMs / 1000}s on a quiet machine`,
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
    if (insiders.total === 0) problems.push('no insider request was routed by the A/B route');
    else if (insiders.onNew < insiders.total) problems.push(`${insiders.total - insiders.onNew} of ${insiders.total} insider requests routed by the A/B route missed v2`);
    if (others.onCanary > 0) problems.push(`${others.onCanary} requests without the header were routed to the canary`);
    problems.push(...expectSlack(result, 'Promotion finished'));
    return { problems, notes: [`by the A/B route: insiders ${insiders.onNew}/${insiders.total} on v2; everyone else ${others.onCanary}/${others.total} routed to the canary`] };
  },
});

// Requests are judged by the TrafficSplit state that routed them (the data plane names its
// resourceVersion in every answer), not by when they were sent: on a busy machine a request may wait in
// a queue while the split changes, and the data plane may see a change later than the recorder does.

/** The split state that routed the request, when the recorder saw it. */
function routingState(result: ScenarioResult, request: UserRequest): SplitState | undefined {
  return request.routedBy ? result.splitStates[request.routedBy] : undefined;
}

/** Whether the request was routed while the split gave the canary weight. */
export function routedWhileOpen(result: ScenarioResult, request: UserRequest): boolean {
  return (routingState(result, request)?.canary ?? 0) > 0;
}

/** How long the split gave the canary weight, as the recorder saw it: from the first non-zero weight to the return to 0. */
function openMs(result: ScenarioResult): number {
  const opened = result.weightSamples.find((w) => w.canary > 0)?.at;
  const closed = result.weightSamples.find((w) => opened !== undefined && w.at >= opened && w.canary === 0)?.at;
  return opened !== undefined && closed !== undefined ? closed - opened : 0;
}

/** Whether the request was routed while the A/B route was up: the split had matches and gave the canary weight. */
export function routedByAbRoute(result: ScenarioResult, request: UserRequest): boolean {
  const state = routingState(result, request);
  return state !== undefined && state.routeMatches && state.canary > 0;
}

// A/B exposure: insiders routed by the A/B route should all land on v2; requests without the header
// should never be routed to the canary.
export function abExposure(result: ScenarioResult): { insiders: { total: number; onNew: number }; others: { total: number; onCanary: number } } {
  const answered = (label: string) => (result.users.find((u) => u.label === label)?.results ?? []).filter((r) => r.status === 200);
  const insiders = answered('insiders').filter((r) => routedByAbRoute(result, r));
  const others = answered('everyone else');
  return {
    insiders: { total: insiders.length, onNew: insiders.filter((r) => r.version === 'v2').length },
    others: { total: others.length, onCanary: others.filter((r) => r.backend.endsWith('-canary')).length },
  };
}

/**
 * The scenarios of a default run, in order: short, one minute in all on a quiet machine. Through the
 * Gateway API the releases play on HTTPRoutes; Traffic Access is SMI's own demo and stays with the SMI
 * router.
 */
export function defaultScenarios(router: PlaygroundRouter = 'smi'): Scenario[] {
  if (router === 'gatewayapi') return [goodRelease(), badRelease(), abTest()];
  return [goodRelease(), badRelease(), abTest(), accessScenario()];
}

/** Every scenario by name: the default ones, then the opt-in ones (the judge's, a minute or two each). */
export function scenarioCatalog(router: PlaygroundRouter = 'smi'): Scenario[] {
  return [...defaultScenarios(router), ...judgeScenarioCatalog()];
}
