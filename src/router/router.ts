import type { Canary } from '../api/canary.ts';
import type { Router } from '../engine/ports.ts';
import type { Weights } from '../engine/observation.ts';

/** What the router can do for one Canary on this cluster, and in which API versions. */
export interface RouterCapabilities {
  /** The traffic API is served and can express this Canary. */
  available: boolean;
  /** Header matches (A/B) can be written. */
  abTesting: boolean;
  /** The API version the split is written in, e.g. `split.smi-spec.io/v1alpha4`. */
  apiVersion?: string;
  /** Machine reason and person-readable message when not available. */
  reason?: string;
  message?: string;
}

/**
 * A traffic router: the engine's Router port plus the lifecycle the workload shell and the controller
 * need. One implementation per traffic API (SMI TrafficSplit today, Gateway API HTTPRoute later).
 */
export interface TrafficRouter extends Router {
  /** Creates the split at canary 0 / primary 100 if it does not exist; leaves an existing one's weights alone. */
  ensure(canary: Canary): Promise<void>;
  /** The current weights, or undefined when there is no split. */
  getWeights(canary: Canary): Promise<Weights | undefined>;
  /** What can be expressed for this Canary (versions served, A/B). */
  capabilities(canary: Canary): Promise<RouterCapabilities>;
  /** Removes what the router created for the Canary (split, route group). */
  finalize(canary: Canary): Promise<void>;
  /** Re-detects the served API versions (call when CRDs change). */
  refresh(): Promise<void>;
}
