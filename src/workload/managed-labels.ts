import { primaryName } from '../api/names.ts';
/** Labels and annotations Kanari puts on the objects it generates. */

/** Marks objects generated for a Canary, so they can be found and cleaned up. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kanari';

/** On the target: its replicas before Kanari scaled it to zero, so scale-up and revert restore them. */
export const ORIGINAL_REPLICAS_ANNOTATION = 'kanari.dev/original-replicas';

/** The selector labels of the primary pods: every target selector value suffixed `-primary`. */
export function primarySelector(targetSelector: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(targetSelector)) out[key] = primaryName(value);
  return out;
}
