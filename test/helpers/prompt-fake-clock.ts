import { FakeClock } from '../../src/time/clock.ts';
import type { TimerHandle } from '../../src/time/clock.ts';

/**
 * A FakeClock for a whole controller: time moves only when a test calls `advance`, but a timer that is
 * already due when armed fires on the next turn of the event loop, as it would on a real clock. The
 * controller's scheduler arms such a timer for every watch event ("reconcile now"), so a new revision,
 * pods becoming ready or an annotation still get an immediate tick, while analysis intervals, backoffs
 * and deadlines wait for the test.
 */
export class PromptFakeClock extends FakeClock {
  override setTimer(at: number, callback: () => void): TimerHandle {
    if (at > this.now()) return super.setTimer(at, callback);
    const immediate = setImmediate(callback);
    return { cancel: () => clearImmediate(immediate) };
  }
}
