import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Struct } from './schema-types.ts';

/**
 * A Canary's run history, kept in its status: the timeline of the current run (or of the last one, until
 * the next starts) and a short summary of the runs before it. It is written in the same status write as
 * the decision it records, so it adds no API request to a tick and is never out of step with the phase;
 * the bounds below keep an idle Canary's status small (docs/dashboard.md, "Run history").
 */

/** Timeline entries kept per run: the first (the start) and the latest ones. */
export const MAX_TIMELINE_ENTRIES = 50;
/** Finished runs whose summary is kept, newest first. */
export const MAX_PAST_RUNS = 10;
/** Gate reasons and run reasons are cut to this many characters. */
export const MAX_REASON_LENGTH = 160;

export const RUN_OUTCOMES = ['Succeeded', 'Failed', 'Cancelled', 'Superseded'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * A comparison of canary and primary by a statistical judge: the estimate (e.g. the ratio of failure
 * rates), its confidence interval, and the bar the judge holds it to.
 */
export const JudgeIntervalSchema = Struct({
  estimate: Type.Number(),
  lower: Type.Number(),
  upper: Type.Number(),
  bar: Type.Number(),
});

/** One metric at one check: its value against the thresholds, or a judge's interval, and the verdict. */
export const TimelineMetricSchema = Struct({
  name: Type.String(),
  result: StringEnum(['pass', 'fail', 'no-data', 'error']),
  value: Type.Optional(Type.Number()),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  interval: Type.Optional(JudgeIntervalSchema),
  reason: Type.Optional(Type.String()),
});

/** One webhook's answer at one tick. */
export const TimelineGateSchema = Struct({
  type: Type.String(),
  name: Type.String(),
  ok: Type.Boolean(),
  reason: Type.Optional(Type.String()),
});

/** A person's request the engine acted on (or ignored) at this tick. */
export const TimelineManualSchema = Struct({ action: Type.String(), by: Type.String() });

/** One moment of a run: what the engine did (its Events' reasons), the weight after it, and what it saw. */
export const TimelineEntrySchema = Struct({
  time: Type.String(),
  /** The canary's traffic weight after this moment (percent). */
  weight: Type.Integer(),
  phase: Type.String(),
  /** The reasons of the Events of this tick: Synced, Advance, FailedCheck, WaitingApproval, Promoting, … */
  events: Type.Array(Type.String()),
  failedChecks: Type.Optional(Type.Integer()),
  metrics: Type.Optional(Type.Array(TimelineMetricSchema)),
  gates: Type.Optional(Type.Array(TimelineGateSchema)),
  manual: Type.Optional(Type.Array(TimelineManualSchema)),
  /** The same moment happened again this many more times (a gate still closed…), the last at `until`. */
  repeats: Type.Optional(Type.Integer()),
  until: Type.Optional(Type.String()),
});

/** The current run (or the last one until the next starts), with its timeline. */
export const CurrentRunSchema = Struct({
  revision: Type.String(),
  startTime: Type.String(),
  /** Set when the run ended; its timeline stays so the last run can still be read. */
  outcome: Type.Optional(StringEnum(RUN_OUTCOMES)),
  /** Why it ended that way (the failure reason, why it was cancelled). */
  reason: Type.Optional(Type.String()),
  endTime: Type.Optional(Type.String()),
  entries: Type.Array(TimelineEntrySchema, { maxItems: MAX_TIMELINE_ENTRIES }),
  /** Entries dropped after the first one to stay within bounds. */
  droppedEntries: Type.Optional(Type.Integer()),
});

/** A finished run in a line: revision, outcome and why, when and how long, how far it got. */
export const RunSummarySchema = Struct({
  revision: Type.String(),
  outcome: StringEnum(RUN_OUTCOMES),
  reason: Type.Optional(Type.String()),
  startTime: Type.String(),
  endTime: Type.String(),
  durationSeconds: Type.Number(),
  /** Analysis steps (weight steps or iterations) passed. */
  steps: Type.Integer(),
  /** The highest canary weight the run reached. */
  maxWeight: Type.Integer(),
  failedChecks: Type.Optional(Type.Integer()),
});

export type JudgeInterval = Static<typeof JudgeIntervalSchema>;
export type TimelineMetric = Static<typeof TimelineMetricSchema>;
export type TimelineGate = Static<typeof TimelineGateSchema>;
export type TimelineEntry = Static<typeof TimelineEntrySchema>;
export type CurrentRun = Static<typeof CurrentRunSchema>;
export type RunSummary = Static<typeof RunSummarySchema>;
