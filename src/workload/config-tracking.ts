import type { V1ObjectMeta } from '@kubernetes/client-node';

/**
 * A ConfigMap or Secret annotated `flagger.app/config-tracking: disabled` (or Kanari's own key) is not
 * part of a release: its changes start no run, and the primary reads the object itself instead of a
 * `-primary` copy, as in Flagger (whose test is a value starting with "disable").
 */
export const CONFIG_TRACKING_ANNOTATIONS = ['kanari.dev/config-tracking', 'flagger.app/config-tracking'] as const;

/** Whether Kanari tracks (and copies) this config. */
export function isConfigTracked(metadata: V1ObjectMeta | undefined): boolean {
  return !CONFIG_TRACKING_ANNOTATIONS.some((key) => metadata?.annotations?.[key]?.startsWith('disable'));
}
