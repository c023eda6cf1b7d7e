import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import type { Canary, CanaryWebhook } from '../../../src/api/canary.ts';
import { ArgoHealthScript, type ArgoHealth } from '../../helpers/gitops/argocd-health.ts';
import { fluxHealth, type HealthCheckExprs } from '../../helpers/gitops/flux-health.ts';
import { kstatus, type KstatusStatus } from '../../helpers/gitops/kstatus.ts';
import { MINUTE, World, initializedWorld, makeCanary, quickAnalysis, unreadyWorkload } from './world.ts';

/**
 * Canaries in every phase, as the real engine writes them, judged three ways: by kstatus's documented
 * rules (what Flux's generic health check applies), by the Flux CEL health expressions of
 * examples/gitops evaluated with a real CEL library, and by the Argo CD Lua health script of
 * examples/gitops run in a real Lua interpreter. All three must agree with the table in docs/gitops.md.
 */

const examples = new URL('../../../examples/gitops/', import.meta.url);
const argoScript = (parse(readFileSync(new URL('argocd/argocd-cm.yaml', examples), 'utf8')) as { data: Record<string, string> }).data[
  'resource.customizations.health.kanari.dev_Canary'
];
const fluxExprs = parseAllDocuments(readFileSync(new URL('flux/kustomization.yaml', examples), 'utf8'))
  .map((doc) => doc.toJS() as { kind: string; spec: { healthCheckExprs?: HealthCheckExprs[] } })
  .find((doc) => doc.kind === 'Kustomization')!
  .spec.healthCheckExprs!.find((entry) => entry.kind === 'Canary')!;

const hook = (type: CanaryWebhook['type'], name: string): CanaryWebhook => ({ name, type, url: `http://hooks/${name}` });
const good = (name: string) => ({ name, result: 'value' as const, value: name === 'request-duration' ? 120 : 99.9 });
const bad = (name: string) => ({ name, result: 'value' as const, value: name === 'request-duration' ? 120 : 80 });

interface Case {
  label: string;
  canary: Canary;
  /** What Flux should conclude: the release is done, under way, or failed. */
  expected: KstatusStatus;
}

/** Drives the World through every phase and state a GitOps tool can meet, keeping a copy of each. */
async function canariesInEveryPhase(): Promise<Case[]> {
  const cases: Case[] = [];
  const keep = (label: string, world: World, expected: KstatusStatus) => cases.push({ label, canary: structuredClone(world.canary), expected });

  const fresh = new World(makeCanary());
  cases.push({ label: 'new, not yet seen by Kanari', canary: structuredClone(fresh.canary), expected: 'InProgress' });
  await fresh.tick();
  fresh.primary = unreadyWorkload();
  await fresh.tick();
  keep('Initializing', fresh, 'InProgress');
  fresh.clock.advance(11 * MINUTE);
  await fresh.tick();
  keep('Initializing past its progress deadline', fresh, 'Failed');

  const run = await initializedWorld(makeCanary(quickAnalysis()));
  run.metrics = good;
  keep('Initialized', run, 'Current');
  run.newRevision('rev-2');
  await run.tick();
  keep('Progressing at weight 0 (new revision detected)', run, 'InProgress');
  run.clock.advance(MINUTE);
  await run.tick();
  keep('Progressing at weight 20', run, 'InProgress');
  run.annotate('pause', 'alice');
  await run.tick();
  keep('Progressing, paused', run, 'InProgress');
  run.annotate('resume', 'alice');
  run.primaryReadyAfterPromotion = false;
  await run.runUntil(['Promoting']);
  keep('Promoting (primary rolling out)', run, 'InProgress');
  run.primary = { ...run.primary!, readyReplicas: 2, availableReplicas: 2 };
  await run.runUntil(['Finalising']);
  keep('Finalising', run, 'InProgress');
  await run.runUntil(['Succeeded']);
  keep('Succeeded', run, 'Current');
  run.canary = { ...run.canary, metadata: { ...run.canary.metadata, generation: 2 } };
  keep('Succeeded, spec edited and not yet observed', run, 'InProgress');
  await run.tick();
  keep('Succeeded, new spec observed', run, 'Current');

  run.metrics = bad;
  run.newRevision('rev-3');
  await run.runUntil(['Failed']);
  keep('Failed (rolled back)', run, 'Failed');
  run.clock.advance(MINUTE);
  await run.tick();
  keep('Failed, time passing', run, 'Failed');
  run.metrics = good;
  run.newRevision('rev-4');
  await run.tick();
  keep('Progressing again after a failure (new revision)', run, 'InProgress');

  const gated = await initializedWorld(makeCanary(quickAnalysis({ webhooks: [hook('confirm-rollout', 'rollout-ok'), hook('confirm-promotion', 'promote-ok')] })));
  gated.metrics = good;
  let rolloutOpen = false;
  gated.gates = (type) => (type === 'confirm-rollout' ? rolloutOpen : type !== 'rollback' && type !== 'confirm-promotion');
  gated.newRevision('rev-2');
  await gated.tick();
  keep('Waiting (confirm-rollout closed)', gated, 'InProgress');
  rolloutOpen = true;
  gated.clock.advance(MINUTE);
  await gated.runUntil(['WaitingPromotion']);
  keep('WaitingPromotion (confirm-promotion closed)', gated, 'InProgress');

  const invalid = await initializedWorld(makeCanary());
  invalid.validationErrors = ['analysis.metrics[0].templateRef: MetricTemplate "missing" not found'];
  await invalid.tick();
  keep('InvalidSpec', invalid, 'Failed');

  const orphan = await initializedWorld(makeCanary());
  orphan.target = { ...orphan.target, exists: false };
  await orphan.tick();
  keep('TargetNotFound (the Deployment may still be applied)', orphan, 'InProgress');

  const deleted = await initializedWorld(makeCanary({}, { revertOnDeletion: true }));
  deleted.requestDeletion();
  await deleted.tick();
  keep('Terminating', deleted, 'Terminating');
  return cases;
}

let cases: Case[];
let argo: ArgoHealthScript;

beforeAll(async () => {
  cases = await canariesInEveryPhase();
  argo = await ArgoHealthScript.load(argoScript);
});
afterAll(() => argo?.close());

const caseOf = (label: string) => cases.find((c) => c.label === label)!;
const argoFor: Record<KstatusStatus, ArgoHealth['status']> = { Current: 'Healthy', InProgress: 'Progressing', Failed: 'Degraded', Terminating: 'Progressing' };
const conditionsOf = (canary: Canary) => Object.fromEntries((canary.status?.conditions ?? []).map((c) => [c.type, c.status]));

test('the scenarios reach every phase a Canary can be in', () => {
  const phases = new Set<string>(cases.map((c) => c.canary.status?.phase ?? ''));
  for (const phase of ['', 'Initializing', 'Initialized', 'Waiting', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising', 'Succeeded', 'Failed', 'Terminating']) {
    expect([phase, phases.has(phase)]).toEqual([phase, true]);
  }
});

test('once Kanari has written a status, exactly one of Ready, Reconciling and Stalled is True, for the generation observed', () => {
  for (const { label, canary } of cases.filter((c) => c.canary.status?.conditions)) {
    const conditions = conditionsOf(canary);
    const trueOnes = ['Ready', 'Reconciling', 'Stalled'].filter((type) => conditions[type] === 'True');
    expect([label, trueOnes.length]).toEqual([label, 1]);
    for (const condition of canary.status!.conditions!) expect([label, condition.observedGeneration]).toEqual([label, canary.status!.observedGeneration]);
  }
});

describe.each([
  ['without', false],
  ['with', true],
])('kstatus rules %s the Ready fallback', (_name, readyRule) => {
  test('every phase gets the verdict of docs/gitops.md', () => {
    for (const { label, canary, expected } of cases) {
      // A Canary no controller has written to carries no condition at all: kstatus calls that Current (see docs/gitops.md).
      const want = label === 'new, not yet seen by Kanari' ? 'Current' : expected;
      expect([label, kstatus(canary, { readyRule })]).toEqual([label, want]);
    }
  });
});

test('Flux CEL health expressions of the example agree with kstatus in every phase, and wait for a first status', () => {
  for (const { label, canary, expected } of cases) {
    // Flux reads the deletion from the object itself; the expressions judge the conditions only.
    const want = expected === 'Terminating' ? 'InProgress' : expected;
    expect([label, fluxHealth(fluxExprs, JSON.parse(JSON.stringify(canary)))]).toEqual([label, want]);
  }
});

test('the Argo CD Lua health script of the example agrees in every phase, with the reason in its message', async () => {
  for (const { label, canary, expected } of cases) {
    const health = await argo.evaluate(canary);
    expect([label, health.status]).toEqual([label, argoFor[expected]]);
  }
  expect((await argo.evaluate(caseOf('Failed (rolled back)').canary)).message).toMatch(/^FailedChecks: Canary analysis failed: the failed checks reached the threshold; revision rev-3 was rolled back/);
  expect((await argo.evaluate(caseOf('InvalidSpec').canary)).message).toMatch(/^InvalidSpec: .*MetricTemplate "missing" not found/);
  expect((await argo.evaluate(caseOf('Progressing at weight 20').canary)).message).toBe('Progressing: Revision rev-2 is being rolled out (Progressing, canary weight 20).');
  expect((await argo.evaluate(caseOf('Succeeded, spec edited and not yet observed').canary)).message).toBe('Waiting for Kanari to observe generation 2');
});

test('a whole release as Flux polls it: never Current before promotion, Failed after a rollback until the next revision', async () => {
  const world = await initializedWorld(makeCanary(quickAnalysis()));
  world.metrics = good;
  const verdicts: string[] = [];
  const poll = () => {
    const verdict = kstatus(world.canary, { readyRule: false });
    if (verdicts.at(-1) !== verdict) verdicts.push(verdict);
  };
  poll();
  world.newRevision('rev-2');
  for (let i = 0; i < 20 && world.phase !== 'Succeeded'; i++) {
    await world.tick();
    poll();
    world.clock.advance(MINUTE);
  }
  world.metrics = bad;
  world.newRevision('rev-3');
  for (let i = 0; i < 20 && world.phase !== 'Failed'; i++) {
    await world.tick();
    poll();
    world.clock.advance(MINUTE);
  }
  await world.run(3);
  poll();
  world.metrics = good;
  world.newRevision('rev-4');
  await world.tick();
  poll();
  expect(verdicts).toEqual(['Current', 'InProgress', 'Current', 'InProgress', 'Failed', 'InProgress']);
});

test('the Argo CD script is Lua 5.1, as Argo CD runs it (gopher-lua): none of 5.2+ syntax or library', () => {
  const code = argoScript.replace(/--[^\n]*/g, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const newer of [/\bgoto\b/, /::\w+::/, /\/\//, /[&|]/, /~(?!=)/, /<<|>>/, /<const>|<close>/, /\butf8\./, /\btable\.(?:move|pack|unpack)\b/, /\bmath\.type\b/, /\bstring\.pack\b/, /\b_ENV\b/]) {
    expect([String(newer), newer.test(code)]).toEqual([String(newer), false]);
  }
});
