import type { V1PodSpec } from '@kubernetes/client-node';
import { WEBHOOK_TYPES, type Canary, type WebhookType } from '../../../src/api/canary.ts';
import { analysisInterval, canarySettings, metricInterval, webhookTypeOf } from '../../../src/api/canary-settings.ts';
import { thresholdsOf } from '../../../src/engine/judge.ts';
import { strategyOf, weightSequence } from '../../../src/engine/strategy.ts';
import { servicePorts } from '../../../src/workload/services.ts';

/**
 * What a Canary would run, in the terms a person checks against Flagger's docs: the router, the
 * strategy and its weights or iterations, the ports of the generated Services, the hooks by type, the
 * metrics with their bounds and windows, the alerts. Computed with Kanari's own functions, so it is
 * what Kanari does, not what its YAML says.
 */
export interface RunMeaning {
  target: string;
  router: string;
  strategy: 'canary' | 'blue-green' | 'ab-testing';
  weights?: number[];
  iterations?: number;
  matches?: unknown[];
  interval: string;
  threshold: number;
  progressDeadlineSeconds: number;
  ports: string[];
  hooks: Partial<Record<WebhookType, string[]>>;
  metrics: string[];
  alerts: string[];
  autoscaler?: string;
  /** What else the Canary asks for, when it does: deletion and promotion options, primary replicas, webhook retries and muting. */
  settings?: string[];
}

/** The pod spec of Flagger's podinfo (kustomize/podinfo), the target every page releases. */
export const PODINFO_POD_SPEC: V1PodSpec = {
  containers: [
    {
      name: 'podinfod',
      image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
      ports: [
        { name: 'http', containerPort: 9898, protocol: 'TCP' },
        { name: 'http-metrics', containerPort: 9797, protocol: 'TCP' },
        { name: 'grpc', containerPort: 9999, protocol: 'TCP' },
      ],
    },
  ],
};

/** The meaning of a validated (defaulted) Kanari Canary. */
export function describeRun(canary: Canary, podSpec: V1PodSpec = PODINFO_POD_SPEC): RunMeaning {
  const spec = canary.spec;
  const analysis = spec.analysis;
  const strategy = strategyOf(analysis);
  const hooks: Partial<Record<WebhookType, string[]>> = {};
  for (const type of WEBHOOK_TYPES) {
    const names = (analysis.webhooks ?? []).filter((hook) => webhookTypeOf(hook) === type).map((hook) => hook.name);
    if (names.length > 0) hooks[type] = names;
  }
  const meaning: RunMeaning = {
    target: `${spec.targetRef.kind}/${spec.targetRef.name}`,
    router: spec.provider ?? 'smi',
    strategy,
    interval: analysisInterval(analysis).text,
    threshold: canarySettings(canary).threshold,
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
    ports: servicePorts(canary, podSpec).map((port) => `${port.name} ${port.port}→${String(port.targetPort)}`),
    hooks,
    metrics: (analysis.metrics ?? []).map((metric) => {
      const { min, max } = thresholdsOf(metric);
      const source = [metric.templateRef ? `template ${metric.templateRef.namespace ?? canary.metadata.namespace}/${metric.templateRef.name}` : '', metric.query !== undefined ? 'inline query' : '']
        .filter(Boolean)
        .join(' and ');
      const bounds = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean).join(' ');
      return `${metric.name}${source ? ` (${source})` : ''} ${bounds} over ${metricInterval(metric).text}`;
    }),
    alerts: (analysis.alerts ?? []).map((alert) => `${alert.name}: ${alert.severity} → ${alert.providerRef.namespace ?? canary.metadata.namespace}/${alert.providerRef.name}`),
  };
  if (strategy === 'canary') meaning.weights = weightSequence(analysis);
  else meaning.iterations = analysis.iterations;
  if (strategy === 'ab-testing') meaning.matches = analysis.match;
  if (spec.autoscalerRef) meaning.autoscaler = `${spec.autoscalerRef.kind}/${spec.autoscalerRef.name}`;
  const replicas = spec.autoscalerRef?.primaryScalerReplicas;
  const settings = [
    spec.revertOnDeletion ? 'revertOnDeletion' : '',
    spec.skipAnalysis ? 'skipAnalysis' : '',
    analysis.stepWeightPromotion !== undefined ? `stepWeightPromotion ${analysis.stepWeightPromotion}` : '',
    replicas ? `primary replicas ${replicas.minReplicas ?? '-'}–${replicas.maxReplicas ?? '-'}` : '',
    ...(analysis.webhooks ?? []).flatMap((hook) => [
      hook.retries !== undefined ? `${hook.name}: ${hook.retries} retries` : '',
      hook.muteAlert ? `${hook.name}: alerts muted` : '',
      hook.disableTLS ? `${hook.name}: TLS not verified` : '',
    ]),
  ].filter(Boolean);
  if (settings.length > 0) meaning.settings = settings;
  return meaning;
}
