/**
 * What a playground scenario is and what it reports: enough for the closing summary a person reads
 * and for the end-to-end tests, which check the same facts in more detail.
 */
import type { Canary } from '../api/canary.ts';
import type { LoadSummary, UserRequest } from '../sandbox/loadgen/load-generator.ts';
import type { PlaygroundWorld } from './playground-world.ts';
import type { ProgressOutput } from './progress-output.ts';
import type { SplitState } from './rollout-recorder.ts';
import type { SlackDelivery } from './slack-receiver.ts';

/** One stream of users during a scenario (e.g. "insiders" sending `x-canary: insider`). */
export interface UserGroup {
  label: string;
  results: readonly UserRequest[];
  summary: LoadSummary;
}

/** What a scenario saw and whether it ended as expected. */
export interface ScenarioResult {
  name: string;
  title: string;
  /** True when every expectation held; otherwise `problems` says what went wrong. */
  ok: boolean;
  problems: string[];
  startedAt: number;
  durationMs: number;
  /** The Canary's phase at the end, when the scenario runs one. */
  finalPhase?: string;
  expectedPhase?: string;
  /** The rollout's analysis, when the scenario runs one: its strategy says what a step is. */
  analysis?: Canary['spec']['analysis'];
  /** Iterations the run passed (blue/green, A/B), from the Canary's status at the end. */
  iterations?: number;
  /** TrafficSplit canary weights during the scenario, in order, each distinct value once per change. */
  weights: number[];
  /** The same weights with the epoch ms at which the watch delivered each. */
  weightSamples: { at: number; canary: number }[];
  /** The app's TrafficSplit states by resourceVersion, to judge each request by the state that routed it. */
  splitStates: Record<string, SplitState>;
  phases: string[];
  /** Epoch ms at which each phase was first seen during the scenario. */
  phaseTimes: Record<string, number>;
  users: UserGroup[];
  /** Requests answered by each version, across every user group. */
  byVersion: Record<string, { requests: number; errors: number }>;
  /** Requests that failed as users saw them (5xx or no answer). */
  userErrors: number;
  slack: SlackDelivery[];
  /** Traffic Access probes: the statuses an unlisted caller got at each stage. */
  probes?: { stage: 'before' | 'allowed' | 'after'; statuses: number[] }[];
  /** Further lines for the summary (e.g. the bound the bad version's share stayed within). */
  notes: string[];
  /** Scenarios that release to several apps at once (the judge's): how each ended. */
  apps?: { app: string; policy: string; phase?: string; failureReason?: string; failedChecks: number; evidence?: string; weights: number[] }[];
}

/** What a scenario runs with. */
export interface ScenarioContext {
  world: PlaygroundWorld;
  out: ProgressOutput;
  seed: number;
}

/** A named scenario. */
export interface Scenario {
  name: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** Adds up what several user groups saw, per version. */
export function tallyVersions(groups: readonly UserGroup[]): Record<string, { requests: number; errors: number }> {
  const total: Record<string, { requests: number; errors: number }> = {};
  for (const group of groups) {
    for (const [version, counts] of Object.entries(group.summary.byVersion)) {
      const entry = (total[version] ??= { requests: 0, errors: 0 });
      entry.requests += counts.requests;
      entry.errors += counts.errors;
    }
  }
  return total;
}
