/**
 * What a sample-app replica does, read from its pod template's environment so that
 * `kubectl set env deploy/podinfo ERROR_RATE=0.3` turns a release bad without any other knob.
 */

/** The behaviour of one sample-app version. */
export interface SampleAppBehaviour {
  /** Reported in the `x-kanari-version` header and the body. */
  version: string;
  /** Fraction (0..1) of requests answered with 500. */
  errorRate: number;
  /**
   * `random` (default): each request fails with probability errorRate. `even` (ERROR_PATTERN=even): the
   * failures are spread evenly — every 1/errorRate-th request, as a bug on one code path fails — so any
   * window of requests fails at the rate to within one request.
   */
  errorPattern: 'random' | 'even';
  /** Latency added to every request, in milliseconds, before jitter. */
  latencyMs: number;
}

/** One `env` entry of a container; `valueFrom` entries carry no literal value and are ignored. */
export interface EnvVar {
  name: string;
  value?: string;
}

/** The behaviour when the template says nothing: a healthy, fast "v1". */
export const DEFAULT_BEHAVIOUR: SampleAppBehaviour = { version: 'v1', errorRate: 0, errorPattern: 'random', latencyMs: 0 };

/** Reads VERSION, ERROR_RATE, ERROR_PATTERN and LATENCY_MS; unreadable values fall back to the defaults, clamped to sense. */
export function behaviourFromEnv(env: readonly EnvVar[] | undefined, fallbackVersion = DEFAULT_BEHAVIOUR.version): SampleAppBehaviour {
  const values = new Map((env ?? []).filter((e) => typeof e.value === 'string').map((e) => [e.name, e.value as string]));
  const errorRate = Number(values.get('ERROR_RATE'));
  const latencyMs = Number(values.get('LATENCY_MS'));
  return {
    version: values.get('VERSION') || fallbackVersion,
    errorRate: Number.isFinite(errorRate) ? Math.min(1, Math.max(0, errorRate)) : DEFAULT_BEHAVIOUR.errorRate,
    errorPattern: values.get('ERROR_PATTERN') === 'even' ? 'even' : DEFAULT_BEHAVIOUR.errorPattern,
    latencyMs: Number.isFinite(latencyMs) ? Math.max(0, latencyMs) : DEFAULT_BEHAVIOUR.latencyMs,
  };
}

/** The fraction of LATENCY_MS by which a request's delay may deviate either way. */
export const LATENCY_JITTER_FRACTION = 0.1;

/** Decides one request's fate from two PRNG draws (and, for evenly spread failures, its index): whether it fails, and how long it takes. */
export function planResponse(behaviour: SampleAppBehaviour, failDraw: number, jitterDraw: number, index = 0): { fail: boolean; delayMs: number } {
  const jitter = behaviour.latencyMs * LATENCY_JITTER_FRACTION * (2 * jitterDraw - 1);
  const rate = behaviour.errorRate;
  const fail = behaviour.errorPattern === 'even' ? Math.floor((index + 1) * rate + 1e-9) > Math.floor(index * rate + 1e-9) : failDraw < rate;
  return { fail, delayMs: Math.max(0, Math.round(behaviour.latencyMs + jitter)) };
}
