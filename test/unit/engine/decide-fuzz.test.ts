import fc from 'fast-check';
import { MANUAL_REQUEST_KINDS, type ManualRequest } from '../../../src/api/annotations.ts';
import type { Canary, CanaryAnalysis, CanaryWebhook, WebhookType } from '../../../src/api/canary.ts';
import { strategyOf } from '../../../src/engine/strategy.ts';
import { validator } from './world-fixtures.ts';
import { MINUTE, World, readyWorkload, unreadyWorkload } from './world.ts';

/**
 * `decide`, through the real reconcile loop on the engine's World, over generated runs: a Canary with
 * any consistent strategy, gates and threshold, and a generated sequence of ticks in which time jumps,
 * metrics pass, fail, have no data or error, gates open and close, Deployments are (not) ready, new
 * revisions arrive and people send requests. At every tick: no crash, weights that sum to 100, never a
 * step past the last step (the one that reaches maxWeight, taken whole as Flagger does) or more than one
 * step at a time, never a promotion without the passes it needs, and the kstatus conditions consistent. Seeded (KANARI_FUZZ_SEED), bounded, KANARI_FUZZ_SCALE for more.
 */

const SEED = Number(process.env.KANARI_FUZZ_SEED ?? 1616);
const SCALE = Number(process.env.KANARI_FUZZ_SCALE ?? 1);
const GATED: WebhookType[] = ['confirm-rollout', 'pre-rollout', 'rollout', 'confirm-traffic-increase', 'confirm-promotion', 'rollback'];

type MetricOutcome = 'pass' | 'fail' | 'no-data' | 'error';

interface TickInput {
  advanceMs: number;
  metric: MetricOutcome;
  closedGates: WebhookType[];
  canaryReady: boolean;
  primaryReady: boolean;
  newRevision: boolean;
  request: ManualRequest['kind'] | undefined;
}

const strategy = fc.oneof(
  fc.integer({ min: 1, max: 100 }).chain((stepWeight) => fc.record({ stepWeight: fc.constant(stepWeight), maxWeight: fc.option(fc.integer({ min: stepWeight, max: 100 }), { nil: undefined }) }, { requiredKeys: ['stepWeight'] })),
  fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }).map((w) => ({ stepWeights: [...w].sort((a, b) => a - b) })),
  fc.record({ iterations: fc.integer({ min: 1, max: 6 }) }),
);

const tick: fc.Arbitrary<TickInput> = fc.record({
  advanceMs: fc.constantFrom(0, 10_000, MINUTE, MINUTE + 1, 5 * MINUTE, 11 * MINUTE),
  metric: fc.oneof({ weight: 6, arbitrary: fc.constant<MetricOutcome>('pass') }, { weight: 1, arbitrary: fc.constantFrom<MetricOutcome>('fail', 'no-data', 'error') }),
  closedGates: fc.subarray(GATED, { maxLength: 2 }),
  canaryReady: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  primaryReady: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  newRevision: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  request: fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...MANUAL_REQUEST_KINDS) }),
});

const run = fc.record({
  strategy,
  threshold: fc.integer({ min: 1, max: 4 }),
  stepWeightPromotion: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  gates: fc.subarray(GATED),
  metrics: fc.boolean(),
  skipAnalysis: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  ticks: fc.array(tick, { minLength: 10, maxLength: 60 }),
});

/** What the test remembers about the run under way, to judge a promotion. */
interface RunMemory {
  passes: number;
  waived: boolean;
}

type RunInput = typeof run extends fc.Arbitrary<infer T> ? T : never;

/** The Canary of a run, validated (defaults applied) as the controller hands it to the engine. */
function canaryOf(analysis: Partial<CanaryAnalysis>, skipAnalysis: boolean): Canary {
  const result = validator.validateCanary({
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test', generation: 1, resourceVersion: '1' },
    spec: { targetRef: { kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, skipAnalysis, analysis: { interval: '1m', ...analysis } },
  });
  if (!result.valid) throw new Error(`generated Canary is invalid: ${JSON.stringify(result.errors)}`);
  return result.value;
}

async function play(input: RunInput): Promise<void> {
  const analysis: Partial<CanaryAnalysis> = {
    ...input.strategy,
    threshold: input.threshold,
    ...(input.stepWeightPromotion !== undefined && 'stepWeight' in input.strategy ? { stepWeightPromotion: input.stepWeightPromotion } : {}),
    webhooks: input.gates.map((type: WebhookType): CanaryWebhook => ({ name: `${type}-hook`, type, url: `http://hooks/${type}` })),
    metrics: input.metrics ? [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } }] : [],
  };
  const world = new World(canaryOf(analysis, input.skipAnalysis));
  const kind = strategyOf(world.canary.spec.analysis);
  // The highest weight a run may reach: the step that reaches maxWeight (or the last stepWeights entry), taken whole.
  const max = sequence(world.canary.spec.analysis).at(-1) ?? 100;
  let current: TickInput = input.ticks[0];
  world.metrics = (name) => {
    if (current.metric === 'pass') return { name, result: 'value', value: 99.9 };
    if (current.metric === 'fail') return { name, result: 'value', value: 80 };
    if (current.metric === 'no-data') return { name, result: 'no-data', reason: 'zero requests' };
    return { name, result: 'error', reason: 'connection refused', errorReason: 'ProviderUnreachable' };
  };
  world.gates = (type) => (type === 'rollback' ? current.closedGates.includes('rollback') : !current.closedGates.includes(type));
  const memory: RunMemory = { passes: 0, waived: input.skipAnalysis };
  // One annotation per kind, as `kanari <request>` writes them: a new request replaces the last of its kind.
  const requests = new Map<ManualRequest['kind'], ManualRequest>();

  for (const [i, next] of input.ticks.entries()) {
    current = next;
    world.clock.advance(next.advanceMs);
    if (next.newRevision) world.newRevision(`rev-${i + 2}`);
    if (next.request) requests.set(next.request, { kind: next.request, id: `r${i}`, requestedBy: 'fuzz' });
    world.manualRequests = [...requests.values()];
    if (world.primary) world.primary = next.primaryReady ? readyWorkload() : unreadyWorkload();
    if (world.target.desiredReplicas > 0) world.target = next.canaryReady ? readyWorkload(world.target.desiredReplicas) : unreadyWorkload(world.target.desiredReplicas);
    const before = world.status;
    const step = await world.tick();
    check(world, step.decision, before, memory, { kind, max, analysis: world.canary.spec.analysis, requested: next.request });
  }
}

/** The invariants of one tick; throws with what broke and the status around it. */
function check(
  world: World,
  decision: Awaited<ReturnType<World['tick']>>['decision'],
  before: World['status'],
  memory: RunMemory,
  run: { kind: string; max: number; analysis: CanaryAnalysis; requested: ManualRequest['kind'] | undefined },
): void {
  const problems: string[] = [];
  const status = decision.status;
  const events = decision.events.map((e) => e.reason);
  if (events.includes('Synced')) Object.assign(memory, { passes: 0, waived: world.canary.spec.skipAnalysis === true });
  if (run.requested === 'promote' || run.requested === 'promote-full') memory.waived = true;
  memory.passes += events.filter((reason) => reason === 'Advance').length;
  const previous = before.canaryWeight ?? 0;
  // Not a step: a failed promotion hands all traffic to the canary, which runs the validated revision.
  const handedOver = events.includes('PromotionFailed') || status.failureReason === 'PromotionFailed';
  for (const action of decision.actions) {
    if (action.type !== 'setWeights') continue;
    const { canary, primary } = action.weights;
    if (canary + primary !== 100 || canary < 0 || canary > 100 || !Number.isInteger(canary)) problems.push(`weights ${canary}/${primary}`);
    if (run.kind === 'canary' && canary > run.max && !handedOver) problems.push(`canary weight ${canary} past the last step ${run.max}`);
    if (run.kind === 'canary' && before.phase === 'Progressing' && canary > previous && canary !== nextWeight(run.analysis, previous)) {
      problems.push(`stepped ${previous} → ${canary}, not one step`);
    }
  }
  if (run.kind === 'canary' && (status.canaryWeight ?? 0) > run.max && !handedOver) problems.push(`status weight ${status.canaryWeight} past the last step ${run.max}`);
  if (decision.actions.some((action) => action.type === 'promotePrimary') && !memory.waived) {
    const needed = run.kind === 'canary' ? stepsTo(run.analysis) : (run.analysis.iterations ?? 1);
    if (memory.passes < needed) problems.push(`promoted after ${memory.passes} passed checks, ${needed} needed`);
    if ((status.lastAnalysis ?? []).some((result) => result.result !== 'pass')) problems.push(`promoted on a failed check: ${JSON.stringify(status.lastAnalysis)}`);
  }
  if ((status.failedChecks ?? 0) > (run.analysis.threshold ?? 1)) problems.push(`failedChecks ${status.failedChecks} above the threshold`);
  // A rollback sends everything back to the primary; a promotion whose primary never became ready keeps it all on the canary (Flagger's rule).
  const failedWeight = status.failureReason === 'PromotionFailed' ? 100 : 0;
  if (status.phase === 'Failed' && (status.canaryWeight ?? 0) !== failedWeight) problems.push(`Failed (${status.failureReason}) at canary weight ${status.canaryWeight}`);
  const trueOnes = ['Ready', 'Reconciling', 'Stalled'].filter((type) => status.conditions?.some((c) => c.type === type && c.status === 'True'));
  if (trueOnes.length !== 1) problems.push(`kstatus conditions True: ${trueOnes.join(', ') || 'none'}`);
  if (status.observedGeneration !== world.canary.metadata.generation) problems.push('observedGeneration behind');
  if (problems.length > 0) throw new Error(`${problems.join('; ')} (phase ${before.phase} → ${status.phase}, events ${events.join(', ')})`);
}

/**
 * The weight after `current`, computed here from the spec (not with the engine's own function), as
 * Flagger steps: the next `stepWeights` entry, or `current + stepWeight`; the step that reaches the max
 * weight is taken whole, only 100 caps it.
 */
function nextWeight(analysis: CanaryAnalysis, current: number): number {
  const candidate = analysis.stepWeights ? (analysis.stepWeights.find((w) => w > current) ?? 100) : current + (analysis.stepWeight ?? 100);
  return Math.min(candidate, 100);
}

/** The weights of a whole run: from 0 up to the first that reaches the max weight. */
function sequence(analysis: CanaryAnalysis): number[] {
  const max = analysis.stepWeights ? analysis.stepWeights[analysis.stepWeights.length - 1] : (analysis.maxWeight ?? 100);
  const weights = [0];
  while (weights[weights.length - 1] < max) weights.push(nextWeight(analysis, weights[weights.length - 1]));
  return weights;
}

/** Passed checks a canary run needs before promotion: the pre-rollout step to the first weight, then one per step. */
function stepsTo(analysis: CanaryAnalysis): number {
  return sequence(analysis).length - 1;
}

test('generated runs: no crash, weights sum to 100, no step past the maximum or skipped, no promotion without its passes', async () => {
  await fc.assert(
    fc.asyncProperty(run, async (input) => play(input)),
    { seed: SEED, numRuns: Math.round(1000 * SCALE) },
  );
});
