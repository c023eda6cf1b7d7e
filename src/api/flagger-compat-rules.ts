import type { CanarySpec } from './canary.ts';
import { flaggerValue } from './flagger-fields.ts';
import type { ValidationError } from './validation-error.ts';

/**
 * Rules between fields that Flagger defines and Kanari follows: what a workload kind or a router can
 * do. Their messages are the field table's, so `validate` and `convert` say the same thing.
 */
export function targetAndRouterRules(spec: CanarySpec): ValidationError[] {
  const errors: ValidationError[] = [];
  const analysis = spec.analysis;
  if (spec.provider === 'kubernetes') {
    if (analysis.stepWeight !== undefined || analysis.stepWeights !== undefined) {
      const path = analysis.stepWeight !== undefined ? 'spec.analysis.stepWeight' : 'spec.analysis.stepWeights';
      errors.push({ path, message: `is not used by provider: kubernetes: ${flaggerValue('spec.analysis.stepWeight', 'stepWeight or stepWeights with provider: kubernetes').text}` });
    }
    if ((analysis.match?.length ?? 0) > 0) {
      errors.push({ path: 'spec.analysis.match', message: `is not used by provider: kubernetes: ${flaggerValue('spec.analysis.match', 'match with provider: kubernetes').text}` });
    }
  }
  if (spec.targetRef.kind === 'DaemonSet' && spec.autoscalerRef) {
    errors.push({ path: 'spec.autoscalerRef', message: 'cannot scale a DaemonSet (it runs one pod per node): remove autoscalerRef or target a Deployment' });
  }
  return errors;
}
