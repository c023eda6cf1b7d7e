/**
 * The reasons a metric query can fail for real, each one something a person can act on; the engine puts
 * the reason into the Canary's Ready condition and an Event.
 */
export type MetricsErrorReason =
  /** The TrafficMetrics API group is not served by the cluster at all. */
  | 'MetricsApiNotServed'
  /** Connection refused, DNS failure, TLS failure or timeout. */
  | 'ProviderUnreachable'
  /** The provider rejected the credentials (401/403). */
  | 'Unauthorized'
  /** The provider answered with an error for this query (bad PromQL, server error, unreadable body). */
  | 'QueryFailed'
  /** The query returned a range (matrix) where one number was needed. */
  | 'RangeResultNotSupported'
  /** The query returned several series where one number was needed. */
  | 'MultipleSeries'
  /** The provider spec or its Secret is unusable (unknown type, missing key, bad address). */
  | 'InvalidProvider'
  /** A metric with compare whose source cannot count both sides (a template without counts, latency from TrafficMetrics). */
  | 'NotComparable';

/** A real failure of a metrics provider; the message names the provider address, never a credential. */
export class MetricsError extends Error {
  readonly reason: MetricsErrorReason;

  constructor(reason: MetricsErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetricsError';
    this.reason = reason;
  }
}

/** The address with any user:password part removed, so it can be shown anywhere. */
export function safeAddress(address: string): string {
  try {
    const url = new URL(address);
    url.username = '';
    url.password = '';
    url.search = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return address.replace(/\/\/[^@/]*@/, '//');
  }
}
