/**
 * A release as a person makes one: users keep calling the app through the mesh, a new version is
 * shipped by changing the Deployment, and Kanari's controller takes it from there. The scenario only
 * watches — the progress line, what Slack received — and then checks what it expected.
 */
import type { Canary } from '../api/canary.ts';
import { startLoad, type LoadRun } from '../sandbox/loadgen/load-generator.ts';
import { formatMetricValue } from '../text/metric-value.ts';
import { LOAD_SERVICE_ACCOUNT, PLAYGROUND_NAMESPACE, type AppVersion } from './playground-world.ts';
import { progressKey, progressLine } from './progress-view.ts';
import { tallyVersions, type Scenario, type ScenarioContext, type ScenarioResult, type UserGroup } from './scenario.ts';

/** Users of one group: how many requests a second, with which headers. */
export interface UserLoad {
  label: string;
  rps: number;
  headers?: Record<string, string>;
}

/** Everything a rollout scenario needs to know. */
export interface RolloutPlan {
  name: string;
  title: string;
  app: string;
  analysis: Canary['spec']['analysis'];
  /** What runs before the release when the app is not deployed yet. */
  base: AppVersion;
  next: AppVersion;
  expectPhase: 'Succeeded' | 'Failed';
  users: UserLoad[];
  /** Scenario-specific expectations: returns problems (empty when all held) and summary notes. */
  check(result: ScenarioResult): { problems: string[]; notes: string[] };
}

const INITIALIZE_TIMEOUT_MS = 30_000;
const ROLLOUT_TIMEOUT_MS = 60_000;
const TERMINAL_PHASES = ['Succeeded', 'Failed'];

/** Deploys the app and its Canary unless they exist, and waits for the Canary to be initialized. */
export async function ensureApp(context: ScenarioContext, app: string, base: AppVersion, analysis: Canary['spec']['analysis']): Promise<void> {
  const { world, out } = context;
  if (world.recorder.latest(app)) return;
  out.line(`  deploying ${app} ${base.env.VERSION ?? base.image} (2 replicas) and its Canary…`);
  await world.deploy(app, base, analysis);
  await world.recorder.waitFor(app, (c) => c.status?.phase === 'Initialized', 'be initialized', INITIALIZE_TIMEOUT_MS);
  await world.apex(app);
  out.line(`  ${app} initialized: ${app}-primary serves ${base.env.VERSION ?? base.image}; ${world.router === 'gatewayapi' ? 'HTTPRoute' : 'TrafficSplit'} ${app} sends it 100%`);
}

/** A scenario from a plan. */
export function rolloutScenario(plan: RolloutPlan): Scenario {
  return {
    name: plan.name,
    title: plan.title,
    run: (context) => runRollout(context, plan),
  };
}

async function runRollout(context: ScenarioContext, plan: RolloutPlan): Promise<ScenarioResult> {
  const { world, out } = context;
  await ensureApp(context, plan.app, plan.base, plan.analysis);
  const apex = await world.apex(plan.app);
  const startedAt = Date.now();
  const runs: { load: UserLoad; run: LoadRun }[] = plan.users.map((load, i) => ({
    load,
    run: startLoad({ url: apex.url, rps: load.rps, headers: load.headers, sourceServiceAccount: `${PLAYGROUND_NAMESPACE}/${LOAD_SERVICE_ACCOUNT}`, seed: `${context.seed}/${plan.name}/${i}` }),
  }));
  out.line(`  ${usersLine(plan.users)}`);
  out.line(`  shipping ${plan.next.env.VERSION ?? plan.next.image}: image ${plan.next.image}${describeEnv(plan.next.env)}`);

  const draw = (canary: Canary | undefined): void => {
    if (!canary) return;
    const weight = world.recorder.weightHistory(plan.app).at(-1);
    out.status(`${progressLine(canary, weight)}  ${((Date.now() - startedAt) / 1000).toFixed(1)}s`, progressKey(canary, weight));
  };
  const unsubscribe = world.recorder.onCanary((canary) => {
    if (canary.metadata.name === plan.app) draw(canary);
  });
  const redraw = setInterval(() => draw(world.recorder.latest(plan.app)), 250);
  let finished: Canary | undefined;
  const problems: string[] = [];
  try {
    await world.ship(plan.app, plan.next);
    finished = await world.recorder.waitFor(
      plan.app,
      (c) => world.recorder.phaseHistory(plan.app, startedAt).includes('Progressing') && TERMINAL_PHASES.includes(c.status?.phase ?? ''),
      `finish its rollout (${plan.expectPhase} expected)`,
      ROLLOUT_TIMEOUT_MS,
    );
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    clearInterval(redraw);
    unsubscribe();
    draw(world.recorder.latest(plan.app));
    out.settle();
  }
  const users: UserGroup[] = [];
  for (const { load, run } of runs) {
    const summary = await run.stop();
    users.push({ label: load.label, results: run.results(), summary });
  }
  // The last notification is sent without waiting on the status write; let it land before reading.
  await world.controller.flushNotifications();
  const phases = world.recorder.phases.filter((p) => p.canary === plan.app && p.at >= startedAt);
  const phaseTimes: Record<string, number> = {};
  for (const p of phases) phaseTimes[p.phase] ??= p.at;
  const result: ScenarioResult = {
    name: plan.name,
    title: plan.title,
    ok: false,
    problems,
    startedAt,
    durationMs: Date.now() - startedAt,
    finalPhase: finished?.status?.phase ?? world.recorder.latest(plan.app)?.status?.phase,
    expectedPhase: plan.expectPhase,
    analysis: plan.analysis,
    iterations: (finished ?? world.recorder.latest(plan.app))?.status?.iterations,
    weights: world.recorder.weightHistory(plan.app, startedAt),
    weightSamples: world.recorder.weights.filter((w) => w.split === plan.app && w.at >= startedAt).map(({ at, canary }) => ({ at, canary })),
    splitStates: Object.fromEntries([...world.recorder.splitStates].filter(([, state]) => state.split === plan.app)),
    phases: phases.map((p) => p.phase),
    phaseTimes,
    users,
    byVersion: tallyVersions(users),
    userErrors: users.reduce((sum, u) => sum + u.summary.errors, 0),
    slack: world.slack.received().filter((d) => d.at >= startedAt),
    notes: [],
  };
  if (result.finalPhase !== plan.expectPhase) problems.push(`the Canary ended ${result.finalPhase ?? 'nowhere'}, expected ${plan.expectPhase}${whyText(world.recorder.latest(plan.app))}`);
  const checked = plan.check(result);
  result.problems.push(...checked.problems);
  result.notes.push(...checked.notes);
  result.ok = result.problems.length === 0;
  return result;
}

// Why a run ended where it did: the failure reason and the checks that did not pass.
function whyText(canary: Canary | undefined): string {
  const status = canary?.status;
  if (!status) return '';
  const failing = (status.lastAnalysis ?? [])
    .filter((a) => a.result !== 'pass')
    .map((a) => `${a.metric} ${a.result}${a.value === undefined ? '' : ` ${formatMetricValue(a.metric, a.value)}`}${a.reason ? `: ${a.reason}` : ''}`);
  const parts = [status.failureReason, ...failing].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** "traffic: 50 requests/s from users", or per group: "traffic: 20 requests/s from insiders (x-canary: insider), 30 requests/s from everyone else". */
export function usersLine(users: readonly UserLoad[]): string {
  const groups = users.map((u) => `${u.rps} requests/s from ${u.label}${u.headers ? ` (${Object.entries(u.headers).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
  return `traffic: ${groups.join(', ')}`;
}

function describeEnv(env: Record<string, string>): string {
  const faults = Object.entries(env).filter(([name]) => name !== 'VERSION');
  return faults.length > 0 ? `, ${faults.map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
}
