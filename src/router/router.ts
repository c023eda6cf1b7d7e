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
 * A traffic router: the engine's Router port plus what the controller needs around it. One
 * implementation per traffic API (SMI TrafficSplit, Gateway API HTTPRoute).
 */
export interface TrafficRouter extends Router {
  /** The current weights, or undefined when there is no split. */
  getWeights(canary: Canary): Promise<Weights | undefined>;
  /** What can be expressed for this Canary (versions served, A/B). */
  capabilities(canary: Canary): Promise<RouterCapabilities>;
  /** Re-detects the served API versions (call when CRDs change). */
  refresh(): Promise<void>;
}
