import type { Canary } from '../api/canary.ts';
import type { AnalysisResult, CanaryCondition } from '../api/canary-status.ts';
import type { CurrentRun, RunSummary } from '../api/run-history.ts';
import { manualRequestsFromAnnotations } from '../api/annotations.ts';
import { thresholdsOf } from '../engine/judge.ts';
import { maxWeightOf, strategyOf, weightSequence, type StrategyKind } from '../engine/strategy.ts';

/**
 * What the dashboard's pages show of a Canary, as plain JSON made from the Canary alone (no I/O): the
 * list row and the detail page's data. The browser only draws it.
 */

/** A gate that holds the run now. */
export interface WaitingGate {
  gate: 'confirm-rollout' | 'confirm-promotion' | 'confirm-traffic-increase' | 'paused';
  /** The webhooks of that type, or who paused. */
  names: string[];
  since?: string;
}

/** One row of the Canaries list. */
export interface CanarySummary {
  namespace: string;
  name: string;
  resourceVersion: string;
  phase: string;
  weight: number;
  strategy: StrategyKind;
  target: string;
  revision?: string;
  lastTransitionTime?: string;
  failedChecks: number;
  threshold: number;
  ready?: { status: string; reason?: string; message?: string };
  lastCheck?: { time: string; results: AnalysisResult[] };
  waiting: WaitingGate[];
  failureReason?: string;
  suspended: boolean;
}

/** Everything the Canary page draws. */
export interface CanaryDetail {
  summary: CanarySummary;
  analysis: {
    interval: string;
    threshold: number;
    /** The weights a run steps through (canary strategy), or the iterations (blue/green, A/B). */
    steps: number[];
    iterations?: number;
    maxWeight: number;
    metrics: { name: string; min?: number; max?: number; interval?: string; template?: string }[];
    webhooks: { name: string; type: string }[];
  };
  run?: CurrentRun;
  pastRuns: RunSummary[];
  conditions: CanaryCondition[];
  /** Manual requests written as annotations that the controller has not acted on yet. */
  pendingRequests: { action: string; by: string }[];
}

/** The list row of a Canary. */
export function canarySummary(canary: Canary): CanarySummary {
  const status = canary.status ?? {};
  const results = status.lastAnalysis ?? [];
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  return {
    namespace: canary.metadata.namespace ?? 'default',
    name: canary.metadata.name ?? '',
    resourceVersion: canary.metadata.resourceVersion ?? '',
    phase: status.phase || 'New',
    weight: status.canaryWeight ?? 0,
    strategy: strategyOf(canary.spec.analysis),
    target: `${canary.spec.targetRef.kind}/${canary.spec.targetRef.name}`,
    revision: status.lastAppliedSpec,
    lastTransitionTime: status.lastTransitionTime,
    failedChecks: status.failedChecks ?? 0,
    threshold: canary.spec.analysis.threshold ?? 1,
    ready: ready && { status: ready.status, reason: ready.reason, message: ready.message },
    lastCheck: results.length > 0 ? { time: status.lastAnalysisTime ?? results[0].time, results } : undefined,
    waiting: waitingGates(canary),
    failureReason: status.phase === 'Failed' ? status.failureReason : undefined,
    suspended: canary.spec.suspend === true,
  };
}

/** The Canary page's data. */
export function canaryDetail(canary: Canary): CanaryDetail {
  const analysis = canary.spec.analysis;
  const status = canary.status ?? {};
  const handled = status.handledRequests ?? {};
  return {
    summary: canarySummary(canary),
    analysis: {
      interval: analysis.interval ?? '1m',
      threshold: analysis.threshold ?? 1,
      steps: strategyOf(analysis) === 'canary' ? weightSequence(analysis) : [],
      iterations: analysis.iterations,
      maxWeight: maxWeightOf(analysis),
      metrics: (analysis.metrics ?? []).map((metric) => ({ name: metric.name, ...thresholdsOf(metric), interval: metric.interval, template: metric.templateRef?.name })),
      webhooks: (analysis.webhooks ?? []).map((hook) => ({ name: hook.name, type: hook.type ?? 'rollout' })),
    },
    run: status.run,
    pastRuns: status.pastRuns ?? [],
    conditions: status.conditions ?? [],
    pendingRequests: manualRequestsFromAnnotations(canary.metadata.annotations)
      .filter((request) => handled[request.kind] !== request.id)
      .map((request) => ({ action: request.kind, by: request.requestedBy })),
  };
}

/** The gates holding the run: the phase names confirm-rollout and confirm-promotion; a closed traffic-increase gate is in status. */
export function waitingGates(canary: Canary): WaitingGate[] {
  const status = canary.status ?? {};
  const hooks = (type: string) => (canary.spec.analysis.webhooks ?? []).filter((hook) => hook.type === type).map((hook) => hook.name);
  const gates: WaitingGate[] = [];
  if (status.paused) gates.push({ gate: 'paused', names: [status.paused.by], since: status.paused.at });
  if (status.phase === 'Waiting') gates.push({ gate: 'confirm-rollout', names: hooks('confirm-rollout'), since: status.lastTransitionTime });
  if (status.phase === 'WaitingPromotion') gates.push({ gate: 'confirm-promotion', names: hooks('confirm-promotion'), since: status.lastTransitionTime });
  if (status.phase === 'Progressing' && status.trafficIncreaseWaitingSince) {
    gates.push({ gate: 'confirm-traffic-increase', names: hooks('confirm-traffic-increase'), since: status.trafficIncreaseWaitingSince });
  }
  return gates;
}
