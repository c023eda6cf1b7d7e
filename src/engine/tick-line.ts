import type { CanaryPhase } from '../api/canary-status.ts';
import { DueHeap } from './due-heap.ts';

/**
 * The order in which waiting Canaries get their tick when more wait than can run at once.
 *
 * 1. `due`: a tick of a Canary with work in progress that fell due (an analysis interval passed, a
 *    retry's backoff ended), earliest due time first: a running analysis must not wait behind new work,
 *    or its interval stretches.
 * 2. `arrived`: work that arrived (a new Canary, a new revision, the target or primary becoming ready),
 *    in order of arrival; a Canary keeps its place until its piece of work is done, so the second tick
 *    of an initialization comes before the first tick of Canaries that arrived later. When thousands
 *    arrive at once (a controller's start, a platform-wide release) the first ones finish within seconds
 *    instead of every one getting its first tick before any gets its second.
 * 3. `resync`: the periodic tick of a settled Canary (Initialized, Succeeded, Failed), which finds
 *    nothing to do unless something was missed; it yields to real work and runs when there is room.
 */
export type TickPlace = { due: number } | { arrived: number } | { resync: number };

/** Phases in which a Canary has no work in progress: its next event is a new arrival, its timer a resync. */
export const SETTLED_PHASES: readonly CanaryPhase[] = ['Initialized', 'Succeeded', 'Failed'];

function laneOf(place: TickPlace): { lane: number; order: number } {
  if ('due' in place) return { lane: 0, order: place.due };
  if ('arrived' in place) return { lane: 1, order: place.arrived };
  return { lane: 2, order: place.resync };
}

/** Canaries waiting for a tick, by TickPlace; what the controller's work queue takes its next key from. */
export class TickLine {
  /** due, arrived, resync: served in this order. */
  private readonly lanes = [new DueHeap(), new DueHeap(), new DueHeap()];

  get size(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.size, 0);
  }

  /** Puts `key` in line, or moves it up when it waits already and `place` comes sooner. */
  add(key: string, place: TickPlace): void {
    const { lane, order } = laneOf(place);
    for (let other = 0; other < this.lanes.length; other++) {
      const waiting = this.lanes[other].dueOf(key);
      if (waiting === undefined) continue;
      if (other < lane || (other === lane && waiting <= order)) return;
      this.lanes[other].delete(key);
    }
    this.lanes[lane].set(key, order);
  }

  /** Takes the key to run next: the first of the first lane that has one. */
  take(): string | undefined {
    for (const lane of this.lanes) {
      const next = lane.peek();
      if (next === undefined) continue;
      lane.delete(next.key);
      return next.key;
    }
    return undefined;
  }

  /** The sooner of two places, for a key asked for twice while it runs. */
  sooner(a: TickPlace, b: TickPlace): TickPlace {
    const x = laneOf(a);
    const y = laneOf(b);
    return y.lane < x.lane || (y.lane === x.lane && y.order < x.order) ? b : a;
  }

  has(key: string): boolean {
    return this.lanes.some((lane) => lane.dueOf(key) !== undefined);
  }

  clear(): void {
    for (const lane of this.lanes) while (lane.peek()) lane.delete(lane.peek()!.key);
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
