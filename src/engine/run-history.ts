import type { CanaryAnalysis } from '../api/canary.ts';
import type { CanaryStatus } from '../api/canary-status.ts';
import {
  MAX_PAST_RUNS,
  MAX_REASON_LENGTH,
  MAX_TIMELINE_ENTRIES,
  type CurrentRun,
  type RunOutcome,
  type RunSummary,
  type TimelineEntry,
  type TimelineGate,
  type TimelineMetric,
} from '../api/run-history.ts';
import type { EngineEvent } from './actions.ts';
import type { MetricVerdict } from './judge.ts';
import type { PhaseEventType } from './machine.ts';
import type { GateAnswer } from './observation.ts';
import { strategyOf, weightSequence } from './strategy.ts';

/**
 * The run history kept in the status (`status.run`, `status.pastRuns`): after the rules have decided a
 * tick, what the tick did becomes a timeline entry of the current run, a run starts on START (or on
 * waiting for a new revision's approval) and ends on SUCCEED, ROLLBACK or CANCEL, and an ended run's
 * summary goes to the front of `pastRuns`. Pure: the same tick gives the same history.
 */

/** What one decided tick did, as run-history needs it. */
export interface TickRecord {
  before: CanaryStatus;
  after: CanaryStatus;
  now: string;
  analysis: CanaryAnalysis;
  /** Phase-machine events the rules moved with, in order. */
  moves: readonly PhaseEventType[];
  events: readonly EngineEvent[];
  /** The metric verdicts when the metrics were judged this tick. */
  verdicts?: readonly MetricVerdict[];
  /** Every webhook answer gathered this tick. */
  gates: readonly GateAnswer[];
  /** Manual requests acted on (or ignored) this tick. */
  manual: readonly { action: string; by: string }[];
}

const ENDINGS: Partial<Record<PhaseEventType, RunOutcome>> = { SUCCEED: 'Succeeded', ROLLBACK: 'Failed', CANCEL: 'Cancelled' };

/** The status with this tick recorded in its run history. */
export function withRunHistory(record: TickRecord): CanaryStatus {
  const status = record.after;
  let run = status.run;
  let pastRuns = status.pastRuns ?? [];
  if (startsRun(record)) {
    if (run !== undefined && run.outcome === undefined) pastRuns = [summarise(end(run, 'Superseded', 'a newer revision replaced it', record), record), ...pastRuns];
    run = { revision: status.lastAppliedSpec ?? '', startTime: record.now, entries: [] };
  }
  if (run === undefined || run.outcome !== undefined) return status;

  run = append(run, entryOf(record));
  const ending = record.moves.map((move) => ENDINGS[move]).find((outcome) => outcome !== undefined);
  if (ending !== undefined) {
    run = end(run, ending, endReason(ending, record), record);
    pastRuns = [summarise(run, record), ...pastRuns];
  }
  return { ...status, run, pastRuns: pastRuns.slice(0, MAX_PAST_RUNS) };
}

/** A run begins with START (new revision, retry) or with waiting for a new revision's approval; START
 * after that wait continues the same run. */
function startsRun(record: TickRecord): boolean {
  if (!record.moves.includes('START') && !record.moves.includes('AWAIT_CONFIRMATION')) return false;
  const run = record.after.run;
  const approved = record.before.phase === 'Waiting' && run !== undefined && run.outcome === undefined && run.revision === record.after.lastAppliedSpec;
  return !approved;
}

function entryOf(record: TickRecord): TimelineEntry | undefined {
  const { after } = record;
  const events = [...new Set(record.events.map((event) => event.reason))];
  const metrics = record.verdicts?.map(timelineMetric);
  // A rollback hook's "no" means "carry on": only its "yes" is news.
  const gates = record.gates.filter((answer) => answer.type !== 'rollback' || answer.ok).map(timelineGate);
  if (events.length === 0 && !metrics?.length && gates.length === 0 && record.manual.length === 0) return undefined;
  return compactEntry({
    time: record.now,
    weight: after.canaryWeight ?? 0,
    phase: after.phase ?? '',
    events,
    failedChecks: after.failedChecks || undefined,
    metrics: metrics?.length ? metrics : undefined,
    gates: gates.length > 0 ? gates : undefined,
    manual: record.manual.length > 0 ? record.manual.map((m) => ({ action: m.action, by: m.by })) : undefined,
  });
}

/** Appends an entry; the same moment again (a gate still closed) only counts a repeat. */
function append(run: CurrentRun, entry: TimelineEntry | undefined): CurrentRun {
  if (entry === undefined) return run;
  const last = run.entries.at(-1);
  if (last !== undefined && sameMoment(last, entry)) {
    return { ...run, entries: [...run.entries.slice(0, -1), { ...last, repeats: (last.repeats ?? 0) + 1, until: entry.time }] };
  }
  const entries = [...run.entries, entry];
  if (entries.length <= MAX_TIMELINE_ENTRIES) return { ...run, entries };
  // Keep the start and the latest: the end of a long run is what people look at.
  const dropped = entries.length - MAX_TIMELINE_ENTRIES;
  return { ...run, entries: [entries[0], ...entries.slice(1 + dropped)], droppedEntries: (run.droppedEntries ?? 0) + dropped };
}

function sameMoment(a: TimelineEntry, b: TimelineEntry): boolean {
  const key = (e: TimelineEntry) => JSON.stringify({ ...e, time: undefined, repeats: undefined, until: undefined });
  return key(a) === key(b);
}

function end(run: CurrentRun, outcome: RunOutcome, reason: string | undefined, record: TickRecord): CurrentRun {
  return compactEntry({ ...run, outcome, endTime: record.now, reason: reason === undefined ? undefined : cut(reason) });
}

function endReason(outcome: RunOutcome, record: TickRecord): string | undefined {
  if (outcome === 'Failed') return record.after.failureReason;
  if (outcome === 'Cancelled') {
    const message = record.events.find((event) => event.reason === 'RunCancelled')?.message;
    return message?.slice(message.indexOf(': ') + 2);
  }
  return undefined;
}

function summarise(run: CurrentRun, record: TickRecord): RunSummary {
  const endTime = run.endTime ?? record.now;
  const maxWeight = Math.max(0, ...run.entries.map((entry) => entry.weight));
  const failedChecks = Math.max(0, ...run.entries.map((entry) => entry.failedChecks ?? 0));
  return compactEntry({
    revision: run.revision,
    outcome: run.outcome ?? 'Superseded',
    reason: run.reason,
    startTime: run.startTime,
    endTime,
    durationSeconds: Math.max(0, Math.round((Date.parse(endTime) - Date.parse(run.startTime)) / 100) / 10),
    steps: stepsOf(run, record),
    maxWeight,
    failedChecks: failedChecks || undefined,
  });
}

/** Weight steps reached (canary), or iterations passed (blue/green, A/B). */
function stepsOf(run: CurrentRun, record: TickRecord): number {
  if (strategyOf(record.analysis) !== 'canary') return record.after.stepsTaken ?? record.after.iterations ?? 0;
  const reached = Math.max(0, ...run.entries.map((entry) => entry.weight));
  return weightSequence(record.analysis).filter((weight) => weight > 0 && weight <= reached).length;
}

function timelineMetric(verdict: MetricVerdict): TimelineMetric {
  return compactEntry({
    name: verdict.name,
    result: verdict.verdict,
    value: verdict.value,
    min: verdict.min,
    max: verdict.max,
    interval: verdict.interval,
    reason: verdict.verdict === 'pass' || verdict.reason === undefined ? undefined : cut(verdict.reason),
  });
}

function timelineGate(answer: GateAnswer): TimelineGate {
  return compactEntry({ type: answer.type, name: answer.name, ok: answer.ok, reason: answer.ok || answer.reason === undefined ? undefined : cut(answer.reason) });
}

function cut(text: string): string {
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

/** Drops undefined fields, so the status holds only what was seen and entries compare by content. */
function compactEntry<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
