/**
 * Time for the simulated deployment controller: when pods start and when a rollout's deadline passes.
 * The same shape as the engine's Clock (the sandbox must not import engine/), so a test hands both the
 * controller and the sandbox one fake clock and moves them together.
 */

/** A handle to cancel a timer. */
export interface SandboxTimer {
  cancel(): void;
}

/** Epoch milliseconds and one-shot timers. */
export interface SandboxClock {
  now(): number;
  /** Calls `callback` once at (or after) `at`, epoch milliseconds. */
  setTimer(at: number, callback: () => void): SandboxTimer;
}

/** The process clock; its timers never keep the process alive on their own. */
export const systemClock: SandboxClock = {
  now: () => Date.now(),
  setTimer(at, callback) {
    const timer = setTimeout(callback, Math.max(0, at - Date.now()));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
