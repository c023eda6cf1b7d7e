import type { Canary, CanaryMatch, CanarySpec, WebhookType } from '../../../src/api/canary.ts';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { manualRequestsFromAnnotations, requestAnnotation, type ManualRequest, type ManualRequestKind } from '../../../src/api/annotations.ts';
import type { Action, ActDecision, EngineEvent, Notification } from '../../../src/engine/actions.ts';
import { FakeClock } from '../../../src/time/clock.ts';
import { decide } from '../../../src/engine/decide.ts';
import { createPhaseMachine } from '../../../src/engine/machine.ts';
import type { ComparisonObservation, ComparisonRequest, MetricObservation, Observation, RouteStatusObservation, Weights, WorkloadObservation } from '../../../src/engine/observation.ts';
import { reconcileCanary, type ReconcileDeps } from '../../../src/engine/reconcile.ts';
import { MINUTE, START, readyWorkload, validator } from './world-fixtures.ts';
import { WorldScheduler } from './world-scheduler.ts';
import { playAction } from './world-actions.ts';

/**
 * A cluster made of plain values for the engine: the World implements every port of src/engine/ports.ts
 * (workloads, router, metrics, gates, notifier, events, manual requests, status writer) and runs the
 * real `reconcileCanary` on them, with the time of a FakeClock. The Deployment controller's part is played
 * instantly: a scaled-up canary is ready at once unless told otherwise. Ticks happen when a test calls
 * `tick()`, or, after `start()`, when the real Scheduler says they are due as the clock advances.
 */

export { MINUTE, START, makeCanary, quickAnalysis, readyWorkload, unreadyWorkload } from './world-fixtures.ts';

/** A webhook's answer: open or closed, with the reason the shell would give (the answer's body). */
export type GateScript = (type: WebhookType, name: string, world: World) => boolean | { ok: boolean; reason?: string };
export type MetricScript = (name: string, world: World) => MetricObservation;
/** What the shell counted for a compared metric over the requested interval. */
export type ComparisonScript = (name: string, request: ComparisonRequest, world: World) => ComparisonObservation;

/** One tick as the loop ran it: the status before, what decide saw and asked for, and its verdict. */
export interface Step {
  before: CanaryStatus;
  observation: Observation;
  decision: ActDecision;
  gathered: { gates: WebhookType[]; metrics: boolean; comparisons?: Record<string, ComparisonRequest> }[];
}

/** One webhook call: its type and name, and the phase its payload carried. */
export interface GateCall {
  type: WebhookType;
  name: string;
  phase: string;
}

const KEY = 'test/podinfo';

export class World {
  canary: Canary;
  readonly clock = new FakeClock(START);
  revision = 'rev-1';
  trackedConfigs: Record<string, string> = { 'configmap/podinfo': 'c1' };
  target: WorkloadObservation = readyWorkload();
  targetReplicasWanted = 2;
  primary: WorkloadObservation | undefined = undefined;
  /** The `-baseline` Deployment while a run with `analysis.baseline` has one. */
  baseline: WorkloadObservation | undefined = undefined;
  baselineReadyOnCreate = true;
  /** The revision the primary Deployment runs (what "the primary's image" is here). */
  primaryRevision: string | undefined;
  primaryReadyAfterPromotion = true;
  canaryReadyOnScaleUp = true;
  weights: Weights | undefined = undefined;
  matches: CanaryMatch[] = [];
  abTesting = true;
  routerAvailable = true;
  /** What the route's parents report (Gateway API); undefined as with SMI, whose splits have no status. */
  routeStatus: RouteStatusObservation | undefined = undefined;
  /** The router tells a foreign weight edit from a stale read (Gateway API); undefined as with SMI. */
  weightsFresh: boolean | undefined = undefined;
  /** The route is as this controller's last write left it (the router remembers its writes). */
  ownWrite: boolean | undefined = undefined;
  /** False: the route drifted from the spec (besides weights) and the router would re-sync it. */
  routeCurrent: boolean | undefined = undefined;
  /** The route API can mirror a share of requests. */
  mirrorPercent: boolean | undefined = undefined;
  /** Every weight write, with what the router read from the status the tick decided. */
  routeWrites: RouteWrite[] = [];
  /** False plays Flagger's `kubernetes` provider: a router that moves no traffic. */
  routesTraffic = true;
  finalizer = false;
  finalized = false;
  validationErrors: string[] = [];
  /** Requests handed to the engine besides the ones the Canary's annotations carry. */
  manualRequests: ManualRequest[] = [];
  /** Every gate passes; a rollback hook "passing" would mean roll back, so it refuses by default. */
  gates: GateScript = (type) => type !== 'rollback';
  metrics: MetricScript = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 99.8 });
  /** By default both sides served requests in proportion to the weights and nothing failed. */
  comparisons: ComparisonScript = () => ({ result: 'counts', counts: { canaryRequests: 100, primaryRequests: 400, canaryEvents: 0, primaryEvents: 0 } });
  /** Every comparison the engine asked for, in order. */
  comparisonRequests: { name: string; request: ComparisonRequest }[] = [];
  /** The next status write fails as a controller dying between its actions and the write would. */
  crashBeforeNextStatusWrite = false;
  weightHistory: number[] = [];
  /** The baseline backend's weight at each change (undefined: no baseline backend). */
  baselineWeightHistory: (number | undefined)[] = [];
  phaseHistory: string[] = [];
  actionLog: Action[] = [];
  events: EngineEvent[] = [];
  notifications: Notification[] = [];
  gateCalls: GateCall[] = [];
  steps: Step[] = [];
  readonly machine = createPhaseMachine();
  #step: Partial<Step> & { gathered: Step['gathered'] } = { gathered: [] };
  #scheduler: WorldScheduler | undefined;

  constructor(canary: Canary) {
    this.canary = canary;
  }

  get status(): CanaryStatus {
    return this.canary.status ?? {};
  }

  get phase(): string {
    return this.status.phase ?? '';
  }

  get now(): number {
    return this.clock.now();
  }

  /** Post-rollout hooks fired, with the phase their payload announced. */
  get hooksRun(): { hookType: WebhookType; phase: string }[] {
    return this.gateCalls.filter((call) => call.type === 'post-rollout').map((call) => ({ hookType: call.type, phase: call.phase }));
  }

  /** The ports, as the controller hands them to `reconcileCanary`. */
  readonly deps: ReconcileDeps = {
    decide: (canary, observation) => {
      const decision = decide(canary, observation, this.machine);
      this.#step.observation ??= observation;
      if (decision.kind === 'gather') this.#step.gathered.push({ gates: decision.gates, metrics: decision.metrics, ...(decision.comparisons ? { comparisons: decision.comparisons } : {}) });
      else this.#step.decision = decision;
      return decision;
    },
    workloads: {
      observe: async () => ({
        target: { ...this.target, revision: this.revision, trackedConfigs: { ...this.trackedConfigs } },
        primary: this.primary === undefined ? undefined : { ...this.primary },
        ...(this.baseline === undefined ? {} : { baseline: { ...this.baseline } }),
      }),
      ensurePrimary: async () => playAction(this, { type: 'ensurePrimary' }),
      scaleCanary: async (_canary, to) => playAction(this, { type: 'scaleCanary', to }),
      syncAutoscaler: async () => {},
      promotePrimary: async () => playAction(this, { type: 'promotePrimary' }),
      ensureBaseline: async () => playAction(this, { type: 'ensureBaseline' }),
      removeBaseline: async () => playAction(this, { type: 'removeBaseline' }),
      finalize: async () => playAction(this, { type: 'finalize' }),
      ensureFinalizer: async () => playAction(this, { type: 'ensureFinalizer' }),
      releaseFinalizer: async () => playAction(this, { type: 'releaseFinalizer' }),
    },
    router: {
      observe: async () => ({
        available: this.routerAvailable,
        abTesting: this.abTesting,
        weights: this.weights,
        reason: this.routerAvailable ? undefined : 'TrafficSplit CRD not installed',
        routesTraffic: this.routesTraffic,
        ...definedOnly({ weightsFresh: this.weightsFresh, ownWrite: this.ownWrite, routeStatus: this.routeStatus, routeCurrent: this.routeCurrent, mirrorPercent: this.mirrorPercent }),
      }),
      ensureRoute: async () => {
        if (this.routeCurrent === false) this.routeCurrent = true;
        playAction(this, { type: 'ensureRoute' });
      },
      removeRoute: async () => playAction(this, { type: 'removeRoute' }),
      setWeights: async (canary, weights) => {
        const status = canary.status ?? {};
        this.routeWrites.push({
          canary: weights.canary,
          mirrored: status.trafficMirrored === true,
          ...definedOnly({ cookie: status.sessionAffinityCookie, primaryCookie: status.primarySessionAffinityCookie, previousCookie: status.previousSessionAffinityCookie }),
        });
        playAction(this, { type: 'setWeights', weights });
      },
      setRouteMatches: async (_canary, matches) => playAction(this, { type: 'setRouteMatches', matches }),
    },
    metrics: {
      measure: async (_canary, metric) => this.metrics(metric.name, this),
      compare: async (_canary, metric, request) => {
        this.comparisonRequests.push({ name: metric.name, request });
        return this.comparisons(metric.name, request, this);
      },
    },
    gates: {
      ask: async (canary, hook) => {
        const type = hook.type || 'rollout';
        this.gateCalls.push({ type, name: hook.name, phase: canary.status?.phase ?? '' });
        const answer = this.gates(type, hook.name, this);
        const { ok, reason } = typeof answer === 'boolean' ? { ok: answer, reason: `webhook ${hook.name} answered 403: not approved` } : answer;
        return { name: hook.name, type, ok, reason: ok ? undefined : reason };
      },
    },
    notifier: { notify: async (_canary, notification) => void this.notifications.push(notification) },
    events: { record: async (_canary, event) => void this.events.push(event) },
    manualRequests: { pending: (canary) => [...this.manualRequests, ...manualRequestsFromAnnotations(canary.metadata.annotations)] },
    statusWriter: {
      write: async (canary, status, resourceVersion) => {
        if (resourceVersion !== (this.canary.metadata.resourceVersion ?? '')) return 'conflict';
        if (this.crashBeforeNextStatusWrite) {
          this.crashBeforeNextStatusWrite = false;
          throw new CrashBeforeStatusWrite();
        }
        this.canary = { ...canary, metadata: { ...canary.metadata, resourceVersion: String(Number(resourceVersion) + 1) }, status };
        if (status.phase && this.phaseHistory.at(-1) !== status.phase) this.phaseHistory.push(status.phase);
        return 'written';
      },
    },
    validate: () => [...this.validationErrors],
    now: () => this.clock.now(),
  };

  /** One tick through the real loop: observe, decide (answering gathers), act, write the status, emit. */
  async tick(): Promise<Step> {
    const step = await this.#attempt();
    this.steps.push(step);
    return step;
  }

  /**
   * One tick whose status write never happens, as when the controller dies right before it: the actions
   * are performed, the status stays, and no event or notification goes out. A tick with nothing to write
   * cannot crash there; it completes (`crashed: false`).
   */
  async crashingTick(): Promise<{ step: Step; crashed: boolean }> {
    this.crashBeforeNextStatusWrite = true;
    try {
      const step = await this.#attempt();
      this.steps.push(step);
      return { step, crashed: false };
    } catch (err) {
      if (!(err instanceof CrashBeforeStatusWrite)) throw err;
      return { step: this.#finishStep(), crashed: true };
    } finally {
      this.crashBeforeNextStatusWrite = false;
    }
  }

  async #attempt(): Promise<Step> {
    this.#step = { before: structuredClone(this.status), gathered: [] };
    const outcome = await reconcileCanary(this.canary, this.deps);
    if (outcome.result === 'conflict') throw new Error('status write conflict: the Canary changed during the tick');
    return this.#finishStep();
  }

  #finishStep(): Step {
    const step = this.#step;
    if (!step.before || !step.observation || !step.decision) throw new Error('the tick ended without a decision');
    return { before: step.before, observation: step.observation, decision: step.decision, gathered: step.gathered };
  }

  /** Ticks, then moves the clock by `ms`, `count` times. */
  async run(count: number, ms = MINUTE): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.tick();
      this.clock.advance(ms);
    }
  }

  /** Ticks every interval until the phase is one of `phases` (or `limit` ticks). */
  async runUntil(phases: string[], limit = 50, ms = MINUTE): Promise<void> {
    for (let i = 0; i < limit; i++) {
      await this.tick();
      if (phases.includes(this.phase)) return;
      this.clock.advance(ms);
    }
    throw new Error(`phase ${this.phase} after ${limit} ticks, wanted ${phases.join('|')}`);
  }

  /**
   * Hands the Canary to the real Scheduler on this world's clock, as the controller does at start: from
   * here on `advance` runs every tick that falls due, and changes to Deployments, the spec or the
   * annotations make the Canary due at once, as watch events do.
   */
  start(): void {
    this.#scheduler = new WorldScheduler(this.clock, KEY, () =>
      this.tick().then(
        () => true,
        (err: unknown) => {
          if (err instanceof CrashBeforeStatusWrite) return false;
          throw err;
        },
      ),
    );
    this.#scheduler.triggerNow();
  }

  /** Moves the clock by `ms`, running every tick that falls due on the way; needs `start()`. */
  async advance(ms: number): Promise<void> {
    if (!this.#scheduler) throw new Error('advance needs start()');
    await this.#scheduler.advance(ms, () => this.canary, () => this.#deploymentsSnapshot());
  }

  /** Moves the clock to the Canary's next due time and runs the ticks due then (watch-triggered ones too). */
  async advanceToNextTick(): Promise<void> {
    const due = this.#scheduler?.dueTime();
    if (due === undefined) throw new Error('nothing scheduled: advanceToNextTick needs start()');
    await this.advance(Math.max(0, due - this.clock.now()));
  }

  /** Runs the scheduled ticks one due time at a time until `done`, at most `limit` of them. */
  async advanceUntil(done: (world: World) => boolean, limit = 50): Promise<void> {
    for (let i = 0; i < limit && !done(this); i++) await this.advanceToNextTick();
    if (!done(this)) throw new Error(`not done after ${limit} due times; phase ${this.phase}, weights ${this.weightHistory.join(', ')}`);
  }

  /** Ticks run by the scheduler so far. */
  get scheduledTicks(): number {
    return this.#scheduler?.ticks ?? 0;
  }

  #deploymentsSnapshot(): string {
    return JSON.stringify([this.target, this.primary, this.baseline, this.primaryRevision, this.revision, this.trackedConfigs]);
  }

  /** Makes the Canary due now, as a watch event would (no-op before `start()`). */
  #changed(): void {
    this.#scheduler?.triggerNow();
  }

  /** Changes the target's pod template: a new revision. */
  newRevision(revision: string): void {
    this.revision = revision;
    this.#changed();
  }

  /** Edits the Canary's spec as `kubectl edit` would: a new generation. */
  editSpec(edit: (spec: CanarySpec) => void): void {
    const canary = structuredClone(this.canary);
    edit(canary.spec);
    const result = validator.validateCanary(canary);
    if (!result.valid) throw new Error(`edited Canary is invalid: ${JSON.stringify(result.errors)}`);
    this.canary = { ...result.value, metadata: { ...canary.metadata, generation: (canary.metadata.generation ?? 1) + 1 } };
    this.#changed();
  }

  /** A person edits the route's weights by hand (`kubectl edit httproute`); the next tick sees them. */
  editRouteWeights(canary: number): void {
    this.weights = { canary, primary: 100 - canary };
  }

  /** `kubectl delete`: the API server sets the deletion timestamp and waits for the finalizers. */
  requestDeletion(): void {
    this.canary = { ...this.canary, metadata: { ...this.canary.metadata, deletionTimestamp: new Date(this.clock.now()) } };
    this.#changed();
  }

  /** Writes a manual request annotation (`kanari.dev/<kind>: who@time`), as `kanari <kind>` does. */
  annotate(kind: ManualRequestKind, who: string): void {
    const [key, value] = requestAnnotation(kind, who, this.clock.now());
    this.canary = { ...this.canary, metadata: { ...this.canary.metadata, annotations: { ...this.canary.metadata.annotations, [key]: value } } };
    this.#changed();
  }

  /** Events as `kubectl describe` lists them: `Reason: message`. */
  eventLines(): string[] {
    return this.events.map((e) => `${e.reason}: ${e.message}`);
  }

  eventMessages(): string[] {
    return this.events.map((e) => e.message);
  }

}

/** One weight write as the router received it: the weights, and the mirroring and cookies of the decided status. */
export interface RouteWrite {
  canary: number;
  mirrored: boolean;
  cookie?: string;
  primaryCookie?: string;
  previousCookie?: string;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Thrown by the World's StatusWriter when told to crash before the next write. */
export class CrashBeforeStatusWrite extends Error {
  constructor() {
    super('the controller died before the status write');
  }
}

/** A World that has gone through initialization and sits in Initialized, ticked by hand. */
export async function initializedWorld(canary: Canary): Promise<World> {
  const world = new World(canary);
  await world.tick();
  await world.tick();
  if (world.phase !== 'Initialized') throw new Error(`expected Initialized, got ${world.phase}`);
  world.steps = [];
  return world;
}

/** A World handed to the Scheduler and initialized (no time passes: the primary is ready at once). */
export async function startedWorld(canary: Canary): Promise<World> {
  const world = new World(canary);
  world.start();
  await world.advance(0);
  if (world.phase !== 'Initialized') throw new Error(`expected Initialized, got ${world.phase}`);
  return world;
}
