import type { V1PodSpec } from '@kubernetes/client-node';
import type { RunMeaning } from './flagger-run-meaning.ts';

/**
 * The building blocks of what Flagger runs for the Canaries of its docs (test/fixtures/flagger/docs),
 * written from Flagger's behaviour: its weights come from Flagger's own stepping rule (scheduler.go's
 * maxWeight and nextStepWeight), not Kanari's.
 */

/** What Flagger runs for one Canary of the docs, or why `kanari convert` will not write it. */
export interface Expected {
  run?: RunMeaning;
  /** convert writes no Canary; the note that says why contains this text. */
  refused?: string;
  /** convert writes the Canary but it needs an edit: Kanari's validation errors, as `kanari convert` prints them. */
  edit?: string[];
  /** The fields convert left a note on, in order. */
  noted: string[];
  /** The target's pod spec, when the page's workload is not Flagger's podinfo. */
  podSpec?: V1PodSpec;
}

/** The canary weights of a full Flagger run: step while below the max weight; the step that crosses it is taken whole. */
export function flaggerWeights(analysis: { stepWeight?: number; stepWeights?: number[]; maxWeight?: number }): number[] {
  const steps = analysis.stepWeights ?? [];
  const max = steps.length > 0 ? Math.min(100, steps[steps.length - 1]) : (analysis.maxWeight ?? 100);
  const next = (current: number): number => {
    if (analysis.stepWeight || steps.length === 0) return analysis.stepWeight ?? 0;
    const maxStep = 100 - current;
    if (current === 0) return Math.min(maxStep, steps[0]);
    const i = steps.indexOf(current);
    return i >= 0 && i < steps.length - 1 ? Math.min(maxStep, steps[i + 1] - current) : maxStep;
  };
  const weights = [0];
  for (let w = 0; w < max; ) weights.push((w = Math.min(100, w + next(w))));
  return weights;
}

export const canaryRun = (step: { stepWeight?: number; stepWeights?: number[]; maxWeight?: number }) => ({ strategy: 'canary' as const, weights: flaggerWeights(step) });
export const blueGreen = (iterations: number) => ({ strategy: 'blue-green' as const, iterations });
export const abTest = (iterations: number, matches: unknown[]) => ({ strategy: 'ab-testing' as const, iterations, matches });

/** `{ headers: { <name>: { <kind>: <value> } } }`, one A/B condition. */
export const header = (name: string, kind: 'exact' | 'prefix' | 'suffix' | 'regex', value: string) => ({ headers: { [name]: { [kind]: value } } });

export const successRate = (min: number, over: string) => `request-success-rate ≥ ${min} over ${over}`;
export const duration = (max: number, over: string) => `request-duration ≤ ${max} over ${over}`;
/** The two built-in checks of most pages: success rate ≥ 99 over 1m, P99 duration ≤ 500 ms over `durationOver`. */
export const builtins = (durationOver: string) => [successRate(99, '1m'), duration(500, durationOver)];
/** A MetricTemplate check: `name (template ns/template) bounds over window`. */
export const templated = (name: string, template: string, bounds: string, over: string) => `${name} (template ${template}) ${bounds} over ${over}`;

export const HPA = 'HorizontalPodAutoscaler/podinfo';
// Flagger's podinfo serves http on 9898, and http-metrics (9797) and grpc (9999) that portDiscovery adds.
export const DISCOVERED = ['grpc 9999→9999', 'http-metrics 9797→9797'];

/** podinfo with nothing set: Flagger's defaults (600 s deadline, port 9898, no hooks, metrics or alerts). */
export const PODINFO = {
  target: 'Deployment/podinfo',
  router: 'smi',
  progressDeadlineSeconds: 600,
  ports: ['http 9898→9898'],
  hooks: {},
  metrics: [] as string[],
  alerts: [] as string[],
};

/** The how-it-works page's analysis, which completes the usage pages' fragments: 1m, 10 failures, 5 % steps to 50 %. */
export const HOW_IT_WORKS_ANALYSIS = { interval: '1m', threshold: 10, ...canaryRun({ stepWeight: 5, maxWeight: 50 }) };

/** Note paths of the built-in metrics, which a foreign router measured from its own Prometheus metrics. */
export const builtinSourceNotes = (...indexes: number[]) => indexes.map((i) => `spec.analysis.metrics[${i}].name`);

export type ExpectedPage = Record<string, Expected>;
