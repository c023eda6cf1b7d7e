import type { V1ObjectMeta } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, primarySelector } from './managed-labels.ts';

/**
 * The metadata of the objects Kanari copies for the primary (workload, ConfigMaps, Secrets, HPA), as
 * Flagger writes it: a target's labels are copied only when their key starts with one of the controller's
 * `--include-label-prefix` values (`*` for all; none by default), because labels such as Argo CD's
 * `app.kubernetes.io/instance` would make a GitOps tool think it owns, and prune, the primary. Flux's
 * `*.toolkit.fluxcd.io` keys are never copied, for the same reason.
 */

const TOOLKIT_MARKER = 'toolkit.fluxcd.io';
/** Describes the target as last applied; on the primary it would be a lie. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The labels whose key starts with one of `prefixes` (`*` matches every key); Flux's never. */
export function includeLabelsByPrefix(labels: Record<string, string> | undefined, prefixes: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.includes(TOOLKIT_MARKER)) continue;
    if (prefixes.some((prefix) => prefix === '*' || (prefix !== '' && key.startsWith(prefix)))) result[key] = value;
  }
  return result;
}

/** The annotations a copy keeps: all but Flux's and kubectl's record of the target's last apply. */
export function copiedAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([key]) => !key.includes(TOOLKIT_MARKER) && key !== LAST_APPLIED));
}

/** Labels of the primary workload: the included labels of the target, its selector suffixed, and Kanari's mark. */
export function primaryWorkloadLabels(target: V1ObjectMeta | undefined, selector: Record<string, string>, prefixes: readonly string[]): Record<string, string> {
  return { ...includeLabelsByPrefix(target?.labels, prefixes), ...primarySelector(selector), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}

/** Labels of a primary copy of a config or an HPA: the included labels of the source and Kanari's mark. */
export function primaryCopyLabels(source: V1ObjectMeta | undefined, prefixes: readonly string[]): Record<string, string> {
  return { ...includeLabelsByPrefix(source?.labels, prefixes), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}
