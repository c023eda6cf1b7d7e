import type { V1LabelSelector, V1PodSpec } from '@kubernetes/client-node';
import { primaryName } from '../api/names.ts';

/**
 * A target's pods that keep away from each other (pod anti-affinity) or spread across zones (topology
 * spread) select their own kind by the target's selector labels. The primary's pods carry those labels
 * suffixed `-primary`, so, as Flagger does, the primary's copy of the pod spec selects `-primary` values:
 * otherwise primary pods would spread relative to the canary's pods instead of their own.
 */
export function primarySchedulingSelectors(spec: V1PodSpec, targetSelector: Record<string, string>): V1PodSpec {
  const copy = structuredClone(spec);
  const rewrite = (selector: V1LabelSelector | undefined) => rewriteSelector(selector, targetSelector);
  for (const constraint of copy.topologySpreadConstraints ?? []) rewrite(constraint.labelSelector);
  const antiAffinity = copy.affinity?.podAntiAffinity;
  for (const term of antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) rewrite(term.podAffinityTerm?.labelSelector);
  for (const term of antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) rewrite(term.labelSelector);
  return copy;
}

function rewriteSelector(selector: V1LabelSelector | undefined, targetSelector: Record<string, string>): void {
  if (!selector) return;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (targetSelector[key] === value) selector.matchLabels![key] = primaryName(value);
  }
  for (const expression of selector.matchExpressions ?? []) {
    const own = targetSelector[expression.key];
    if (own === undefined || !expression.values) continue;
    expression.values = expression.values.map((value) => (value === own ? primaryName(value) : value));
  }
}
