import type { Canary, CanaryAnalysis, CanarySpec, WebhookType } from '../../../src/api/canary.ts';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import type { Action, ActDecision, Decision, EngineEvent, Notification } from '../../../src/engine/actions.ts';
import { decide } from '../../../src/engine/decide.ts';
import { createPhaseMachine } from '../../../src/engine/machine.ts';
import type { ManualRequest } from '../../../src/api/annotations.ts';
import type { GateAnswer, MetricObservation, Observation, Weights, WorkloadObservation } from '../../../src/engine/observation.ts';

/**
 * A tiny simulated cluster for the pure core: it answers gathers from scripted gates and metrics,
 * performs actions on plain values (weights, replicas) with the Deployment controller's part played
 * instantly, and writes the status last, exactly in the shell's order.
 */

export const START = Date.parse('2026-03-02T10:00:00Z');
export const MINUTE = 60_000;

/** A Canary with Flagger's defaults and the given analysis. */
export function makeCanary(analysis: Partial<CanaryAnalysis> = {}, spec: Partial<CanarySpec> = {}): Canary {
  return {
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test', generation: 1 },
    spec: {
      targetRef: { kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      progressDeadlineSeconds: 600,
      ...spec,
      analysis: { interval: '1m', threshold: 2, stepWeight: 10, maxWeight: 30, ...analysis },
    },
  };
}

/** A ready Deployment with `replicas` pods. */
export function readyWorkload(replicas = 2): WorkloadObservation {
  return { exists: true, desiredReplicas: replicas, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGenerationCurrent: true };
}

/** A Deployment rolling out: no pod available yet. */
export function unreadyWorkload(replicas = 2): WorkloadObservation {
  return { ...readyWorkload(replicas), readyReplicas: 0, availableReplicas: 0 };
}

export type GateScript = (type: WebhookType, name: string, world: World) => boolean;
export type MetricScript = (name: string, world: World) => MetricObservation;

/** One decision as the shell saw it: the status before, the final decision, the gathers asked. */
export interface Step {
  before: CanaryStatus;
  observation: Observation;
  decision: ActDecision;
  gathered: { gates: WebhookType[]; metrics: boolean }[];
}

export class World {
  canary: Canary;
  now = START;
  revision = 'rev-1';
  trackedConfigs: Record<string, string> = { 'configmap/podinfo': 'c1' };
  target: WorkloadObservation = readyWorkload();
  targetReplicasWanted = 2;
  primary: WorkloadObservation | undefined = undefined;
  primaryReadyAfterPromotion = true;
  canaryReadyOnScaleUp = true;
  weights: Weights | undefined = undefined;
  matches: unknown[] = [];
  abTesting = true;
  routerAvailable = true;
  deletionRequested = false;
  validationErrors: string[] = [];
  manualRequests: ManualRequest[] = [];
  /** Every gate passes; a rollback hook "passing" would mean roll back, so it refuses by default. */
  gates: GateScript = (type) => type !== 'rollback';
  metrics: MetricScript = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 99.8 });
  weightHistory: number[] = [];
  actionLog: Action[] = [];
  events: EngineEvent[] = [];
  notifications: Notification[] = [];
  gateCalls: { type: WebhookType; name: string }[] = [];
  hooksRun: { hookType: WebhookType; phase: string }[] = [];
  steps: Step[] = [];
  promotedRevision: string | undefined;
  finalized = false;
  readonly machine = createPhaseMachine();

  constructor(canary: Canary) {
    this.canary = canary;
  }

  get status(): CanaryStatus {
    return this.canary.status ?? {};
  }

  get phase(): string {
    return this.status.phase ?? '';
  }

  observation(): Observation {
    return {
      now: this.now,
      target: { ...this.target, revision: this.revision, trackedConfigs: { ...this.trackedConfigs } },
      primary: this.primary === undefined ? undefined : { ...this.primary },
      router: { available: this.routerAvailable, abTesting: this.abTesting, weights: this.weights, reason: this.routerAvailable ? undefined : 'TrafficSplit CRD not installed' },
      manualRequests: [...this.manualRequests],
      deletionRequested: this.deletionRequested,
      validationErrors: [...this.validationErrors],
    };
  }

  /** Observes, decides (answering gathers), without acting: what the shell would do next. */
  plan(): Step {
    const before = structuredClone(this.status);
    let observation = this.observation();
    const gathered: Step['gathered'] = [];
    for (let round = 0; round < 10; round++) {
      const decision: Decision = decide(this.canary, observation, this.machine);
      if (decision.kind === 'act') return { before, observation, decision, gathered };
      gathered.push({ gates: decision.gates, metrics: decision.metrics });
      observation = this.answer(observation, decision.gates, decision.metrics);
    }
    throw new Error('decide kept asking for answers');
  }

  answer(observation: Observation, types: WebhookType[], metrics: boolean): Observation {
    const gates: Partial<Record<WebhookType, GateAnswer[]>> = { ...(observation.gates ?? {}) };
    for (const type of types) {
      gates[type] = (this.canary.spec.analysis.webhooks ?? [])
        .filter((hook) => (hook.type ?? 'rollout') === type)
        .map((hook) => {
          this.gateCalls.push({ type, name: hook.name });
          const ok = this.gates(type, hook.name, this);
          return { name: hook.name, type, ok, reason: ok ? undefined : 'HTTP 403: not approved' };
        });
    }
    const measured = metrics ? (this.canary.spec.analysis.metrics ?? []).map((metric) => this.metrics(metric.name, this)) : observation.metrics;
    return { ...observation, gates, metrics: measured };
  }

  /** Performs one decision's actions, then writes its status (the shell's order). */
  perform(decision: ActDecision, options: { crashBeforeStatusWrite?: boolean } = {}): void {
    for (const action of decision.actions) this.act(action);
    if (options.crashBeforeStatusWrite) return;
    this.canary = { ...this.canary, status: decision.status };
    this.events.push(...decision.events);
    this.notifications.push(...decision.notifications);
  }

  /** One full tick: plan and perform. */
  tick(): Step {
    const step = this.plan();
    this.steps.push(step);
    this.perform(step.decision);
    return step;
  }

  /** Ticks at `now`, then moves the clock by `ms`, `count` times. */
  run(count: number, ms = MINUTE): void {
    for (let i = 0; i < count; i++) {
      this.tick();
      this.now += ms;
    }
  }

  /** Ticks every interval until the phase is one of `phases` (or `limit` ticks). */
  runUntil(phases: string[], limit = 50, ms = MINUTE): void {
    for (let i = 0; i < limit; i++) {
      this.tick();
      if (phases.includes(this.phase)) return;
      this.now += ms;
    }
    throw new Error(`phase ${this.phase} after ${limit} ticks, wanted ${phases.join('|')}`);
  }

  act(action: Action): void {
    this.actionLog.push(action);
    switch (action.type) {
      case 'ensurePrimary':
        this.primary ??= readyWorkload();
        return;
      case 'ensureRoute':
        this.weights ??= { canary: 0, primary: 100 };
        return;
      case 'scaleCanary':
        if (action.to === 'zero') this.target = { ...readyWorkload(0) };
        else if (this.target.desiredReplicas === 0 || !this.canaryReadyOnScaleUp) {
          this.target = this.canaryReadyOnScaleUp ? readyWorkload(this.targetReplicasWanted) : unreadyWorkload(this.targetReplicasWanted);
        }
        return;
      case 'setWeights':
        if (this.weights?.canary !== action.weights.canary || this.weightHistory.length === 0) this.weightHistory.push(action.weights.canary);
        this.weights = action.weights;
        return;
      case 'setRouteMatches':
        this.matches = action.matches;
        return;
      case 'promotePrimary':
        this.promotedRevision = this.revision;
        this.primary = this.primaryReadyAfterPromotion ? readyWorkload() : unreadyWorkload();
        return;
      case 'runHooks':
        this.hooksRun.push({ hookType: action.hookType, phase: action.phase });
        return;
      case 'finalize':
        this.finalized = true;
        return;
      default:
        return;
    }
  }

  /** Changes the target's pod template: a new revision; the Deployment controller rolls it out at once. */
  newRevision(revision: string): void {
    this.revision = revision;
  }

  eventMessages(): string[] {
    return this.events.map((e) => e.message);
  }
}

/** A World that has gone through initialization and sits in Initialized. */
export function initializedWorld(canary: Canary): World {
  const world = new World(canary);
  world.tick();
  world.tick();
  if (world.phase !== 'Initialized') throw new Error(`expected Initialized, got ${world.phase}`);
  world.steps = [];
  return world;
}
