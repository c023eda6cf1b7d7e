import type { Canary } from '../api/canary.ts';
import { analysisInterval, webhookTypeOf } from '../api/canary-settings.ts';
import type { CanaryStatus } from '../api/canary-status.ts';
import type { Action, EngineEvent } from '../engine/actions.ts';
import { FakeClock } from '../time/clock.ts';
import { decide } from '../engine/decide.ts';
import { createPhaseMachine } from '../engine/machine.ts';
import type { MetricsSource } from '../engine/ports.ts';
import type { Weights, WorkloadObservation } from '../engine/observation.ts';
import { reconcileCanary, type ReconcileDeps } from '../engine/reconcile.ts';
import { nextDueTime } from '../engine/scheduler.ts';

/**
 * One Canary's analysis replayed over a past window: the real decision core (`reconcileCanary` with
 * `decide`) runs on a clock that starts at the release and moves one due time at a time, while the
 * metrics are read from history at each tick's instant. Deployments are ready at once, webhooks
 * approve (a rollback hook never asks for a rollback), nothing is written anywhere: what comes out is
 * what the analysis would have decided, and when.
 */

/** One tick that did something: its time, the canary weight after it, and its Events. */
export interface ReplayedTick {
  time: number;
  weight: number;
  phase: string;
  events: EngineEvent[];
  status: CanaryStatus;
}

/** How the replay ended: promotion started, rolled back, or still undecided at the window's end. */
export interface ReplayOutcome {
  decision: 'promote' | 'rollback' | 'undecided';
  /** When it was decided (the window's end when undecided). */
  time: number;
  /** The rollback reason (`FailedChecks`, `CanaryWorseThanPrimary`…), or why it is undecided. */
  reason?: string;
  /** The Event that says it in words. */
  message?: string;
  /** Analysis intervals that passed until the decision. */
  intervals: number;
}

export interface ReplayResult {
  ticks: ReplayedTick[];
  outcome: ReplayOutcome;
}

const READY: WorkloadObservation = { exists: true, desiredReplicas: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGenerationCurrent: true };

/** Replays `canary`'s analysis from `from` (when the new revision shipped) until it decides or `to` passes. */
export async function replayAnalysis(canary: Canary, metrics: (clock: FakeClock) => MetricsSource, from: number, to: number): Promise<ReplayResult> {
  const clock = new FakeClock(from);
  const machine = createPhaseMachine();
  let current: Canary = { ...canary, metadata: { ...canary.metadata, resourceVersion: '1' }, status: undefined };
  let revision = 'released-before';
  let weights: Weights | undefined;
  let baseline = false;
  let events: EngineEvent[] = [];
  const act = (action: Action) => {
    if (action.type === 'setWeights') weights = action.weights;
    if (action.type === 'ensureBaseline') baseline = true;
    if (action.type === 'removeBaseline') baseline = false;
  };
  const deps: ReconcileDeps = {
    decide: (c, observation) => decide(c, observation, machine),
    workloads: {
      observe: async () => ({ target: { ...READY, revision, trackedConfigs: {} }, primary: READY, ...(baseline ? { baseline: READY } : {}) }),
      ensurePrimary: async () => {},
      scaleCanary: async () => {},
      syncAutoscaler: async () => {},
      promotePrimary: async () => {},
      ensureBaseline: async () => act({ type: 'ensureBaseline' }),
      removeBaseline: async () => act({ type: 'removeBaseline' }),
      finalize: async () => {},
      ensureFinalizer: async () => {},
      releaseFinalizer: async () => {},
    },
    router: {
      observe: async () => ({ available: true, abTesting: true, ...(weights ? { weights } : {}) }),
      ensureRoute: async () => {},
      removeRoute: async () => {},
      setWeights: async (_c, w) => act({ type: 'setWeights', weights: w }),
      setRouteMatches: async () => {},
    },
    metrics: metrics(clock),
    gates: { ask: async (_c, hook) => ({ name: hook.name, type: webhookTypeOf(hook), ok: webhookTypeOf(hook) !== 'rollback' }) },
    notifier: { notify: async () => {} },
    events: { record: async (_c, event) => void events.push(event) },
    manualRequests: { pending: () => [] },
    statusWriter: {
      write: async (c, status) => {
        current = { ...c, metadata: { ...c.metadata, resourceVersion: String(Number(c.metadata.resourceVersion ?? '1') + 1) }, status };
        return 'written';
      },
    },
    validate: () => [],
    now: () => clock.now(),
  };
  const tick = async () => {
    events = [];
    await reconcileCanary(current, deps);
    return events;
  };

  // Initialize with the old revision, then ship the new one at `from`: the first step's weight is set at once.
  for (let i = 0; i < 3 && current.status?.phase !== 'Initialized'; i++) await tick();
  revision = 'released';
  const ticks: ReplayedTick[] = [];
  let intervals = 0;
  for (let i = 0; i < 10_000; i++) {
    const happened = await tick();
    const phase = current.status?.phase ?? '';
    if (happened.length > 0) ticks.push({ time: clock.now(), weight: current.status?.canaryWeight ?? 0, phase, events: happened, status: structuredClone(current.status ?? {}) });
    // An analysis interval is one whose metrics were checked at this tick.
    if ((current.status?.lastAnalysis ?? []).some((result) => Date.parse(result.time) === clock.now())) intervals++;
    const decided = outcomeOf(current.status ?? {}, happened, clock.now(), intervals);
    if (decided !== undefined) return { ticks, outcome: decided };
    // A tick that changed something may be followed at once (a run starts, then takes its first step).
    const due = nextDueTime(current, clock.now());
    const next = due > clock.now() || happened.length > 0 ? due : clock.now() + analysisInterval(current.spec.analysis).milliseconds;
    if (next > to) break;
    clock.advance(next - clock.now());
  }
  return { ticks, outcome: { decision: 'undecided', time: to, reason: `no decision by the end of the window (phase ${current.status?.phase ?? 'new'})`, intervals } };
}

function outcomeOf(status: CanaryStatus, events: EngineEvent[], time: number, intervals: number): ReplayOutcome | undefined {
  if (status.phase === 'Failed') {
    const event = events.find((e) => e.reason === status.failureReason) ?? events.find((e) => e.eventType === 'Warning');
    return { decision: 'rollback', time, reason: status.failureReason, message: event?.message, intervals };
  }
  if (status.phase === 'Promoting' || status.phase === 'Finalising' || status.phase === 'Succeeded') {
    const event = events.find((e) => e.reason === 'Promoting');
    return { decision: 'promote', time, message: event?.message, intervals };
  }
  return undefined;
}
