import type { Canary } from '../api/canary.ts';
import type { CanaryStatus } from '../api/canary-status.ts';
import { primaryName } from '../api/names.ts';
import { strategyOf } from '../engine/strategy.ts';
import type { ControllerMetrics } from '../server/controller-metrics.ts';

const PROGRESSING_PHASES = new Set(['Progressing', 'WaitingPromotion', 'Promoting', 'Finalising']);

type CanarySeries = { metric: 'status' | 'weight' | 'duration' | 'runDuration' | 'metricAnalysis' | 'successes' | 'failures'; labels: Record<string, string> };

/**
 * Keeps the per-Canary `kanari_canary_*` series: updated after each tick from the status written, a
 * run's end counted once (on its phase change), and every series of a Canary removed when it is deleted,
 * so a deleted Canary does not linger in dashboards. It remembers each Canary's label sets, because
 * prom-client removes a series only by its full labels.
 */
export class CanaryMetricsReporter {
  readonly #metrics: ControllerMetrics;
  readonly #series = new Map<string, Map<string, CanarySeries>>();

  constructor(metrics: ControllerMetrics) {
    this.#metrics = metrics;
  }

  /** After a tick: the canary with the status written, and the status it had before. */
  report(canary: Canary, previous: CanaryStatus | undefined): void {
    const name = canary.metadata.name ?? '';
    const namespace = canary.metadata.namespace ?? '';
    const status = canary.status ?? {};
    const phase = status.phase ?? '';
    const weight = status.canaryWeight ?? 0;
    this.#gauge(canary, 'status', { name, namespace }, PROGRESSING_PHASES.has(phase) ? 0 : phase === 'Failed' ? 2 : 1);
    this.#gauge(canary, 'weight', { workload: canary.spec.targetRef.name, namespace }, weight);
    this.#gauge(canary, 'weight', { workload: primaryName(canary.spec.targetRef.name), namespace }, 100 - weight);
    for (const result of status.lastAnalysis ?? []) {
      if (result.value !== undefined) this.#gauge(canary, 'metricAnalysis', { name, namespace, metric: result.metric }, result.value);
    }
    const ended = status.pastRuns?.[0];
    const before = previous?.pastRuns?.[0];
    if (ended !== undefined && (ended.startTime !== before?.startTime || ended.endTime !== before.endTime)) {
      const labels = { name, namespace, outcome: ended.outcome };
      this.#remember(canary, 'runDuration', labels);
      this.#metrics.runDuration.observe(labels, ended.durationSeconds);
    }
    if (phase === (previous?.phase ?? '') || (phase !== 'Succeeded' && phase !== 'Failed')) return;
    const labels = { name, namespace, deployment_strategy: strategyOf(canary.spec.analysis), analysis_status: phase === 'Succeeded' ? 'completed' : 'failed' };
    const counter = phase === 'Succeeded' ? 'successes' : 'failures';
    this.#remember(canary, counter, labels);
    this.#metrics[counter].inc(labels);
  }

  /** How long one tick of this Canary took. */
  observeTick(canary: Canary, seconds: number): void {
    const labels = { name: canary.metadata.name ?? '', namespace: canary.metadata.namespace ?? '' };
    this.#remember(canary, 'duration', labels);
    this.#metrics.duration.observe(labels, seconds);
  }

  /** The Canary is gone: remove every series it had. */
  forget(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    for (const { metric, labels } of this.#series.get(key)?.values() ?? []) (this.#metrics[metric] as unknown as { remove(labels: Record<string, string>): void }).remove(labels);
    this.#series.delete(key);
  }

  #gauge(canary: Canary, metric: 'status' | 'weight' | 'metricAnalysis', labels: Record<string, string>, value: number): void {
    this.#remember(canary, metric, labels);
    (this.#metrics[metric] as unknown as { set(labels: Record<string, string>, value: number): void }).set(labels, value);
  }

  #remember(canary: Canary, metric: CanarySeries['metric'], labels: Record<string, string>): void {
    const key = `${canary.metadata.namespace ?? ''}/${canary.metadata.name ?? ''}`;
    let series = this.#series.get(key);
    if (series === undefined) this.#series.set(key, (series = new Map()));
    series.set(`${metric}|${JSON.stringify(labels)}`, { metric, labels });
  }
}
