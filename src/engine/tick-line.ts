import type { CanaryPhase } from '../api/canary-status.ts';
import { DueHeap } from './due-heap.ts';

/**
 * The order in which waiting Canaries get their tick when more wait than can run at once.
 *
 * - A tick that fell due (an analysis interval passed, a retry's backoff ended) goes first, earliest due
 *   time first: a running analysis must not wait behind new work, or its interval stretches.
 * - Everything else (a new Canary, a new revision, the target or primary becoming ready) is served in
 *   order of arrival, and a Canary keeps its place until its piece of work is done: the second tick of
 *   an initialization comes before the first tick of Canaries that arrived later. So when thousands
 *   arrive at once (a controller's start, a platform-wide release) the first ones finish within seconds
 *   instead of every one getting its first tick before any gets its second.
 */
export type TickPlace = { due: number } | { arrived: number };

/** Phases in which a Canary has no work in progress: its next event is a new arrival. */
export const SETTLED_PHASES: readonly CanaryPhase[] = ['Initialized', 'Succeeded', 'Failed'];

/** Canaries waiting for a tick, by TickPlace; what the controller's work queue takes its next key from. */
export class TickLine {
  private readonly due = new DueHeap();
  private readonly arrivals = new DueHeap();

  get size(): number {
    return this.due.size + this.arrivals.size;
  }

  /** Puts `key` in line, or moves it up when it waits already and `place` comes sooner. */
  add(key: string, place: TickPlace): void {
    if ('due' in place) {
      this.arrivals.delete(key);
      const current = this.due.dueOf(key);
      if (current === undefined || place.due < current) this.due.set(key, place.due);
      return;
    }
    if (this.due.dueOf(key) !== undefined) return;
    const current = this.arrivals.dueOf(key);
    if (current === undefined || place.arrived < current) this.arrivals.set(key, place.arrived);
  }

  /** Takes the key to run next: the earliest due tick, else the earliest arrival. */
  take(): string | undefined {
    const next = this.due.peek() ?? this.arrivals.peek();
    if (next === undefined) return undefined;
    this.due.delete(next.key);
    this.arrivals.delete(next.key);
    return next.key;
  }

  /** The sooner of two places, for a key asked for twice while it runs. */
  sooner(a: TickPlace, b: TickPlace): TickPlace {
    if ('due' in a) return 'due' in b && b.due < a.due ? b : a;
    if ('due' in b) return b;
    return b.arrived < a.arrived ? b : a;
  }

  clear(): void {
    for (let next = this.take(); next !== undefined; next = this.take());
  }
}

/**
 * Hands out arrival numbers: a Canary gets one when work arrives for it and keeps it until its work is
 * done (see `settle`), so every tick of that work keeps the Canary's place in line.
 */
export class Arrivals {
  private readonly numbers = new Map<string, number>();
  private next = 0;

  /** The place in line of `key`'s work in progress, a new one when it has none. */
  placeOf(key: string): TickPlace {
    let arrived = this.numbers.get(key);
    if (arrived === undefined) this.numbers.set(key, (arrived = this.next++));
    return { arrived };
  }

  /** After a tick: a Canary left in a settled phase has no work in progress any more. */
  settle(key: string, phase: CanaryPhase | undefined): void {
    if (phase !== undefined && SETTLED_PHASES.includes(phase)) this.numbers.delete(key);
  }

  /** The Canary is gone. */
  forget(key: string): void {
    this.numbers.delete(key);
  }

  /** Canaries with work in progress. */
  get size(): number {
    return this.numbers.size;
  }
}
