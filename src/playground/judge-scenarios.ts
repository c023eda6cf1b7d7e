/**
 * The judge's two scenarios (opt-in: `npm start -- --scenario subtle-regression shared-incident`). Each
 * ships the same release to two apps at once, under the same users: one judged by Flagger's threshold
 * policy (success rate at least 99 %), one by the judge comparing the canary with the primary (with a
 * loose 95 % guard rail). A subtle regression — primary 0.3 % failures, canary 0.9 % — passes the
 * threshold and is rolled back by the judge; a shared incident — both failing 1.5 % — fails the
 * threshold and is promoted by the judge.
 *
 * Failures are spread evenly (ERROR_PATTERN=even), so a minute's success rate is the rate to within a
 * request and the threshold's verdicts are the same on every run. Each step waits until the canary has
 * served enough requests (a traffic gate), so what is decided depends on traffic, not on the machine's speed.
 */
import type { Canary, CanaryMetric } from '../api/canary.ts';
import { startLoad, type LoadRun } from '../sandbox/loadgen/load-generator.ts';
import { LOAD_SERVICE_ACCOUNT, PLAYGROUND_NAMESPACE, SLACK_PROVIDER, type AppVersion } from './playground-world.ts';
import { tallyVersions, type Scenario, type ScenarioContext, type ScenarioResult, type UserGroup } from './scenario.ts';
import { startTrafficGate } from './traffic-gate.ts';

/** Users per second on each of the two apps. */
export const JUDGE_SCENARIO_RPS = 250;
const ROLLOUT_TIMEOUT_MS = 300_000;
const INITIALIZE_TIMEOUT_MS = 30_000;

/** How one app of a pair is judged. */
export type Policy = 'thresholds' | 'judge';

/** One app's end, for the summary and the tests. */
export interface AppOutcome {
  app: string;
  policy: Policy;
  phase?: string;
  failureReason?: string;
  failedChecks: number;
  /** The judge's last words (judge app), or the last success rate against its bound (thresholds app). */
  evidence?: string;
  weights: number[];
}

interface JudgePlan {
  name: string;
  title: string;
  /** Prefix of the two apps: `<prefix>-thresholds` and `<prefix>-judge`. */
  prefix: string;
  base: AppVersion;
  next: AppVersion;
  /** Canary requests each step waits for. */
  requestsPerStep: number;
  expect: Record<Policy, { phase: 'Succeeded' | 'Failed'; failureReason?: string }>;
}

const version = (tag: string, versionName: string, errorRate: number): AppVersion => ({
  image: `ghcr.io/stefanprodan/podinfo:${tag}`,
  env: { VERSION: versionName, ERROR_RATE: String(errorRate), ERROR_PATTERN: 'even', LATENCY_MS: '2' },
});

/**
 * The analysis of one app: steps of 25 up to 50, a check every two seconds. The success rate is read
 * over a minute, as Flagger's examples do: the canary's pods start with the run, so until the window
 * slides it holds every request they served, and once it slides it holds thousands.
 */
export function judgeScenarioAnalysis(policy: Policy, gateUrl: string, deployment: string, requestsPerStep: number): Canary['spec']['analysis'] {
  const metric: CanaryMetric =
    policy === 'thresholds'
      ? { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } }
      : { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 95 }, compare: { maxIncrease: '20%', confidence: '95%' } };
  const gate = `${gateUrl}/${deployment}?requests=${requestsPerStep}`;
  return {
    interval: '2s',
    threshold: 3,
    stepWeight: 25,
    maxWeight: 50,
    metrics: [metric],
    webhooks: [
      { name: 'enough-traffic', type: 'confirm-traffic-increase', url: gate, muteAlert: true },
      { name: 'enough-traffic-to-promote', type: 'confirm-promotion', url: gate, muteAlert: true },
    ],
    alerts: [{ name: 'slack', severity: 'info', providerRef: { name: SLACK_PROVIDER } }],
  };
}

const subtleRegression = (): Scenario =>
  judgeScenario({
    name: 'subtle-regression',
    title: 'primary 0.3 % failures, canary 0.9 %: the threshold (99 %) passes it, the judge rolls it back',
    prefix: 'orders',
    base: version('6.0.0', 'v1', 0.003),
    next: version('6.0.1', 'v2', 0.009),
    // About fifty failures between the two sides: what it takes to tell 3× from the tolerated 1.2×.
    requestsPerStep: 2500,
    expect: { thresholds: { phase: 'Succeeded' }, judge: { phase: 'Failed', failureReason: 'CanaryWorseThanPrimary' } },
  });

const sharedIncident = (): Scenario =>
  judgeScenario({
    name: 'shared-incident',
    title: 'primary and canary both fail 1.5 % (an incident that hits every pod): the threshold rolls back, the judge promotes',
    prefix: 'payments',
    base: version('6.0.0', 'v1', 0.015),
    next: version('6.0.1', 'v2', 0.015),
    requestsPerStep: 1000,
    expect: { thresholds: { phase: 'Failed', failureReason: 'FailedChecks' }, judge: { phase: 'Succeeded' } },
  });

/** The opt-in scenarios, in the order they are listed. */
export function judgeScenarioCatalog(): Scenario[] {
  return [subtleRegression(), sharedIncident()];
}

function judgeScenario(plan: JudgePlan): Scenario {
  return { name: plan.name, title: plan.title, run: (context) => runPair(context, plan) };
}

async function runPair(context: ScenarioContext, plan: JudgePlan): Promise<ScenarioResult> {
  const { world, out } = context;
  const apps: Record<Policy, string> = { thresholds: `${plan.prefix}-thresholds`, judge: `${plan.prefix}-judge` };
  const gate = await startTrafficGate((deployment) => {
    const totals = world.dataPlane.store.totals({ kind: 'Deployment', namespace: PLAYGROUND_NAMESPACE, name: deployment });
    return totals === undefined ? 0 : totals.success + totals.failure;
  });
  const problems: string[] = [];
  const runs: { label: string; run: LoadRun }[] = [];
  let startedAt = Date.now();
  try {
    out.line(`  deploying ${apps.thresholds} (threshold: success rate ≥ 99 %) and ${apps.judge} (judge: at most 1.2× the primary's failures), ${plan.base.env.VERSION} failing ${percent(plan.base)}…`);
    for (const policy of ['thresholds', 'judge'] as const) await world.deploy(apps[policy], plan.base, judgeScenarioAnalysis(policy, gate.url, apps[policy], plan.requestsPerStep), 1);
    for (const policy of ['thresholds', 'judge'] as const) {
      await world.recorder.waitFor(apps[policy], (c) => c.status?.phase === 'Initialized', 'be initialized', INITIALIZE_TIMEOUT_MS);
      const apex = await world.apex(apps[policy]);
      runs.push({
        label: `${apps[policy]} users`,
        run: startLoad({ url: apex.url, rps: JUDGE_SCENARIO_RPS, sourceServiceAccount: `${PLAYGROUND_NAMESPACE}/${LOAD_SERVICE_ACCOUNT}`, seed: `${context.seed}/${plan.name}/${policy}` }),
      });
    }
    startedAt = Date.now();
    out.line(`  users: ${JUDGE_SCENARIO_RPS}/s on each; shipping ${plan.next.env.VERSION} (failing ${percent(plan.next)}) to both; each step waits for ${plan.requestsPerStep} canary requests`);
    const redraw = setInterval(() => out.status(pairLine(world.recorder.latest(apps.thresholds), world.recorder.latest(apps.judge))), 250);
    try {
      await Promise.all((['thresholds', 'judge'] as const).map((policy) => world.ship(apps[policy], plan.next)));
      await Promise.all(
        (['thresholds', 'judge'] as const).map((policy) =>
          world.recorder.waitFor(
            apps[policy],
            (c) => world.recorder.phaseHistory(apps[policy], startedAt).includes('Progressing') && ['Succeeded', 'Failed'].includes(c.status?.phase ?? ''),
            `finish its rollout (${plan.expect[policy].phase} expected)`,
            ROLLOUT_TIMEOUT_MS,
          ),
        ),
      );
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    } finally {
      clearInterval(redraw);
      out.status(pairLine(world.recorder.latest(apps.thresholds), world.recorder.latest(apps.judge)));
      out.settle();
    }
  } finally {
    await gate.stop();
  }
  const users: UserGroup[] = [];
  for (const { label, run } of runs) {
    const summary = await run.stop();
    users.push({ label, results: run.results(), summary });
  }
  await world.controller.flushNotifications();
  const outcomes = (['thresholds', 'judge'] as const).map((policy) => outcomeOf(world.recorder.latest(apps[policy]), apps[policy], policy, world.recorder.weightHistory(apps[policy], startedAt)));
  for (const outcome of outcomes) {
    const expected = plan.expect[outcome.policy];
    if (outcome.phase !== expected.phase || (expected.failureReason !== undefined && outcome.failureReason !== expected.failureReason)) {
      problems.push(`${outcome.app} ended ${outcome.phase ?? 'nowhere'}${outcome.failureReason ? ` (${outcome.failureReason})` : ''}, expected ${expected.phase}${expected.failureReason ? ` (${expected.failureReason})` : ''}`);
    }
  }
  const judgeApp = outcomes[1];
  const phases = world.recorder.phases.filter((p) => p.canary === apps.judge && p.at >= startedAt);
  const phaseTimes: Record<string, number> = {};
  for (const p of phases) phaseTimes[p.phase] ??= p.at;
  const slack = world.slack.received().filter((d) => d.at >= startedAt);
  return {
    name: plan.name,
    title: plan.title,
    ok: problems.length === 0,
    problems,
    startedAt,
    durationMs: Date.now() - startedAt,
    finalPhase: judgeApp.phase,
    expectedPhase: plan.expect.judge.phase,
    weights: judgeApp.weights,
    weightSamples: world.recorder.weights.filter((w) => w.split === apps.judge && w.at >= startedAt).map(({ at, canary }) => ({ at, canary })),
    splitStates: Object.fromEntries([...world.recorder.splitStates].filter(([, state]) => state.split === apps.judge)),
    phases: phases.map((p) => p.phase),
    phaseTimes,
    users,
    byVersion: tallyVersions(users),
    userErrors: users.reduce((sum, u) => sum + u.summary.errors, 0),
    slack,
    apps: outcomes,
    notes: outcomes.map((o) => `${o.app} (${o.policy === 'thresholds' ? 'threshold policy' : 'judge'}): ${o.phase ?? '?'}${o.failureReason ? ` (${o.failureReason})` : ''}, failed checks ${o.failedChecks}${o.evidence ? `; ${o.evidence}` : ''}`),
  };
}

function outcomeOf(canary: Canary | undefined, app: string, policy: Policy, weights: number[]): AppOutcome {
  const status = canary?.status ?? {};
  const check = status.lastAnalysis?.[0];
  const evidence =
    policy === 'judge'
      ? status.judge?.message
      : check?.value === undefined
        ? undefined
        : `last success rate ${Number(check.value.toFixed(2))} % (bound 99 %)`;
  return {
    app,
    policy,
    ...(status.phase === undefined ? {} : { phase: status.phase }),
    ...(status.failureReason === undefined ? {} : { failureReason: status.failureReason }),
    failedChecks: status.failedChecks ?? 0,
    ...(evidence === undefined ? {} : { evidence }),
    weights,
  };
}

// Both apps on one live line: phase, weight, and what decides each.
function pairLine(thresholds: Canary | undefined, judge: Canary | undefined): string {
  const describe = (canary: Canary | undefined, policy: Policy): string => {
    if (!canary) return '';
    const status = canary.status ?? {};
    const head = `${canary.metadata.name} ${status.phase || 'New'} ${status.canaryWeight ?? 0}%`;
    if (policy === 'thresholds') {
      const value = status.lastAnalysis?.[0]?.value;
      return `${head} success ${value === undefined ? '–' : `${Number(value.toFixed(2))}%`} (≥99) checks ${status.failedChecks ?? 0}/3`;
    }
    const comparison = status.lastAnalysis?.find((a) => a.comparison)?.comparison;
    return `${head} ${comparison?.estimate === undefined ? 'nothing compared yet' : `ratio ${comparison.estimate.toFixed(1)}× evidence ${comparison.eValue.toFixed(1)}/${comparison.bar}`}`;
  };
  return `${describe(thresholds, 'thresholds')}  |  ${describe(judge, 'judge')}`;
}

function percent(version: AppVersion): string {
  return `${Number((Number(version.env.ERROR_RATE) * 100).toFixed(2))} %`;
}
