import { FakeClock, type Clock, type TimerHandle } from '../../src/time/clock.ts';
import { eventually } from './eventually.ts';

/**
 * One leader-election candidate's view of a shared FakeClock. The elector arms its next retry right
 * after it has applied an attempt's outcome, so a retry armed at the current time means the attempt that
 * came due has finished: the test may look at who leads, and move time again.
 */
export class CandidateClock implements Clock {
  readonly #shared: FakeClock;
  readonly #retryPeriodMs: number;
  #retryArmedAt: number | undefined;

  constructor(shared: FakeClock, retryPeriodMs: number) {
    this.#shared = shared;
    this.#retryPeriodMs = retryPeriodMs;
  }

  now(): number {
    return this.#shared.now();
  }

  setTimer(at: number, callback: () => void): TimerHandle {
    if (at === this.#shared.now() + this.#retryPeriodMs) this.#retryArmedAt = this.#shared.now();
    return this.#shared.setTimer(at, callback);
  }

  /** Whether the candidate has finished the attempt due at the current time (and waits for its next retry). */
  settled(): boolean {
    return this.#retryArmedAt === this.#shared.now();
  }
}

/**
 * Time for a leader election under test: the Lease's renewals, retries and deadlines move only when the
 * test passes retry periods, so a hand-over bound is a count of retry periods, not a wall-clock guess.
 */
export class ElectionTime {
  readonly clock: FakeClock;
  readonly retryPeriodMs: number;

  constructor(start: number, retryPeriodMs: number) {
    this.clock = new FakeClock(start);
    this.retryPeriodMs = retryPeriodMs;
  }

  /** A clock for one candidate (each candidate needs its own, to say when its attempt is done). */
  candidateClock(): CandidateClock {
    return new CandidateClock(this.clock, this.retryPeriodMs);
  }

  /** Waits until each of `clocks` has finished the attempt due now (candidates cut off from the API server never do). */
  async settled(clocks: CandidateClock[]): Promise<void> {
    await eventually(`${clocks.length} candidate(s) to finish the attempt due at ${new Date(this.clock.now()).toISOString()}`, () => clocks.every((c) => c.settled()), {
      everyMs: 10,
      lastSeen: () => `${clocks.filter((c) => c.settled()).length} finished`,
    });
  }

  /** Moves time one retry period at a time, `times` times, each time waiting until `clocks` have finished the attempt that came due. */
  async passRetryPeriods(times: number, clocks: CandidateClock[]): Promise<void> {
    for (let i = 0; i < times; i++) {
      this.clock.advance(this.retryPeriodMs);
      await this.settled(clocks);
    }
  }
}
