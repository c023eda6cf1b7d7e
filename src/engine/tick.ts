import type { Canary, CanaryAnalysis, CanaryWebhook, WebhookType } from '../api/canary.ts';
import { canarySettings, webhooksOfType, type CanarySettings } from '../api/canary-settings.ts';
import type { CanaryPhase, CanaryStatus } from '../api/canary-status.ts';
import type { Action, Decision, EngineEvent, Notification, NotificationFacts, NotificationKind } from './actions.ts';
import { withConditions, type ReadinessProblem } from './conditions.ts';
import type { MetricVerdict } from './judge.ts';
import { nextPhase, type PhaseEventType, type PhaseMachine } from './machine.ts';
import { settleRoute } from './rules/route-upkeep.ts';
import type { ComparisonRequest, GateAnswer, Observation } from './observation.ts';
import { withRunHistory } from './run-history.ts';
import { strategyOf, weightsFor, type StrategyKind } from './strategy.ts';

/** Phases in which a run is under way and can be aborted, promoted or cancelled. */
export const ACTIVE_PHASES: readonly CanaryPhase[] = ['Waiting', 'Progressing', 'WaitingPromotion'];

/** Thrown inside a tick when answers are missing; caught by `run`, never escapes. */
class MissingAnswers {
  readonly gates: WebhookType[];
  readonly metrics: boolean;
  readonly comparisons: Record<string, ComparisonRequest>;
  constructor(gates: WebhookType[], metrics: boolean, comparisons: Record<string, ComparisonRequest>) {
    this.gates = gates;
    this.metrics = metrics;
    this.comparisons = comparisons;
  }
}

/**
 * The state of one decision while it is being made, and the bookkeeping every rule shares (phase
 * moves, Events, alerts, gate answers, deadlines); discarded after `run`. The rules themselves live in
 * rules/, one file per concern.
 */
export class Tick {
  readonly canary: Canary;
  readonly observation: Observation;
  readonly machine: PhaseMachine;
  readonly analysis: CanaryAnalysis;
  readonly settings: CanarySettings;
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
  /** What the run history records of this tick: the phase moves and the metric verdicts. */
  moves: PhaseEventType[] = [];
  verdicts: MetricVerdict[] | undefined;

  constructor(canary: Canary, observation: Observation, machine: PhaseMachine) {
    this.canary = canary;
    this.observation = observation;
    this.machine = machine;
    this.analysis = canary.spec.analysis;
    this.settings = canarySettings(canary);
    this.strategy = strategyOf(canary.spec.analysis);
    this.now = new Date(observation.now).toISOString();
    this.label = `${canary.metadata.name ?? ''}.${canary.metadata.namespace ?? 'default'}`;
    this.status = structuredClone(canary.status ?? {});
  }

  get phase(): CanaryPhase {
    return this.status.phase ?? '';
  }

  /** Runs `rules` and turns the tick into a decision: a gather request when answers were missing. */
  run(rules: (tick: Tick) => void): Decision {
    try {
      rules(this);
    } catch (signal) {
      if (signal instanceof MissingAnswers) {
        const comparisons = Object.keys(signal.comparisons).length > 0 ? { comparisons: signal.comparisons } : {};
        return { kind: 'gather', gates: signal.gates, metrics: signal.metrics, ...comparisons };
      }
      throw signal;
    }
    settleRoute(this);
    const status = withConditions(this.#withHistory(), {
      generation: this.canary.metadata.generation,
      now: this.now,
      problem: this.problem,
      metricsProblem: this.metricsProblem,
      initializationStalled: this.initializationStalled,
    });
    return { kind: 'act', status, actions: this.actions, events: this.events, notifications: this.notifications };
  }

  #withHistory(): CanaryStatus {
    const before = this.canary.status ?? {};
    const handled = this.status.handledRequests ?? {};
    const manual = this.observation.manualRequests
      .filter((request) => handled[request.kind] === request.id && before.handledRequests?.[request.kind] !== request.id)
      .map((request) => ({ action: request.kind, by: request.requestedBy || 'someone' }));
    return withRunHistory({
      before,
      after: this.status,
      now: this.now,
      analysis: this.analysis,
      moves: this.moves,
      events: this.events,
      verdicts: this.verdicts,
      gates: Object.values(this.observation.gates ?? {}).flat(),
      manual,
    });
  }

  /** Moves the phase along the machine; a move the machine does not allow is a bug in the rules. */
  move(event: PhaseEventType): void {
    const next = nextPhase(this.machine, this.phase, event);
    if (next === undefined) throw new Error(`no ${event} from phase ${JSON.stringify(this.phase)}`);
    this.moves.push(event);
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

  /** The Canary cannot make progress: Ready=False with this reason; the Event only when the reason is new. */
  blocked(reason: string, message: string): void {
    const before = this.status.conditions?.find((c) => c.type === 'Ready');
    if (before?.reason !== reason || before.message !== message) this.event('Warning', reason, message);
    this.problem = { reason, message };
  }

  /** An analysis interval has passed since the last one (or there was none). */
  analysisDue(): boolean {
    const last = this.status.lastAnalysisTime;
    return last === undefined || this.observation.now >= Date.parse(last) + this.settings.interval.milliseconds;
  }

  deadlineExceeded(): boolean {
    const since = this.status.waitingSince;
    if (since === undefined) return false;
    return this.observation.now - Date.parse(since) > this.settings.progressDeadline.milliseconds;
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
    // A reason names its hook already ("webhook smoke answered 502: …"); prefixing the name again read "smoke: webhook smoke …".
    return { open: failed.length === 0, reasons: failed.map((a) => a.reason ?? `webhook ${a.name} refused`), muted };
  }

  /**
   * Answers of the given gate types, asking for any that were not gathered yet (all in one round), with
   * the metric checks (`alsoMetrics`) and the compared metrics' counts (`comparisons`) when asked.
   */
  answers(types: WebhookType[], alsoMetrics = false, comparisons: Record<string, ComparisonRequest> = {}): Partial<Record<WebhookType, GateAnswer[]>> {
    const configured = types.filter((type) => this.hooksOf(type).length > 0);
    const gathered = this.observation.gates ?? {};
    const missing = configured.filter((type) => gathered[type] === undefined);
    const metricsMissing = alsoMetrics && this.observation.metrics === undefined;
    const counted = this.observation.comparisons ?? {};
    const comparisonsMissing = Object.fromEntries(Object.entries(comparisons).filter(([name]) => counted[name] === undefined));
    if (missing.length > 0 || metricsMissing || Object.keys(comparisonsMissing).length > 0) throw new MissingAnswers(missing, metricsMissing, comparisonsMissing);
    return gathered;
  }

  hooksOf(type: WebhookType): CanaryWebhook[] {
    return webhooksOfType(this.analysis, type);
  }

  /** Routes everything to the primary (and removes A/B matches, mirroring and the baseline), as every way out of a run does. */
  routeToPrimary(): void {
    this.status.trafficMirrored = undefined;
    this.actions.push({ type: 'setWeights', weights: weightsFor(0) });
    if (this.strategy === 'ab-testing') this.actions.push({ type: 'setRouteMatches', matches: [] });
    this.removeBaseline();
  }

  /** Deletes the baseline when this Canary may have one (after the route stopped sending it traffic). */
  removeBaseline(): void {
    if (this.analysis.baseline === true || this.observation.baseline?.exists === true) this.actions.push({ type: 'removeBaseline' });
  }

  /** Uses a pending manual promote to open a closed gate; true when it did. */
  consumeManualPromotion(): boolean {
    if (this.status.manualPromotion === undefined) return false;
    if (this.status.manualPromotion === 'next') this.status.manualPromotion = undefined;
    return true;
  }

  /** The progress deadline in seconds, as people wrote it. */
  deadlineSeconds(): number {
    return this.settings.progressDeadline.seconds;
  }
}
