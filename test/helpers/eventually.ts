/**
 * The one way tests wait: poll a probe until it yields something, or fail saying what was awaited and
 * what was seen last. The limit is generous on purpose: on a loaded machine things are slow, not wrong,
 * and a wait that runs out of time fails with a message instead of a Jest timeout. Never use a wait to
 * show that nothing happens: advance a fake clock and count ticks instead.
 */

export interface EventuallyOptions {
  /** Give up after this long; 60 s by default. */
  timeoutMs?: number;
  /** Pause between probes; 50 ms by default. */
  everyMs?: number;
  /** Adds what the probe last looked at to the failure message. */
  lastSeen?: () => unknown;
}

export const DEFAULT_EVENTUALLY_TIMEOUT_MS = 60_000;

/**
 * Polls `probe` until it returns a value other than `undefined`, `null` or `false`, and returns that
 * value. A probe that throws is asked again (a request may fail while a fault is injected); the last
 * error is part of the failure message.
 */
export async function eventually<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_EVENTUALLY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = options.lastSeen ? `; last seen: ${describe(options.lastSeen())}` : '';
      const error = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}${error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 50));
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
