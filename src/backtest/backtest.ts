import { KubeConfig } from '@kubernetes/client-node';
import type { Canary, CanaryMetric, Mesh } from '../api/canary.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import { CanaryMetrics, metricTemplateLike } from '../controller/canary-metrics.ts';
import { replayAnalysis, type ReplayResult } from './history-replay.ts';
import { policiesOf, type Policy } from './policies.ts';

/**
 * `kanari backtest`: a Canary's analysis replayed over a past release window from Prometheus history,
 * under the threshold policy and under the judge, each decided by the real engine. Every query goes to
 * the Prometheus given (the built-ins with the Canary's mesh, the MetricTemplates' queries too), evaluated
 * at the instant each tick would have run.
 */
export interface BacktestOptions {
  canary: Canary;
  /** MetricTemplates the Canary's metrics may name (from the same files). */
  templates: MetricTemplate[];
  prometheus: string;
  /** When the new revision shipped, and the end of the window (epoch ms). */
  from: number;
  to: number;
  /** Whose metric names the built-ins use when the Canary does not say. */
  mesh?: Mesh;
}

/** One policy's replay. */
export interface PolicyReplay extends ReplayResult {
  policy: Policy;
}

/** Runs each policy over the window, one after the other (the same history, read again). */
export async function runBacktest(options: BacktestOptions): Promise<PolicyReplay[]> {
  const canary: Canary = { ...options.canary, spec: { ...options.canary.spec, metricsServer: options.prometheus, ...(options.mesh ? { mesh: options.mesh } : {}) } };
  const namespace = canary.metadata.namespace ?? 'default';
  const templates = new Map(options.templates.map((t) => [`${t.metadata.namespace ?? namespace}/${t.metadata.name}`, t]));
  const templateOf = (metric: CanaryMetric) => (metric.templateRef ? templates.get(`${metric.templateRef.namespace ?? namespace}/${metric.templateRef.name}`) : undefined);
  const results: PolicyReplay[] = [];
  for (const policy of policiesOf(canary, templateOf)) {
    const replay = await replayAnalysis(
      policy.canary,
      (clock) =>
        new CanaryMetrics({
          kubeConfig: new KubeConfig(),
          secretReader: async (ns, name) => {
            throw new Error(`a backtest reads no Secrets (${ns}/${name}): every query goes to --prometheus`);
          },
          // History is read from the Prometheus given, whatever address the template names.
          lookupTemplate: (ns, name) => {
            const template = templates.get(`${ns}/${name}`);
            if (!template) return undefined;
            const { secretRef: _secret, ...provider } = template.spec.provider;
            return metricTemplateLike({ ...template, spec: { ...template.spec, provider: { ...provider, address: options.prometheus } } }, name);
          },
          defaultMetricsServer: options.prometheus,
          at: () => new Date(clock.now()),
        }),
      options.from,
      options.to,
    );
    results.push({ policy, ...replay });
  }
  return results;
}
