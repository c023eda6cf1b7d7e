import type { Canary } from '../api/canary.ts';
import { analysisInterval } from '../api/canary-settings.ts';
import type { Clock, TimerHandle } from '../time/clock.ts';
import { DueHeap } from './due-heap.ts';
import { judgeDueTime } from './rules/comparison.ts';

/**
 * Per-canary due times on one timer. Due times come from the status (last analysis time + interval), so
 * they survive restarts; a watch event (new revision, readiness change) goes to the work queue directly
 * (tick-line.ts), and the tick it causes moves the due time.
 * Each change is O(log n); only the earliest due time holds a timer.
 */

/**
 * When the Canary should next be decided: last analysis + interval, or now when it never ran; sooner
 * when the judge looks between steps (`analysis.judge.interval`).
 */
export function nextDueTime(canary: Canary, now: number): number {
  const last = canary.status?.lastAnalysisTime;
  if (last === undefined) return now;
  const step = Date.parse(last) + analysisInterval(canary.spec.analysis).milliseconds;
  const judge = judgeDueTime(canary.status ?? {}, canary.spec.analysis);
  return Math.max(now, judge === undefined ? step : Math.min(step, judge));
}

/** When to tick after a completed one: when the status says the analysis is due, but at least one interval on. */
export function nextTickAfter(canary: Canary, now: number): number {
  const due = nextDueTime(canary, now);
  return due > now ? due : now + analysisInterval(canary.spec.analysis).milliseconds;
}

// A failing tick is retried at 1 s, 2 s, 4 s… up to this: an API server that is away long enough to
// hit it is back within one such wait of its return.
const MAX_RETRY_DELAY_MS = 60_000;

/** How long to wait before retrying a Canary whose last `failures` ticks in a row failed. */
export function retryDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** failures);
}

export class Scheduler {
  private readonly clock: Clock;
  private readonly onDue: (key: string, due: number) => void;
  private readonly heap = new DueHeap();
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;

  /** `onDue(key, due)` is called once per due key, earliest first; it is expected to decide and re-schedule the key. */
  constructor(clock: Clock, onDue: (key: string, due: number) => void) {
    this.clock = clock;
    this.onDue = onDue;
  }

  get size(): number {
    return this.heap.size;
  }

  /** Sets (or moves) the key's due time. */
  schedule(key: string, at: number): void {
    this.heap.set(key, at);
    this.rearm();
  }

  /** The key's due time, if scheduled. */
  dueTime(key: string): number | undefined {
    return this.heap.dueOf(key);
  }

  /** Forgets the key (Canary deleted). */
  remove(key: string): void {
    this.heap.delete(key);
    this.rearm();
  }

  /** Cancels the timer; nothing fires afterwards. */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private rearm(): void {
    const next = this.heap.peek();
    if (next === undefined) return this.stop();
    if (this.timerAt !== undefined && this.timerAt <= next.due) return;
    this.timer?.cancel();
    this.timerAt = next.due;
    this.timer = this.clock.setTimer(next.due, () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    const now = this.clock.now();
    const due: { key: string; due: number }[] = [];
    for (let next = this.heap.peek(); next !== undefined && next.due <= now; next = this.heap.peek()) {
      this.heap.delete(next.key);
      due.push(next);
    }
    for (const next of due) this.onDue(next.key, next.due);
    this.rearm();
  }
}
