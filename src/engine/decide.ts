import type { Canary, CanaryAnalysis, WebhookType } from '../api/canary.ts';
import type { CanaryPhase, CanaryStatus } from '../api/canary-status.ts';
import { Duration } from '../api/duration.ts';
import type { Action, Decision, EngineEvent, Notification, NotificationFacts, NotificationKind } from './actions.ts';
import { withConditions, type ReadinessProblem } from './conditions.ts';
import { judgeMetrics, type MetricVerdict } from './judge.ts';
import { nextPhase, type PhaseEventType, type PhaseMachine } from './machine.ts';
import type { ManualRequest } from '../api/annotations.ts';
import type { GateAnswer, Observation, TargetObservation } from './observation.ts';
import { isWorkloadReady } from './readiness.ts';
import { classifyRevision } from './revision.ts';
import { isInRolloutWindow, validateRolloutWindow } from './rollout-window.ts';
import { maxWeightOf, nextCanaryWeight, nextPromotionWeights, strategyOf, weightSequence, weightsFor, type StrategyKind } from './strategy.ts';

/**
 * Every rule of a rollout, as one pure function: (Canary, Observation) → next status + actions + events.
 * No I/O, no clock, no randomness. Re-deciding from the same status and observation yields the same
 * decision, which is what makes a crash between an action and the status write harmless.
 */

const ACTIVE_PHASES: readonly CanaryPhase[] = ['Waiting', 'Progressing', 'WaitingPromotion'];

/** Decides one tick for `canary` given what the shell observed; `machine` is the phase map. */
export function decide(canary: Canary, observation: Observation, machine: PhaseMachine): Decision {
  return new Tick(canary, observation, machine).run();
}

/** Thrown inside a tick when answers are missing; caught by `run`, never escapes. */
class MissingAnswers {
  readonly gates: WebhookType[];
  readonly metrics: boolean;
  constructor(gates: WebhookType[], metrics: boolean) {
    this.gates = gates;
    this.metrics = metrics;
  }
}

/** The state of one decision while it is being made; discarded after `run`. */
class Tick {
  readonly canary: Canary;
  readonly observation: Observation;
  readonly machine: PhaseMachine;
  readonly analysis: CanaryAnalysis;
  readonly strategy: StrategyKind;
  readonly now: string;
  readonly label: string;
  status: CanaryStatus;
  actions: Action[] = [];
  events: EngineEvent[] = [];
  notifications: Notification[] = [];
  problem: ReadinessProblem | undefined;
  metricsProblem: ReadinessProblem | null | undefined;
  initializationStalled = false;

  constructor(canary: Canary, observation: Observation, machine: PhaseMachine) {
    this.canary = canary;
    this.observation = observation;
    this.machine = machine;
    this.analysis = canary.spec.analysis;
    this.strategy = strategyOf(canary.spec.analysis);
    this.now = new Date(observation.now).toISOString();
    this.label = `${canary.metadata.name ?? ''}.${canary.metadata.namespace ?? 'default'}`;
    this.status = structuredClone(canary.status ?? {});
  }

  get phase(): CanaryPhase {
    return this.status.phase ?? '';
  }

  run(): Decision {
    try {
      this.rules();
    } catch (signal) {
      if (signal instanceof MissingAnswers) return { kind: 'gather', gates: signal.gates, metrics: signal.metrics };
      throw signal;
    }
    const status = withConditions(this.status, {
      generation: this.canary.metadata.generation,
      now: this.now,
      problem: this.problem,
      metricsProblem: this.metricsProblem,
      initializationStalled: this.initializationStalled,
    });
    return { kind: 'act', status, actions: this.actions, events: this.events, notifications: this.notifications };
  }

  rules(): void {
    const observation = this.observation;
    if (observation.deletionRequested) return this.deletion();
    if (this.phase === 'Terminating' || this.phase === 'Terminated') return;
    const invalid = [...observation.validationErrors, ...validateRolloutWindow(this.analysis.window)];
    if (invalid.length > 0) return this.blocked('InvalidSpec', invalid.join('; '));
    if (this.canary.spec.suspend) return;
    const target = observation.target;
    if (target === undefined || !target.exists) {
      return this.blocked('TargetNotFound', `Deployment ${this.canary.spec.targetRef.name} not found in namespace ${this.canary.metadata.namespace ?? 'default'}`);
    }
    if (!observation.router.available) {
      return this.blocked('RouterUnavailable', observation.router.reason ?? 'the TrafficSplit API is not served: install an SMI implementation');
    }
    if (this.handleManualRequests(target)) return;
    if (this.phase === '') return this.initialize();
    if (this.phase === 'Initializing') return this.awaitPrimary(target);
    if (this.handleRevision(target)) return;
    switch (this.phase) {
      case 'Progressing':
      case 'WaitingPromotion':
        return this.analyse(target);
      case 'Promoting':
        return this.promote();
      case 'Finalising':
        return this.finalise(target);
      default:
        return;
    }
  }

  // ── transitions and bookkeeping ────────────────────────────────────────────────────────────────

  move(event: PhaseEventType): void {
    const next = nextPhase(this.machine, this.phase, event);
    if (next === undefined) throw new Error(`no ${event} from phase ${JSON.stringify(this.phase)}`);
    if (next !== this.phase || event === 'START') {
      this.status.phase = next;
      this.status.lastTransitionTime = this.now;
    }
  }

  event(eventType: EngineEvent['eventType'], reason: string, message: string): void {
    this.events.push({ eventType, reason, message });
  }

  notify(kind: NotificationKind, severity: Notification['severity'], message: string, facts: NotificationFacts = {}): void {
    this.notifications.push({ kind, severity, message, facts });
  }

  blocked(reason: string, message: string): void {
    const before = this.status.conditions?.find((c) => c.type === 'Ready');
    if (before?.reason !== reason || before.message !== message) this.event('Warning', reason, message);
    this.problem = { reason, message };
  }

  intervalMs(): number {
    const parsed = Duration.tryParse(this.analysis.interval ?? '1m');
    return parsed?.milliseconds ?? 60_000;
  }

  analysisDue(): boolean {
    const last = this.status.lastAnalysisTime;
    return last === undefined || this.observation.now >= Date.parse(last) + this.intervalMs();
  }

  deadlineExceeded(): boolean {
    const since = this.status.waitingSince;
    if (since === undefined) return false;
    return this.observation.now - Date.parse(since) > (this.canary.spec.progressDeadlineSeconds ?? 600) * 1000;
  }

  /** Starts or continues a readiness wait; true when the deadline has passed. */
  waitFor(): boolean {
    this.status.waitingSince ??= this.now;
    return this.deadlineExceeded();
  }

  /** The gate's verdict: open when no webhook of that type is configured or all answered ok. */
  gateOpen(type: WebhookType): { open: boolean; reasons: string[]; muted: boolean } {
    const answers = this.answers([type])[type] ?? [];
    const failed = answers.filter((answer) => !answer.ok);
    // Flagger's muteAlert: a closed gate whose refusing hooks all ask for silence sends no alert (the Event stays).
    const muted = failed.length > 0 && failed.every((answer) => this.hooksOf(type).some((hook) => hook.name === answer.name && hook.muteAlert));
    return { open: failed.length === 0, reasons: failed.map((a) => `${a.name}: ${a.reason ?? 'refused'}`), muted };
  }

  /** Answers of the given gate types, asking for any that were not gathered yet (all in one round). */
  answers(types: WebhookType[], alsoMetrics = false): Partial<Record<WebhookType, GateAnswer[]>> {
    const configured = types.filter((type) => this.hooksOf(type).length > 0);
    const gathered = this.observation.gates ?? {};
    const missing = configured.filter((type) => gathered[type] === undefined);
    const metricsMissing = alsoMetrics && this.observation.metrics === undefined;
    if (missing.length > 0 || metricsMissing) throw new MissingAnswers(missing, metricsMissing);
    return gathered;
  }

  hooksOf(type: WebhookType) {
    return (this.analysis.webhooks ?? []).filter((hook) => (hook.type ?? 'rollout') === type);
  }

  // ── deletion, initialization, revisions ────────────────────────────────────────────────────────

  deletion(): void {
    if (!this.canary.spec.revertOnDeletion) {
      this.actions.push({ type: 'releaseFinalizer' });
      return;
    }
    if (this.phase !== 'Terminating') {
      this.move('TERMINATE');
      this.event('Normal', 'Terminating', `Reverting ${this.label}: restoring the target and removing the primary, services and split`);
    }
    this.actions.push({ type: 'removeRoute' }, { type: 'finalize' });
  }

  initialize(): void {
    this.move('INITIALIZE');
    this.status.waitingSince = this.now;
    this.status.failedChecks = 0;
    this.status.canaryWeight = 0;
    this.status.iterations = 0;
    this.initActions();
    this.event('Normal', 'Initializing', `Initializing ${this.label}: creating the primary deployment, services and traffic split`);
  }

  initActions(): void {
    if (this.canary.spec.revertOnDeletion) this.actions.push({ type: 'ensureFinalizer' });
    this.actions.push({ type: 'ensurePrimary' }, { type: 'ensureRoute' });
  }

  awaitPrimary(target: TargetObservation): void {
    this.initActions();
    if (!isWorkloadReady(this.observation.primary, this.analysis.primaryReadyThreshold ?? 100)) {
      this.status.waitingSince ??= this.now;
      if (this.deadlineExceeded()) {
        this.initializationStalled = true;
        if (!this.status.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True')) {
          this.event('Warning', 'ProgressDeadlineExceeded', `Primary of ${this.label} not ready after ${this.canary.spec.progressDeadlineSeconds ?? 600}s`);
        }
      }
      return;
    }
    this.actions.push({ type: 'setWeights', weights: weightsFor(0) }, { type: 'scaleCanary', to: 'zero' });
    this.move('INITIALIZED');
    this.status.waitingSince = undefined;
    this.status.lastAppliedSpec = target.revision;
    this.status.lastPromotedSpec = target.revision;
    this.status.trackedConfigs = { ...target.trackedConfigs };
    this.event('Normal', 'Initialized', `Initialization done! ${this.label}`);
  }

  /** Reacts to a changed target revision; true when the tick is decided. */
  handleRevision(target: TargetObservation): boolean {
    const change = classifyRevision(this.status, target.revision);
    if (change === 'unchanged') {
      if (this.phase === 'Waiting') {
        this.cancelRun(target, 'the target is back at the revision analysed last');
        return true;
      }
      return false;
    }
    if (change === 'reverted-to-promoted') {
      if (ACTIVE_PHASES.includes(this.phase) || this.phase === 'Failed') {
        this.cancelRun(target, 'the target was reverted to the promoted revision');
      } else {
        this.status.lastAppliedSpec = target.revision;
        this.status.trackedConfigs = { ...target.trackedConfigs };
      }
      return true;
    }
    this.newRevision(target);
    return true;
  }

  cancelRun(target: TargetObservation, why: string): void {
    this.routeToPrimary();
    this.actions.push({ type: 'scaleCanary', to: 'zero' });
    this.move('CANCEL');
    this.resetRun(target);
    this.status.runStartTime = undefined;
    this.event('Normal', 'RunCancelled', `Run of ${this.label} cancelled: ${why}`);
  }

  newRevision(target: TargetObservation): void {
    if (this.strategy === 'ab-testing' && !this.observation.router.abTesting) {
      this.blocked('ABTestingNotSupported', 'A/B testing needs TrafficSplit v1alpha3 or newer (HTTPRouteGroup matches); the cluster does not serve it');
      return;
    }
    const waiting = this.phase === 'Waiting';
    if (waiting && !this.analysisDue()) return;
    const confirmation = this.gateOpen('confirm-rollout');
    if (!confirmation.open && !this.consumeManualPromotion()) {
      if (!waiting) {
        if (this.phase !== 'Initialized' && this.phase !== 'Succeeded' && this.phase !== 'Failed') this.routeToPrimary();
        this.move('AWAIT_CONFIRMATION');
        this.status.canaryWeight = 0;
        this.event('Warning', 'WaitingApproval', `Halt ${this.label} rollout of revision ${target.revision}: waiting for approval (${confirmation.reasons.join('; ')})`);
        if (!confirmation.muted) this.notify('waiting-approval', 'warn', `New revision of ${this.label} is waiting for approval`, { revision: target.revision });
      }
      this.status.lastAnalysisTime = this.now;
      return;
    }
    this.startRun(target, `New revision detected! Scaling up ${this.label}`);
    this.notify('new-revision', 'info', `New revision detected, progressing canary analysis for ${this.label}`, { revision: target.revision });
  }

  startRun(target: TargetObservation, message: string): void {
    if (this.canary.spec.revertOnDeletion) this.actions.push({ type: 'ensureFinalizer' });
    this.routeToPrimary();
    this.actions.push({ type: 'scaleCanary', to: 'up' });
    this.move('START');
    this.resetRun(target);
    this.status.runStartTime = this.now;
    this.status.waitingSince = this.now;
    this.event('Normal', 'Synced', message);
  }

  resetRun(target: TargetObservation): void {
    this.status.lastAppliedSpec = target.revision;
    this.status.trackedConfigs = { ...target.trackedConfigs };
    this.status.canaryWeight = 0;
    this.status.failedChecks = 0;
    this.status.iterations = 0;
    this.status.preRolloutPassed = false;
    this.status.failureReason = undefined;
    this.status.stepsTaken = undefined;
    this.status.trafficIncreaseWaitingSince = undefined;
    this.status.lastAnalysisTime = undefined;
    this.status.lastAnalysis = undefined;
    this.status.waitingSince = undefined;
    if (this.status.manualPromotion === 'full') this.status.manualPromotion = undefined;
  }

  routeToPrimary(): void {
    this.actions.push({ type: 'setWeights', weights: weightsFor(0) });
    if (this.strategy === 'ab-testing') this.actions.push({ type: 'setRouteMatches', matches: [] });
  }

  // ── manual control ─────────────────────────────────────────────────────────────────────────────

  /** Acts on requests not handled before; true when one decided the tick (abort, retry). */
  handleManualRequests(target: TargetObservation): boolean {
    const handled = { ...(this.status.handledRequests ?? {}) };
    let decided = false;
    for (const request of this.observation.manualRequests) {
      if (handled[request.kind] === request.id || decided) continue;
      handled[request.kind] = request.id;
      this.status.handledRequests = handled;
      decided = this.manualRequest(request, target);
    }
    return decided;
  }

  manualRequest(request: ManualRequest, target: TargetObservation): boolean {
    const who = request.requestedBy || 'someone';
    const record = (what: string) => {
      this.event('Normal', 'ManualAction', `${what} for ${this.label}, requested by ${who}`);
      this.notify('manual-action', 'info', `${what} for ${this.label}, requested by ${who}`, { requestedBy: who, action: request.kind });
    };
    const ignore = (why: string) => this.event('Normal', 'ManualActionIgnored', `${request.kind} requested by ${who} ignored: ${why}`);
    switch (request.kind) {
      case 'abort':
        if (!ACTIVE_PHASES.includes(this.phase)) {
          ignore(`nothing to abort in phase ${this.phase || 'new'}`);
          return false;
        }
        record('Abort');
        this.rollback('ManualAbort', `aborted by ${who}`, 'rollback');
        return true;
      case 'retry':
        if (this.phase !== 'Failed') {
          ignore(`only a Failed canary can be retried (phase ${this.phase || 'new'})`);
          return false;
        }
        record('Retry');
        this.startRun(target, `Retrying ${this.label} at weight 0`);
        return true;
      case 'pause':
        this.status.paused = { by: who, at: this.now };
        record('Pause');
        return false;
      case 'resume':
        if (this.status.paused === undefined) {
          ignore('not paused');
          return false;
        }
        this.status.paused = undefined;
        record('Resume');
        return false;
      case 'promote':
      case 'promote-full':
        if (!ACTIVE_PHASES.includes(this.phase)) {
          ignore(`nothing to promote in phase ${this.phase || 'new'}`);
          return false;
        }
        this.status.manualPromotion = request.kind === 'promote' ? 'next' : 'full';
        record(request.kind === 'promote' ? 'Promote (open the next gate)' : 'Full promotion (skip the rest of the analysis)');
        return false;
    }
  }

  /** Uses a pending manual promote to open a closed gate; true when it did. */
  consumeManualPromotion(): boolean {
    if (this.status.manualPromotion === undefined) return false;
    if (this.status.manualPromotion === 'next') this.status.manualPromotion = undefined;
    return true;
  }

  // ── analysis ───────────────────────────────────────────────────────────────────────────────────

  analyse(target: TargetObservation): void {
    if (this.status.paused !== undefined) return;
    if (!isWorkloadReady(target, this.analysis.canaryReadyThreshold ?? 100)) {
      if (this.waitFor()) {
        this.rollback('ProgressDeadlineExceeded', `canary deployment ${this.canary.spec.targetRef.name} not ready after ${this.canary.spec.progressDeadlineSeconds ?? 600}s`, 'progress-deadline');
      }
      return;
    }
    this.status.waitingSince = undefined;
    if (!this.analysisDue()) return;
    if (this.canary.spec.skipAnalysis || this.status.manualPromotion === 'full') {
      const why = this.canary.spec.skipAnalysis ? 'skipAnalysis is set' : 'full promotion requested';
      this.status.manualPromotion = undefined;
      this.status.lastAnalysisTime = this.now;
      return this.startPromotion(`Promoting ${this.label} without analysis: ${why}`);
    }
    const firstTick = !this.status.preRolloutPassed;
    const checkMetrics = !firstTick && this.trafficFlows() && (this.analysis.metrics ?? []).length > 0;
    const gates = this.answers(['rollback', firstTick ? 'pre-rollout' : 'rollout'], checkMetrics);
    this.status.lastAnalysisTime = this.now;

    const rollbackAsked = (gates.rollback ?? []).find((answer) => answer.ok);
    if (rollbackAsked) return this.rollback('RollbackHook', `rollback hook ${rollbackAsked.name} asked to roll back`, 'rollback');

    if (firstTick) {
      const pre = this.gateOpen('pre-rollout');
      if (!pre.open) return this.failedCheck(`pre-rollout hook failed: ${pre.reasons.join('; ')}`);
      this.status.preRolloutPassed = true;
      if (this.strategy === 'ab-testing') {
        this.actions.push({ type: 'setRouteMatches', matches: this.analysis.match ?? [] }, { type: 'setWeights', weights: weightsFor(100) });
      }
      if (this.strategy !== 'canary') return;
      return this.advance([]);
    }
    // A person may edit analysis.match mid-run; the route follows at the next tick (the router writes only a difference).
    if (this.strategy === 'ab-testing') this.actions.push({ type: 'setRouteMatches', matches: this.analysis.match ?? [] });
    const rollout = this.gateOpen('rollout');
    if (!rollout.open) return this.failedCheck(`rollout hook failed: ${rollout.reasons.join('; ')}`);
    let verdicts: MetricVerdict[] = [];
    if (checkMetrics) {
      verdicts = judgeMetrics(this.analysis.metrics ?? [], this.observation.metrics ?? []);
      this.recordVerdicts(verdicts);
      const bad = verdicts.filter((v) => v.verdict !== 'pass');
      if (bad.length > 0) return this.failedMetrics(bad);
    }
    this.advance(verdicts);
  }

  trafficFlows(): boolean {
    return this.strategy !== 'canary' || (this.status.canaryWeight ?? 0) > 0;
  }

  recordVerdicts(verdicts: MetricVerdict[]): void {
    const errors = verdicts.filter((v) => v.verdict === 'error' && v.errorReason !== undefined);
    // Reasons already named for metrics (MetricsApiNotServed) keep their name instead of becoming MetricsMetrics….
    const reason = (r: string) => (r.startsWith('Metrics') ? r : `Metrics${r}`);
    this.metricsProblem = errors.length > 0 ? { reason: reason(errors[0].errorReason ?? ''), message: errors[0].explanation } : null;
    this.status.lastAnalysis = verdicts.map((v) => ({
      metric: v.name,
      value: v.value,
      thresholdRange: v.min === undefined && v.max === undefined ? undefined : { min: v.min, max: v.max },
      result: v.verdict,
      reason: v.reason,
      time: this.now,
    }));
  }

  failedMetrics(bad: MetricVerdict[]): void {
    const noData = bad.filter((v) => v.verdict === 'no-data');
    const explanation = bad.map((v) => v.explanation).join(', ');
    const message = noData.length === bad.length ? `no traffic (${explanation})` : explanation;
    const first = bad[0];
    this.failedCheck(message, noData.length > 0 ? 'NoTraffic' : 'FailedCheck', {
      metric: { name: first.name, value: first.value, min: first.min, max: first.max },
    });
  }

  failedCheck(message: string, reason = 'FailedCheck', facts: NotificationFacts = {}): void {
    const failed = (this.status.failedChecks ?? 0) + 1;
    const threshold = Math.max(1, this.analysis.threshold ?? 1);
    this.status.failedChecks = failed;
    this.event('Warning', reason, `Halt advancement of ${this.label}: ${message} (failed checks ${failed}/${threshold})`);
    if (failed >= threshold) {
      this.rollback('FailedChecks', `failed checks threshold reached ${failed}`, 'rollback', { ...facts, reason: message });
    }
  }

  advance(verdicts: MetricVerdict[]): void {
    if (!isInRolloutWindow(this.analysis.window, this.observation.now)) {
      this.event('Normal', 'OutsideWindow', `Halt advancement of ${this.label}: outside the rollout window (${this.analysis.window?.schedules.join(' | ')})`);
      return;
    }
    const evidence = verdicts.length > 0 ? `: ${verdicts.map((v) => v.explanation).join(', ')}` : '';
    if (this.strategy === 'canary') {
      const current = this.status.canaryWeight ?? 0;
      if (current >= maxWeightOf(this.analysis)) return this.promotionGate(evidence);
      const gate = this.gateOpen('confirm-traffic-increase');
      if (!gate.open && !this.consumeManualPromotion()) {
        this.event('Normal', 'WaitingApproval', `Halt advancement of ${this.label} at weight ${current}: waiting for traffic increase approval (${gate.reasons.join('; ')})`);
        this.status.trafficIncreaseWaitingSince ??= this.now;
        return;
      }
      this.status.trafficIncreaseWaitingSince = undefined;
      const next = nextCanaryWeight(this.analysis, current);
      this.actions.push({ type: 'setWeights', weights: weightsFor(next) });
      this.status.canaryWeight = next;
      this.event('Normal', 'Advance', `Advance ${this.label} canary weight ${current} → ${next}${evidence}`);
      return;
    }
    const total = this.analysis.iterations ?? 1;
    const done = (this.status.iterations ?? 0) + 1;
    if (done > total) return this.promotionGate(evidence);
    this.status.iterations = done;
    this.event('Normal', 'Advance', `Advance ${this.label} iteration ${done}/${total}${evidence}`);
    if (done >= total) this.promotionGate('');
  }

  promotionGate(evidence: string): void {
    const gate = this.gateOpen('confirm-promotion');
    if (!gate.open && !this.consumeManualPromotion()) {
      if (this.phase !== 'WaitingPromotion') {
        this.move('AWAIT_PROMOTION');
        this.event('Normal', 'WaitingPromotion', `Halt ${this.label} promotion: waiting for approval (${gate.reasons.join('; ')})`);
        if (!gate.muted) this.notify('waiting-approval', 'warn', `${this.label} is waiting for promotion approval`);
      }
      return;
    }
    if (this.strategy === 'blue-green') {
      // Flagger's blue/green switch on a mesh: users move to the tested canary at once, so none of
      // them sees a mix of old and new primary pods while the primary rolls out the new spec.
      this.actions.push({ type: 'setWeights', weights: weightsFor(100) });
      this.status.canaryWeight = 100;
      this.event('Normal', 'Promoting', `Routing all traffic to ${this.label} canary`);
    }
    this.startPromotion(`Copying ${this.label} template spec to the primary${evidence}`);
  }

  // ── promotion and rollback ─────────────────────────────────────────────────────────────────────

  startPromotion(message: string): void {
    this.actions.push({ type: 'promotePrimary' });
    this.move('PROMOTE');
    this.status.lastPromotedSpec = this.status.lastAppliedSpec;
    this.status.waitingSince = this.now;
    this.status.stepsTaken = this.strategy === 'canary' ? weightSequence(this.analysis).filter((w) => w > 0 && w <= (this.status.canaryWeight ?? 0)).length : (this.status.iterations ?? 0);
    this.event('Normal', 'Promoting', message);
  }

  promote(): void {
    if (!isWorkloadReady(this.observation.primary, this.analysis.primaryReadyThreshold ?? 100)) {
      if (this.waitFor()) {
        this.rollback('ProgressDeadlineExceeded', `primary deployment not ready after ${this.canary.spec.progressDeadlineSeconds ?? 600}s`, 'progress-deadline');
      }
      return;
    }
    this.status.waitingSince = undefined;
    const current = this.status.canaryWeight ?? 0;
    const stepped = this.analysis.stepWeightPromotion !== undefined && this.strategy === 'canary' && current > 0;
    if (stepped) {
      if (!this.analysisDue()) return;
      this.status.lastAnalysisTime = this.now;
      const weights = nextPromotionWeights(this.analysis, current);
      this.actions.push({ type: 'setWeights', weights });
      this.status.canaryWeight = weights.canary;
      this.event('Normal', 'Promoting', `Advance ${this.label} primary weight ${100 - current} → ${weights.primary}`);
      if (weights.canary > 0) return;
    } else {
      this.routeToPrimary();
      this.status.canaryWeight = 0;
    }
    this.actions.push({ type: 'scaleCanary', to: 'zero' });
    this.move('FINALISE');
    this.event('Normal', 'Finalising', `Routing all traffic to primary; scaling down ${this.label} canary`);
  }

  finalise(target: TargetObservation): void {
    this.actions.push({ type: 'scaleCanary', to: 'zero' });
    if (target.desiredReplicas > 0) return;
    this.move('SUCCEED');
    this.status.waitingSince = undefined;
    this.actions.push({ type: 'runHooks', hookType: 'post-rollout', phase: 'Succeeded' });
    const started = this.status.runStartTime === undefined ? undefined : Date.parse(this.status.runStartTime);
    this.event('Normal', 'Succeeded', `Promotion completed! ${this.label} revision ${this.status.lastAppliedSpec ?? ''}`);
    this.notify('promotion-finished', 'info', `Canary analysis completed successfully, promotion finished for ${this.label}`, {
      revision: this.status.lastAppliedSpec,
      steps: this.status.stepsTaken ?? 0,
      durationMs: started === undefined ? undefined : this.observation.now - started,
    });
  }

  rollback(reason: string, message: string, kind: NotificationKind, facts: NotificationFacts = {}): void {
    this.routeToPrimary();
    this.actions.push({ type: 'scaleCanary', to: 'zero' }, { type: 'runHooks', hookType: 'post-rollout', phase: 'Failed' });
    this.move('ROLLBACK');
    this.status.canaryWeight = 0;
    this.status.failureReason = reason;
    this.status.waitingSince = undefined;
    this.status.manualPromotion = undefined;
    this.event('Warning', reason, `Rolling back ${this.label}: ${message}`);
    this.notify(kind, 'error', `Rolling back ${this.label}: ${message}`, { reason: message, ...facts, revision: this.status.lastAppliedSpec });
  }
}
