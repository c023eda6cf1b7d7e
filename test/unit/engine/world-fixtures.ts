import type { Canary, CanaryAnalysis, CanarySpec } from '../../../src/api/canary.ts';
import { createValidator } from '../../../src/api/validation.ts';
import type { WorkloadObservation } from '../../../src/engine/observation.ts';

/** The values the engine's World and its tests start from. */

export const START = Date.parse('2026-03-02T10:00:00Z');
export const MINUTE = 60_000;
/** One validator for the World and its fixtures, as the controller builds one. */
export const validator = createValidator();

/** A Canary as the controller hands it to the engine: validated, with the schema's defaults applied. */
export function makeCanary(analysis: Partial<CanaryAnalysis> = {}, spec: Partial<CanarySpec> = {}): Canary {
  const result = validator.validateCanary({
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test', generation: 1, resourceVersion: '1' },
    spec: {
      targetRef: { kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      ...spec,
      analysis: { interval: '1m', threshold: 2, stepWeight: 10, maxWeight: 30, ...analysis },
    },
  });
  if (!result.valid) throw new Error(`test Canary is invalid: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/**
 * The analysis the scenario tests share with the integration suites: a tick a minute, steps of 20 up to
 * 60, two failed checks allowed, the two built-in checks.
 */
export function quickAnalysis(overrides: Partial<CanaryAnalysis> = {}): CanaryAnalysis {
  return {
    interval: '1m',
    threshold: 2,
    stepWeight: 20,
    maxWeight: 60,
    metrics: [
      { name: 'request-success-rate', interval: '1m', thresholdRange: { min: 99 } },
      { name: 'request-duration', interval: '1m', thresholdRange: { max: 500 } },
    ],
    ...overrides,
  };
}

/** A ready Deployment with `replicas` pods. */
export function readyWorkload(replicas = 2): WorkloadObservation {
  return { exists: true, desiredReplicas: replicas, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGenerationCurrent: true };
}

/** A Deployment rolling out: no pod available yet. */
export function unreadyWorkload(replicas = 2): WorkloadObservation {
  return { ...readyWorkload(replicas), readyReplicas: 0, availableReplicas: 0 };
}
