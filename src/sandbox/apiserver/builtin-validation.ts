import type { StatusCause } from './api-error.ts';
import { isObject, type JsonObject } from './json.ts';
import { LabelSelector } from '../../kube/label-selector.ts';
import { goValue } from './structural-schema.ts';

/** The few checks of built-in kinds that clients rely on seeing as 422s (Deployments and Services). */
export function validateBuiltin(kind: string, obj: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isObject(obj.spec) ? obj.spec : {};
  if (kind === 'Deployment' || kind === 'ReplicaSet') {
    const template = isObject(spec.template) ? spec.template : {};
    const podSpec = isObject(template.spec) ? template.spec : {};
    const labels = isObject(template.metadata) && isObject(template.metadata.labels) ? (template.metadata.labels as Record<string, string>) : {};
    if (!isObject(spec.selector)) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
    else {
      const selector = LabelSelector.fromLabelSelector(spec.selector);
      if (selector.empty) causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment', field: 'spec.selector' });
      else if (!selector.matches(labels)) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goValue(labels).replace('map[string]interface {}', 'map[string]string')}: \`selector\` does not match template \`labels\``, field: 'spec.template.metadata.labels' });
      }
    }
    if (!Array.isArray(podSpec.containers) || podSpec.containers.length === 0) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' });
    }
    if (typeof spec.replicas === 'number' && spec.replicas < 0) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`, field: 'spec.replicas' });
    }
  }
  if (kind === 'Service' && spec.type !== 'ExternalName') {
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    if (ports.length === 0 && spec.clusterIP !== 'None') causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' });
  }
  return causes;
}
