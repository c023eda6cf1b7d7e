import type { Canary } from '../api/canary.ts';
import { primaryName } from '../api/names.ts';
import type { ControllerMetrics } from '../server/controller-metrics.ts';

const PROGRESSING_PHASES = new Set(['Progressing', 'WaitingPromotion', 'Promoting', 'Finalising']);

/** Updates the kanari_canary_* series after a tick; counts a run's end once, on the phase change. */
export function reportCanaryMetrics(metrics: ControllerMetrics, canary: Canary, previousPhase: string | undefined): void {
  const name = canary.metadata.name ?? '';
  const namespace = canary.metadata.namespace ?? '';
  const phase = canary.status?.phase ?? '';
  const weight = canary.status?.canaryWeight ?? 0;
  metrics.status.set({ name, namespace }, PROGRESSING_PHASES.has(phase) ? 0 : phase === 'Failed' ? 2 : 1);
  metrics.weight.set({ workload: canary.spec.targetRef.name, namespace }, weight);
  metrics.weight.set({ workload: primaryName(canary.spec.targetRef.name), namespace }, 100 - weight);
  for (const result of canary.status?.lastAnalysis ?? []) {
    if (result.value !== undefined) metrics.metricAnalysis.set({ name, namespace, metric: result.metric }, result.value);
  }
  if (phase === previousPhase) return;
  const labels = { name, namespace, deployment_strategy: strategyOf(canary), analysis_status: phase === 'Succeeded' ? 'completed' : 'failed' };
  if (phase === 'Succeeded') metrics.successes.inc(labels);
  if (phase === 'Failed') metrics.failures.inc(labels);
}

function strategyOf(canary: Canary): string {
  const analysis = canary.spec.analysis;
  if (analysis.iterations !== undefined) return analysis.match?.length ? 'ab-testing' : 'blue-green';
  return 'canary';
}
