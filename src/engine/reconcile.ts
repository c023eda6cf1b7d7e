import type { Canary, WebhookType } from '../api/canary.ts';
import { webhooksOfType } from '../api/canary-settings.ts';
import type { CanaryPhase } from '../api/canary-status.ts';
import { sameJson } from '../text/stable-json.ts';
import type { ActDecision, Action, Decision, GatherRequest } from './actions.ts';
import { hasThresholds } from './judge.ts';
import type { ComparisonObservation, ComparisonRequest, GateAnswer, MetricObservation, Observation } from './observation.ts';
import type { EventRecorder, Gates, ManualRequests, MetricsSource, Notifier, Router, StatusWriter, Workloads } from './ports.ts';

/**
 * One tick of one Canary: observe → decide (pure) → act → write status. The shell parts come in as
 * ports, so this file is the whole loop and nothing else; see ports.ts for why gates and metrics are
 * gathered as observations.
 */

/** The pure decision function (decide.ts), injected so this loop can be read without it. */
export type DecideFn = (canary: Canary, observation: Observation) => Decision;

export interface ReconcileDeps {
  decide: DecideFn;
  workloads: Workloads;
  router: Router;
  metrics: MetricsSource;
  gates: Gates;
  notifier: Notifier;
  events: EventRecorder;
  manualRequests: ManualRequests;
  statusWriter: StatusWriter;
  /** Spec problems the schema cannot express, worded for a person (empty when valid). */
  validate(canary: Canary): string[];
  /** Epoch milliseconds; a fake clock in tests. */
  now(): number;
}

/**
 * What a tick did: `conflict` means the Canary changed under us and the caller should re-read and retry;
 * `statusWritten` is false when nothing changed and nothing was written.
 */
export type ReconcileOutcome = { result: 'written'; decision: ActDecision; statusWritten: boolean } | { result: 'conflict' };

// A decision asks for gates and metrics at most once each, so more rounds than this mean a bug in decide.
const MAX_GATHER_ROUNDS = 4;

/** Runs one tick for one Canary; throws only for I/O failures the caller should back off from. */
export async function reconcileCanary(canary: Canary, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const observation = await observe(canary, deps);
  const decision = await decideWithAnswers(canary, observation, deps);

  // The router writes what this tick decided (session cookies, mirroring), so it sees the new status.
  const decided: Canary = { ...canary, status: decision.status };
  for (const action of decision.actions) await perform(isRouteAction(action) ? decided : canary, action, deps);

  // A tick that changed nothing writes nothing: idle Canaries then cost no API request at all.
  const unchanged = decision.actions.length === 0 && sameJson(canary.status ?? {}, decision.status);
  const resourceVersion = canary.metadata.resourceVersion ?? '';
  if (!unchanged && (await deps.statusWriter.write(canary, decision.status, resourceVersion)) === 'conflict') return { result: 'conflict' };

  // After the status write, so a conflict retry does not repeat them; both are best effort.
  await Promise.all([
    ...decision.events.map((event) => deps.events.record(canary, event)),
    ...decision.notifications.map((notification) => deps.notifier.notify(canary, notification)),
  ]);
  return { result: 'written', decision, statusWritten: !unchanged };
}

async function observe(canary: Canary, deps: ReconcileDeps): Promise<Observation> {
  const [workloads, router] = await Promise.all([deps.workloads.observe(canary), deps.router.observe(canary)]);
  return {
    now: deps.now(),
    target: workloads.target,
    primary: workloads.primary,
    ...(workloads.baseline === undefined ? {} : { baseline: workloads.baseline }),
    router,
    manualRequests: deps.manualRequests.pending(canary),
    deletionRequested: Boolean(canary.metadata.deletionTimestamp),
    validationErrors: deps.validate(canary),
  };
}

async function decideWithAnswers(canary: Canary, observation: Observation, deps: ReconcileDeps): Promise<ActDecision> {
  let current = observation;
  for (let round = 0; round <= MAX_GATHER_ROUNDS; round++) {
    const decision = deps.decide(canary, current);
    if (decision.kind === 'act') return decision;
    current = await gather(canary, current, decision, deps);
  }
  throw new Error(`decide kept asking for answers after ${MAX_GATHER_ROUNDS} rounds`);
}

async function gather(canary: Canary, observation: Observation, request: GatherRequest, deps: ReconcileDeps): Promise<Observation> {
  const askType = async (type: WebhookType): Promise<[WebhookType, GateAnswer[]]> => [
    type,
    await Promise.all(webhooksOfType(canary.spec.analysis, type).map((hook) => deps.gates.ask(canary, hook))),
  ];
  const [answers, metrics, comparisons] = await Promise.all([
    Promise.all(request.gates.map(askType)),
    request.metrics ? measureAll(canary, deps) : Promise.resolve(observation.metrics),
    compareAll(canary, request.comparisons ?? {}, deps),
  ]);
  const counted = Object.keys(comparisons).length > 0 ? { comparisons: { ...observation.comparisons, ...comparisons } } : {};
  return { ...observation, metrics, ...counted, gates: { ...observation.gates, ...Object.fromEntries(answers) } };
}

// Only metrics with a threshold have a value to measure; a metric with compare alone is only counted.
function measureAll(canary: Canary, deps: ReconcileDeps): Promise<MetricObservation[]> {
  const checked = (canary.spec.analysis.metrics ?? []).filter((metric) => metric.compare === undefined || hasThresholds(metric));
  return Promise.all(checked.map((metric) => deps.metrics.measure(canary, metric)));
}

async function compareAll(canary: Canary, requests: Record<string, ComparisonRequest>, deps: ReconcileDeps): Promise<Record<string, ComparisonObservation>> {
  const metrics = canary.spec.analysis.metrics ?? [];
  const counted = await Promise.all(
    Object.entries(requests).flatMap(([name, request]) => {
      const metric = metrics.find((m) => m.name === name);
      return metric === undefined ? [] : [deps.metrics.compare(canary, metric, request).then((observation) => [name, observation] as const)];
    }),
  );
  return Object.fromEntries(counted);
}

function isRouteAction(action: Action): boolean {
  return action.type === 'ensureRoute' || action.type === 'setWeights' || action.type === 'setRouteMatches' || action.type === 'removeRoute';
}

async function perform(canary: Canary, action: Action, deps: ReconcileDeps): Promise<void> {
  switch (action.type) {
    case 'ensurePrimary':
      return deps.workloads.ensurePrimary(canary);
    case 'ensureFinalizer':
      return deps.workloads.ensureFinalizer(canary);
    case 'releaseFinalizer':
      return deps.workloads.releaseFinalizer(canary);
    case 'scaleCanary':
      return deps.workloads.scaleCanary(canary, action.to);
    case 'ensureRoute':
      return deps.router.ensureRoute(canary);
    case 'removeRoute':
      return deps.router.removeRoute(canary);
    case 'setWeights':
      return deps.router.setWeights(canary, action.weights);
    case 'setRouteMatches':
      return deps.router.setRouteMatches(canary, action.matches);
    case 'promotePrimary':
      return deps.workloads.promotePrimary(canary);
    case 'ensureBaseline':
      return deps.workloads.ensureBaseline(canary);
    case 'removeBaseline':
      return deps.workloads.removeBaseline(canary);
    case 'finalize':
      return deps.workloads.finalize(canary);
    case 'runHooks': {
      // Fire and forget: post-rollout answers change nothing, and a dead hook must not hold the tick. The
      // payload carries the phase being entered (Succeeded/Failed), not the one the status still shows.
      const entering = { ...canary, status: { ...canary.status, phase: action.phase as CanaryPhase } };
      for (const hook of webhooksOfType(canary.spec.analysis, action.hookType)) void deps.gates.ask(entering, hook);
      return;
    }
  }
}

