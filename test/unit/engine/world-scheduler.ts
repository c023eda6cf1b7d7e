import type { Canary } from '../../../src/api/canary.ts';
import type { FakeClock } from '../../../src/time/clock.ts';
import { nextTickAfter, retryDelayMs, Scheduler } from '../../../src/engine/scheduler.ts';

/**
 * The controller's runtime loop reduced to one Canary: the real Scheduler on a fake clock says when the
 * Canary is due; after each tick it is scheduled as CanaryController schedules it (the status's next
 * analysis, else one interval on; a failed tick backs off); a tick that changed a Deployment makes it due
 * again at once, as the controller's Deployment watch does.
 */
export class WorldScheduler {
  /** Ticks run so far. */
  ticks = 0;
  readonly #clock: FakeClock;
  readonly #key: string;
  readonly #tick: () => Promise<boolean>;
  readonly #scheduler: Scheduler;
  #due = false;
  #failures = 0;

  /** `tick` runs one reconcile and says whether it completed (false: it failed, to be retried with backoff). */
  constructor(clock: FakeClock, key: string, tick: () => Promise<boolean>) {
    this.#clock = clock;
    this.#key = key;
    this.#tick = tick;
    this.#scheduler = new Scheduler(clock, () => (this.#due = true));
  }

  /** Makes the Canary due now (a watch event: the controller puts it on its work queue, not on a timer). */
  triggerNow(): void {
    this.#scheduler.remove(this.#key);
    this.#due = true;
  }

  /** When the Canary is due next, if scheduled (now, once its timer fired and its tick waits for `advance`). */
  dueTime(): number | undefined {
    return this.#due ? this.#clock.now() : this.#scheduler.dueTime(this.#key);
  }

  /** Moves the clock by `ms`, running every tick that falls due on the way, in time order. */
  async advance(ms: number, canary: () => Canary, deployments: () => string): Promise<void> {
    const end = this.#clock.now() + ms;
    for (let ran = 0; ; ) {
      if (this.#due) {
        if (++ran > 1000) throw new Error('a thousand ticks in one advance: something makes the Canary due again and again');
        this.#due = false;
        const before = deployments();
        const completed = await this.#tick();
        this.ticks++;
        this.#failures = completed ? 0 : this.#failures + 1;
        this.#scheduler.schedule(this.#key, completed ? nextTickAfter(canary(), this.#clock.now()) : this.#clock.now() + retryDelayMs(this.#failures));
        if (deployments() !== before) this.triggerNow();
        continue;
      }
      const due = this.#scheduler.dueTime(this.#key);
      if (due === undefined || due > end) break;
      this.#clock.advance(Math.max(0, due - this.#clock.now()));
    }
    this.#clock.advance(end - this.#clock.now());
  }
}
