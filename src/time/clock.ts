/**
 * Time as a dependency: the engine's scheduler, the leader elector and the sandbox ask a Clock for "now"
 * and for timers, so tests drive time with FakeClock.advance and nothing ever sleeps. A base folder every
 * layer may import.
 */

/** A handle to cancel a timer. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once at (or after) `at`, epoch milliseconds. */
  setTimer(at: number, callback: () => void): TimerHandle;
}

/** The process clock; timers are unref'd so they never keep the process alive on their own. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(at: number, callback: () => void): TimerHandle {
    // setTimeout's delay is a 32-bit int: longer waits are re-armed in chunks.
    const maxDelay = 2 ** 31 - 1;
    let timer: NodeJS.Timeout;
    const arm = () => {
      const delay = Math.max(0, at - Date.now());
      timer = setTimeout(delay > maxDelay ? arm : callback, Math.min(delay, maxDelay));
      timer.unref();
    };
    arm();
    return { cancel: () => clearTimeout(timer) };
  }
}

interface FakeTimer {
  at: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told; `advance` fires due timers synchronously, in time order. A timer
 * already due when armed ("now") also fires on the next turn of the event loop, as it would on a real
 * clock, unless an `advance` fires it first: a controller on this clock still reacts to watch events at
 * once, while analysis intervals, backoffs and deadlines wait for the test to move time.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: FakeTimer[] = [];
  private created = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, callback: () => void): TimerHandle {
    const timer: FakeTimer = { at, order: this.created++, callback, cancelled: false };
    this.timers.push(timer);
    if (at <= this.current) setImmediate(() => this.fireIfPending(timer));
    return { cancel: () => (timer.cancelled = true) };
  }

  private fireIfPending(timer: FakeTimer): void {
    const index = this.timers.indexOf(timer);
    if (index < 0 || timer.cancelled) return;
    this.timers.splice(index, 1);
    timer.callback();
  }

  /** Moves time forward by `milliseconds`, firing every timer that falls due on the way (also ones armed by callbacks). */
  advance(milliseconds: number): void {
    const end = this.current + milliseconds;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (due === undefined) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = end;
  }

  /** Timers still waiting, for tests that assert nothing is left armed. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
